// End-to-end tests of drawing on the sketch canvas and framing a photo with the crop box.

import Foundation
import Imaging
import Studio
import TUI
import XCTest

final class EditorCanvasEndToEndTests: XCTestCase {
  private let capabilities = TerminalCapabilities.decide(
    environment: [:], replies: nil, window: nil, isTTY: true, forcedMode: .color256,
    forcedCell: CellSize(width: 10, height: 20))

  /// Saves through the command line and waits for the confirmation.
  private func save(_ t: TmuxHarness, _ file: String) throws {
    try t.text(":save \(file)")
    try t.keys("Enter")
    t.waitFor(text: "saved \(file)")
  }

  private func recipe(_ t: TmuxHarness, _ file: String) throws -> EditState {
    let text = try PNGCodec.readText(path: t.directory + "/" + file)
    return try EditState(json: XCTUnwrap(text[Recipe.recipeKey]))
  }

  func testDrawEraseAndUndoOnABlankCanvas() throws {
    let t = try TmuxHarness()
    try t.start("edit sketch.png --graphics=256 --cell-size=10x20")
    t.waitFor(text: "opened sketch.png")
    try t.text(":new")
    try t.keys("Enter")
    t.waitFor(text: "blank sketch canvas")
    try t.keys("d")
    t.waitFor(text: "draw mode")
    let place = PreviewPlacement(
      width: 128, height: 128, inner: Layout(columns: 100, rows: 30).source.inner,
      capabilities: capabilities)
    let row = place.cells.y + place.cells.height / 2
    let x0 = place.cells.x + 2
    try t.mouse("press", x: x0, y: row)
    for dx in [3, 6, 9] { try t.mouse("drag", x: x0 + dx, y: row) }
    try t.mouse("release", x: x0 + 12, y: row)
    t.waitFor(text: "stroke 1")
    try save(t, "one.png")
    let one = try recipe(t, "one.png")
    XCTAssertEqual(one.sourcePath, SourceLoader.blankCanvas)
    XCTAssertEqual(one.strokes.count, 1)
    let stroke = try XCTUnwrap(one.strokes.first)
    XCTAssertFalse(stroke.erase)
    XCTAssertEqual(stroke.points.count, 5)
    let start = try XCTUnwrap(place.pixel(atColumn: x0, row: row))
    XCTAssertEqual(Double(stroke.points[0].x), start.x, accuracy: 1)
    XCTAssertEqual(Double(stroke.points[0].y), start.y, accuracy: 1)
    XCTAssertTrue(stroke.points.allSatisfy { $0.y == stroke.points[0].y })
    XCTAssertTrue(zip(stroke.points, stroke.points.dropFirst()).allSatisfy { $0.x < $1.x })

    // A key pressed before the button is released ends the stroke as drawn so far.
    try t.mouse("press", x: x0, y: row + 2)
    try t.mouse("drag", x: x0 + 4, y: row + 2)
    try t.keys("u")
    t.waitFor(text: "undone")
    try save(t, "one-b.png")
    XCTAssertEqual(try recipe(t, "one-b.png").strokes, one.strokes)

    try t.keys("e")
    t.waitFor(text: "eraser")
    try t.mouse("press", x: x0 + 6, y: row)
    try t.mouse("release", x: x0 + 6, y: row)
    t.waitFor(text: "erased")
    try t.keys("Escape")
    t.waitFor(text: "draw mode off")
    try save(t, "two.png")
    XCTAssertEqual(try recipe(t, "two.png").strokes.map(\.erase), [false, true])
    try t.keys("u")
    t.waitFor(text: "undone")
    try save(t, "three.png")
    XCTAssertEqual(try recipe(t, "three.png").strokes, one.strokes)
    try t.keys("C-c")
    t.waitFor(text: "EXITED 0")
  }

  func testCropBoxWithKeysAndMouse() throws {
    let t = try TmuxHarness()
    var photo = Image(width: 160, height: 100, channels: 3)
    for y in 0..<100 {
      for x in 0..<160 {
        photo[x, y, 0] = Float(x) / 159
        photo[x, y, 1] = Float(y) / 99
        photo[x, y, 2] = 0.3
      }
    }
    try PNGCodec.write(photo, to: t.directory + "/photo.png", overwrite: true)
    try t.start("edit photo.png --graphics=256 --cell-size=10x20")
    t.waitFor(text: "opened photo.png")
    try t.keys("c")
    t.waitFor(text: "crop ·")
    try t.keys("-")
    t.waitFor(text: "crop 35 5 91 91")
    try t.keys("Enter")
    t.waitFor(text: "cropped to 35 5 91 91")

    // Drag the box by its middle to the left edge of the image.
    try t.keys("c")
    t.waitFor(text: "crop ·")
    let place = PreviewPlacement(
      width: 160, height: 100, inner: Layout(columns: 100, rows: 30).source.inner,
      capabilities: capabilities)
    let mid = place.cells.x + place.cells.width * (35 + 45) / 160
    let row = place.cells.y + place.cells.height / 2
    try t.mouse("press", x: mid, y: row)
    try t.mouse("drag", x: mid - 3, y: row)
    try t.mouse("drag", x: place.cells.x - 5, y: row)
    try t.mouse("release", x: place.cells.x - 5, y: row)
    t.waitFor(text: "Enter applies, Esc cancels")
    try t.keys("Enter")
    t.waitFor(text: "cropped to 0 5 91 91")
    try t.keys("u")
    t.waitFor(text: "undone")
    try t.keys("C-c")
    t.waitFor(text: "EXITED 0")
    let journal = try String(contentsOfFile: t.directory + "/state/journal.jsonl", encoding: .utf8)
    XCTAssertTrue(journal.contains("\"command\":\"crop 35 5 91 91\""), journal)
    XCTAssertTrue(journal.contains("\"command\":\"crop 0 5 91 91\""), journal)
  }

  func testCtrlZSuspendsAndFgRedraws() throws {
    let t = try TmuxHarness()
    try t.startInShell("edit sketch.png --graphics=256")
    t.waitFor(text: "opened sketch.png")
    try t.keys("C-z")
    t.waitFor("the shell reports the stopped job") { $0.contains("Stopped") }
    XCTAssertFalse(t.screen().contains("attributes ·"), "alternate screen not left")
    try t.text("fg")
    try t.keys("Enter")
    t.waitFor(text: "welcome back")
    try t.keys("Right")
    t.waitFor("keys work again") { _ in t.sliderRow("Smiling").contains("+0.05") }
    try t.keys("C-c")
    // bash drops the rest of a command list once a job stops, so there is no EXITED line.
    t.waitFor("back at the shell") { !$0.contains("attributes ·") }
  }
}
