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

  /// Journals written before stroke changes (every line with its full state) still restore.
  func testReadsOlderLinesWithFullStates() throws {
    let dir = TempDir()
    let path = dir.path + "/journal.jsonl"
    let lines = [
      #"{"session":"old","start":1}"#,
      #"{"session":"old","command":"draw 2 1,1 5,5","state":{"intensity":1,"kind":"sketch","#
        + #""strokes":["draw 2 1,1 5,5"],"targets":{},"variant":"dis"}}"#,
      #"{"session":"old","command":"draw 1 0,0 1,1","state":{"intensity":1,"kind":"sketch","#
        + #""strokes":["draw 2 1,1 5,5","draw 1 0,0 1,1"],"targets":{},"variant":"dis"}}"#,
    ]
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    let recovered = try XCTUnwrap(Journal.lastSession(at: path))
    XCTAssertEqual(recovered.states.map(\.strokes.count), [1, 2])
    XCTAssertEqual(recovered.current?.strokes.last?.text, "draw 1 0,0 1,1")
  }

  /// A stroke change that does not fit the list before it (a lost line) is not applied to the
  /// wrong strokes; the chain resumes at the next line that lists every stroke.
  func testBrokenStrokeChainSkipsUntilAFullList() throws {
    let dir = TempDir()
    let path = dir.path + "/journal.jsonl"
    let state = #"{"intensity":1,"kind":"sketch","targets":{},"variant":"dis"}"#
    func line(_ keep: Int, _ add: [String]) -> String {
      let list = add.map { "\"\($0)\"" }.joined(separator: ",")
      return #"{"session":"s","command":"c","state":"# + state
        + #","strokes":{"keep":"# + "\(keep)" + #","add":["# + list + "]}}"
    }
    let lines = [
      line(0, ["draw 2 1,1 5,5"]),
      line(3, ["draw 1 0,0 1,1"]),  // refers to strokes this journal never listed
      line(1, ["draw 1 2,2 3,3"]),  // built on the lost line: skipped
      line(0, ["draw 2 1,1 5,5", "draw 3 4,4 6,6"]),  // a full list again
      line(2, ["draw 1 7,7 8,8"]),
    ]
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    let recovered = try XCTUnwrap(Journal.lastSession(at: path))
    XCTAssertEqual(recovered.states.map(\.strokes.count), [1, 2, 3])
    XCTAssertEqual(
      recovered.current?.strokes.map(\.text),
      ["draw 2 1,1 5,5", "draw 3 4,4 6,6", "draw 1 7,7 8,8"])
  }
}
