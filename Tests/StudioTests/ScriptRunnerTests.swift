// Running command scripts without a terminal.

import Imaging
import Studio
import XCTest

final class ScriptRunnerTests: XCTestCase {
  func testRunsAScriptAndSaves() throws {
    let dir = TempDir()
    var log: [String] = []
    let s = Session(renderer: StubRenderer())
    let runner = ScriptRunner(session: s) { log.append($0) }
    try runner.run(
      """
      # make a smiling face
      open \(dir.sketch())
      set smiling 1
      expr surprised 0.25

      save \(dir.path)/a.png
      """)
    XCTAssertEqual(log.count, 4)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path + "/a.png"))
    XCTAssertEqual(s.state.target(.smiling), 1)
  }

  func testErrorNamesTheLine() throws {
    let dir = TempDir()
    let runner = ScriptRunner(session: Session(renderer: StubRenderer())) { _ in }
    XCTAssertThrowsError(try runner.run("open \(dir.sketch())\nset smiling 3\n", name: "t.vis")) {
      XCTAssertTrue("\($0)".hasPrefix("t.vis:2: set smiling 3:"), "\($0)")
    }
  }

  func testQuitStops() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try ScriptRunner(session: s) { _ in }.run("open \(dir.sketch())\nquit\nset smiling 1\n")
    XCTAssertNil(s.state.target(.smiling))
  }
}
