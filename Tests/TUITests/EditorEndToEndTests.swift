// End-to-end tests of `visage edit` in a real terminal (tmux): keys, mouse, macros, save,
// resize, journal recovery and terminal restore.

import Foundation
import Imaging
import Studio
import TUI
import XCTest

final class EditorEndToEndTests: XCTestCase {
  func testKeyboardSlidersUndoAndSave() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256")
    t.waitFor(text: "opened sketch.png")
    XCTAssertTrue(t.screen().contains("s2f untrained · sargan untrained"), t.screen())
    try t.keys("Right", "Right")
    t.waitFor("smiling +0.10") { _ in t.sliderRow("Smiling").contains("+0.10") }
    try t.keys("S-Right")
    t.waitFor("smiling +0.35") { _ in t.sliderRow("Smiling").contains("+0.35") }
    try t.keys("Down", "Left")
    t.waitFor("male -0.05") { _ in t.sliderRow("Male").contains("-0.05") }
    try t.keys("u")
    t.waitFor("male reset by undo") { _ in !t.sliderRow("Male").contains("-0.05") }
    try t.text(":save out.png")
    try t.keys("Enter")
    t.waitFor(text: "saved out.png")
    let recipe = try PNGCodec.readText(path: t.directory + "/out.png")[Recipe.recipeKey]
    let state = try EditState(json: XCTUnwrap(recipe))
    XCTAssertEqual(state.target(.smiling), 0.35)
    XCTAssertNil(state.target(.male))
    try t.text(":save out.png")
    try t.keys("Enter")
    t.waitFor(text: "use save! out.png to overwrite")
    try t.keys("C-c")
    let after = t.waitFor(text: "EXITED 0")
    XCTAssertFalse(after.contains("attributes ·"), "alternate screen not left:\n\(after)")
  }

  func testMouseClickDragAndWheel() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256")
    t.waitFor(text: "opened sketch.png")
    let g = PanelGeometry(layout: Layout(columns: 100, rows: 30))
    let y = g.attributeTop + 1  // Male
    let track = g.attributeTrack
    try t.mouse("press", x: track.x, y: y)
    try t.mouse("drag", x: track.x + track.width / 2, y: y)
    try t.mouse("drag", x: track.x + track.width - 1, y: y)
    try t.mouse("release", x: track.x + track.width - 1, y: y)
    t.waitFor("male dragged to +1.00") { _ in t.sliderRow("Male").contains("+1.00") }
    try t.mouse("wheelup", x: track.x, y: g.attributeTop + 4)  // Young
    t.waitFor("young +0.05 from wheel") { _ in t.sliderRow("Young").contains("+0.05") }
    // One drag is one undo step.
    try t.keys("u", "u")
    t.waitFor("male back to unset") { _ in !t.sliderRow("Male").contains("+") }
    let chip = try XCTUnwrap(g.chips.first { $0.expression == .happy })
    try t.mouse("press", x: chip.x + 1, y: chip.y)
    try t.mouse("release", x: chip.x + 1, y: chip.y)
    t.waitFor(text: "[happy]")
    try t.keys("C-c")
    t.waitFor(text: "EXITED 0")
    let journal = try String(contentsOfFile: t.directory + "/state/journal.jsonl", encoding: .utf8)
    XCTAssertTrue(journal.contains("\"command\":\"set male 1\""), journal)
    XCTAssertTrue(journal.contains("\"close\":true"))
  }

  func testMacroRecordAndReplayWithCount() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256")
    t.waitFor(text: "opened sketch.png")
    try t.keys("q", "a")
    t.waitFor(text: "REC a")
    try t.keys("Right")
    t.waitFor("smiling +0.05") { _ in t.sliderRow("Smiling").contains("+0.05") }
    try t.keys("q")
    t.waitFor(text: "macro a recorded (1 commands)")
    try t.keys("Down", "Down", "3", "@", "a")
    t.waitFor("smiling +0.20") { _ in t.sliderRow("Smiling").contains("+0.20") }
    XCTAssertFalse(t.sliderRow("No Beard").contains("+"), "macro replayed on the selection")
    let macros = try String(contentsOfFile: t.directory + "/config/macros", encoding: .utf8)
    XCTAssertTrue(macros.contains("[a]\nadd smiling 0.05\n"), macros)
    try t.keys("C-c")
    t.waitFor(text: "EXITED 0")
  }

  func testKeysOptionSavesAndQuits() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256 --keys '<Right><S-Right>:save k.png<CR>q'")
    t.waitFor(text: "EXITED 0")
    let text = try PNGCodec.readText(path: t.directory + "/k.png")
    let state = try EditState(json: XCTUnwrap(text[Recipe.recipeKey]))
    XCTAssertEqual(state.target(.smiling), 0.3)
  }

  func testHelpCommandErrorsAndResize() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256")
    t.waitFor(text: "opened sketch.png")
    try t.keys("?")
    t.waitFor(text: "visage editor — keys")
    try t.keys("x")
    t.waitFor("help closed") { !$0.contains("visage editor — keys") }
    try t.text(":set frowning 1")
    try t.keys("Enter")
    t.waitFor(text: "unknown attribute 'frowning'")
    try t.resize(width: 80, height: 24)
    t.waitFor("80×24 layout") { s in
      s.split(separator: "\n").count == 24 && s.contains("Gray Hair") && s.contains("intensity")
    }
    try t.resize(width: 50, height: 15)
    t.waitFor(text: "terminal too small")
    try t.resize(width: 120, height: 40)
    t.waitFor("120×40 layout") { $0.contains("Gray Hair") && !$0.contains("too small") }
    try t.keys("C-c")
    t.waitFor(text: "EXITED 0")
  }

  func testJournalRestoresAfterKill() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256", exec: true)
    t.waitFor(text: "opened sketch.png")
    try t.keys("Right", "Right", "Right")
    t.waitFor("smiling +0.15") { _ in t.sliderRow("Smiling").contains("+0.15") }
    let pid = try XCTUnwrap(Int32(t.paneValue("#{pane_pid}")))
    kill(pid, SIGKILL)
    t.waitFor("pane dead") { _ in t.paneValue("#{pane_dead}") == "1" }

    // A second session on the same server (the dead pane keeps the server alive).
    let t2 = t
    try t2.start("edit --graphics=256", session: "ed2")
    t2.waitFor(text: "Restore the unfinished session")
    try t2.keys("y")
    t2.waitFor("smiling restored") { _ in t2.sliderRow("Smiling").contains("+0.15") }
    try t2.keys("u")
    t2.waitFor("undo history restored") { _ in t2.sliderRow("Smiling").contains("+0.10") }
    try t2.keys("C-c")
    t2.waitFor(text: "EXITED 0")
  }

  func testSigtermRestoresTheTerminal() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256", exec: true)
    t.waitFor(text: "opened sketch.png")
    let pid = try XCTUnwrap(Int32(t.paneValue("#{pane_pid}")))
    kill(pid, SIGTERM)
    t.waitFor("pane dead") { _ in t.paneValue("#{pane_dead}") == "1" }
    // The status arrives when tmux reaps the process; tmux 3.3 sometimes never does (the
    // process stays a zombie), so only check it when it is there.
    let deadline = Date().addingTimeInterval(2)
    var status = ""
    while status.isEmpty && Date() < deadline {
      status = t.paneValue("#{pane_dead_status}")
      usleep(50_000)
    }
    if !status.isEmpty { XCTAssertEqual(status, "143") }
    XCTAssertEqual(t.paneValue("#{alternate_on}"), "0", "alternate screen left on")
    XCTAssertEqual(t.paneValue("#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag}"), "000")
  }

  func testCrashRestoresTheTerminal() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256", exec: true)
    t.waitFor(text: "opened sketch.png")
    let pid = try XCTUnwrap(Int32(t.paneValue("#{pane_pid}")))
    kill(pid, SIGSEGV)
    // The handler restores the terminal, then re-raises (backtraces are off in the harness).
    t.waitFor("pane dead") { _ in t.paneValue("#{pane_dead}") == "1" }
    XCTAssertEqual(t.paneValue("#{alternate_on}"), "0", "alternate screen left on")
    XCTAssertEqual(t.paneValue("#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag}"), "000")
  }

  func testNotATerminalPointsToScript() throws {
    guard let bin = TmuxHarness.visageBinary() else { throw XCTSkip("visage binary not built") }
    let (status, output) = try TmuxHarness.spawn([bin, "edit"], capture: true)
    XCTAssertEqual(status, 2)
    XCTAssertTrue(output.contains("visage script"), output)
  }
}
