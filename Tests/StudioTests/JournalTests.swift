// Recovering a killed session from the autosave journal.

import Studio
import XCTest

final class JournalTests: XCTestCase {
  func testRecoversAfterKill() throws {
    let dir = TempDir()
    let path = dir.path + "/state/journal.jsonl"
    let sketch = dir.sketch()
    do {
      let s = Session(renderer: StubRenderer(), journal: Journal(path: path))
      try s.run("open \(sketch)")
      try s.run("set smiling 0.6")
      try s.run("expr angry 0.7")
      try s.run("variant dec")
      // The process dies here: no close(), and a write is torn mid-line.
    }
    let handle = FileHandle(forWritingAtPath: path)!
    handle.seekToEndOfFile()
    handle.write(Data("{\"session\":\"x\",\"command\":\"set sm".utf8))
    handle.closeFile()

    let recovered = try XCTUnwrap(Journal.lastSession(at: path))
    XCTAssertFalse(recovered.closed)
    XCTAssertEqual(recovered.states.count, 4)
    XCTAssertEqual(recovered.commands.last, "variant dec")
    let s2 = Session(renderer: StubRenderer(), journal: Journal(path: path))
    try s2.restore(recovered)
    XCTAssertEqual(s2.state.target(.smiling), 0.6)
    XCTAssertEqual(s2.state.expression, .angry)
    XCTAssertEqual(s2.state.variant, .dec)
    XCTAssertNotNil(s2.source)
    XCTAssertEqual(s2.undoDepth, 3)
    try s2.run("undo")
    XCTAssertEqual(s2.state.variant, .dis)
  }

  func testClosedSessionIsMarked() throws {
    let dir = TempDir()
    let path = dir.path + "/journal.jsonl"
    let j = Journal(path: path)
    let s = Session(renderer: StubRenderer(), journal: j)
    try s.run("open \(dir.sketch())")
    j.close()
    XCTAssertEqual(Journal.lastSession(at: path)?.closed, true)
    XCTAssertNil(Journal.lastSession(at: dir.path + "/missing.jsonl"))
  }
}
