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

  /// Strokes survive a kill, including ones undone and redrawn, and restore with their history.
  func testRecoversStrokesAfterKill() throws {
    let dir = TempDir()
    let path = dir.path + "/journal.jsonl"
    var history: [EditState] = []
    do {
      let s = Session(renderer: StubRenderer(), journal: Journal(path: path))
      try s.run("open \(dir.sketch())")
      history.append(s.state)
      for line in ["draw 2 1,1 5,5", "draw 3 2,9 9,2", "undo", "erase 4 3,3 6,6", "draw 1 0,0 1,1"]
      {
        try s.run(line)
        history.append(s.state)
      }
      try s.run("strokes clear")
      history.append(s.state)
      try s.run("undo")
      history.append(s.state)
    }
    let recovered = try XCTUnwrap(Journal.lastSession(at: path))
    XCTAssertEqual(recovered.states, history)
    XCTAssertEqual(recovered.current?.strokes.count, 3)
    let s2 = Session(renderer: StubRenderer(), journal: Journal(path: path))
    try s2.restore(recovered)
    XCTAssertEqual(s2.state, history.last)
    try s2.run("undo")
    XCTAssertEqual(s2.state, history[history.count - 2])
  }

  /// The journal of a long drawing grows with the number of strokes, not with its square.
  func testJournalGrowsLinearlyWithStrokes() throws {
    let dir = TempDir()
    let path = dir.path + "/journal.jsonl"
    let s = Session(renderer: StubRenderer(), journal: Journal(path: path))
    try s.run("open \(dir.sketch())")
    let count = 300
    for i in 0..<count {
      try s.run("draw 2 \(i % 50),\(i % 40) \(i % 30),\(i % 20) \(i % 10),\(i % 60)")
    }
    let bytes = try XCTUnwrap(
      FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    let finalState = s.state.json.utf8.count
    // Every line holds the small rest of the state and one stroke; listing every stroke on
    // every line would take about count / 2 times the final state.
    XCTAssertLessThan(bytes, finalState + count * 600)
    XCTAssertEqual(Journal.lastSession(at: path)?.current?.strokes.count, count)
  }
}
