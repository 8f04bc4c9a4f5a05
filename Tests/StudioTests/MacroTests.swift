// Recording macros into registers, the macro file, and replaying them.

import Studio
import XCTest

final class MacroTests: XCTestCase {
  func testRecordStoreAndReplay() throws {
    let dir = TempDir()
    let file = dir.path + "/config/macros"
    let s = Session(renderer: StubRenderer(), macros: MacroStore(path: file))
    try s.run("open \(dir.sketch())")
    try s.startRecording("a")
    try s.run("set smiling 0.1")
    try s.run("add smiling 0.05")
    try s.run("expr happy 0.5")
    let (r, n) = try XCTUnwrap(s.stopRecording())
    XCTAssertEqual(r, "a")
    XCTAssertEqual(n, 3)
    let text = try String(contentsOfFile: file, encoding: .utf8)
    XCTAssertTrue(text.contains("[a]\nset smiling 0.1\nadd smiling 0.05\nexpr happy 0.5\n"), text)

    // A fresh session reads the file and replays the logical actions.
    let s2 = Session(renderer: StubRenderer(), macros: MacroStore(path: file))
    try s2.run("open \(dir.sketch())")
    try s2.run("play a")
    XCTAssertEqual(s2.state.target(.smiling), 0.15)
    XCTAssertEqual(s2.state.expression, .happy)
    XCTAssertEqual(s2.undoDepth, 3)
    XCTAssertThrowsError(try s2.run("play b")) { XCTAssertTrue("\($0)".contains("empty")) }
  }

  func testCountRepeatsAndNestedRecordingExpands() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("open \(dir.sketch())")
    try s.macros.set("n", ["add young 0.1"])
    try s.run("set young 0")
    try s.run("play n 3")
    XCTAssertEqual(s.state.target(.young), 0.3)
    try s.startRecording("m")
    try s.run("play n 2")
    try s.stopRecording()
    XCTAssertEqual(s.macros["m"], ["add young 0.1", "add young 0.1"])
    XCTAssertThrowsError(try s.startRecording("1"))
  }

  func testParseIgnoresJunk() {
    let regs = MacroStore.parse("# c\n[a]\nset smiling 1\n\n[B]\nx\n[c]\nundo\n")
    XCTAssertEqual(regs["a"], ["set smiling 1"])
    XCTAssertNil(regs["B"])
    XCTAssertEqual(regs["c"], ["undo"])
  }
}
