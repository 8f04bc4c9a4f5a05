// Sketch strokes: text form, painting, undo, recipes, and the blank canvas.

import Imaging
import Studio
import XCTest

final class StrokeTests: XCTestCase {
  func testTextRoundTripAndBadInput() throws {
    let c = try XCTUnwrap(try Command.parse("draw 3 1,2 5,6 9,9"))
    guard case .stroke(let s) = c else { return XCTFail("\(c)") }
    XCTAssertEqual(
      s,
      Stroke(
        erase: false, width: 3, points: [.init(x: 1, y: 2), .init(x: 5, y: 6), .init(x: 9, y: 9)]))
    XCTAssertEqual(c.text, "draw 3 1,2 5,6 9,9")
    XCTAssertEqual(
      try Command.parse("erase 8 4,4"),
      .stroke(Stroke(erase: true, width: 8, points: [.init(x: 4, y: 4)])))
    XCTAssertEqual(try Command.parse("strokes clear"), .clearStrokes)
    XCTAssertEqual(try Command.parse("new"), .open(path: SourceLoader.blankCanvas, kind: .sketch))
    for bad in [
      "draw", "draw 2", "draw 0 1,1", "draw 99 1,1", "draw 2 1;1", "draw 2 a,b", "erase x 1,1",
      "strokes",
    ] {
      XCTAssertThrowsError(try Command.parse(bad), bad)
    }
  }

  func testPaintingInksAndErases() {
    var img = Image(width: 16, height: 16, channels: 1, value: 1)
    Stroke(erase: false, width: 3, points: [.init(x: 2, y: 8), .init(x: 13, y: 8)]).paint(on: &img)
    XCTAssertEqual(img[8, 8, 0], 0)  // on the line
    XCTAssertEqual(img[8, 7, 0], 0)  // within the radius 1.5
    XCTAssertEqual(img[8, 2, 0], 1)  // far away
    XCTAssertEqual(img[0, 8, 0], 1)  // before the start cap
    Stroke(erase: true, width: 5, points: [.init(x: 8, y: 8)]).paint(on: &img)
    XCTAssertEqual(img[8, 8, 0], 1)
    XCTAssertEqual(img[3, 8, 0], 0)  // the eraser dot did not reach here
    // Anti-aliased edge: partial coverage gives a value strictly between ink and paper.
    var dot = Image(width: 9, height: 9, channels: 1, value: 1)
    dot.paintSegment(from: (4, 4), to: (4, 4), radius: 1.7, value: 0)
    XCTAssertGreaterThan(dot[4, 2, 0], 0)
    XCTAssertLessThan(dot[4, 2, 0], 1)
  }

  func testStrokesAreUndoableAndTravelInRecipes() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("new")
    XCTAssertEqual(s.source?.kind, .sketch)
    let blank = try s.renderNow().image.pixels[0]  // red = mean of the input
    XCTAssertEqual(blank, 1)
    try s.run("draw 4 2,16 29,16")
    let drawn = try s.renderNow().image.pixels[0]
    XCTAssertLessThan(drawn, blank)
    XCTAssertEqual(s.input?.pixels[16 * 32 + 16], 0)
    try s.run("erase 6 16,16")
    XCTAssertEqual(s.state.strokes.count, 2)
    XCTAssertEqual(s.input?.pixels[16 * 32 + 16], 1)
    try s.run("undo")
    XCTAssertEqual(s.state.strokes.count, 1)
    XCTAssertEqual(s.input?.pixels[16 * 32 + 16], 0)
    // The recipe rebuilds the same input.
    let state = try EditState(json: s.state.json)
    XCTAssertEqual(state, s.state)
    XCTAssertEqual(state.script, ["open --as=sketch :blank", "draw 4 2,16 29,16"])
    let again = Session(renderer: StubRenderer())
    for line in state.script { try again.run(line) }
    XCTAssertEqual(again.input, s.input)
    XCTAssertEqual(try again.renderNow().image, try s.renderNow().image)
    try s.run("strokes clear")
    XCTAssertEqual(s.input?.pixels.min(), 1)
    XCTAssertThrowsError(try s.run("strokes clear"))
    try s.run("open \(dir.photo())")
    XCTAssertThrowsError(try s.run("draw 2 1,1 3,3")) {
      XCTAssertTrue("\($0)".contains("sketches"), "\($0)")
    }
  }

  func testStrokesChangeTheRenderCacheKey() throws {
    let s = Session(renderer: StubRenderer())
    try s.run("new")
    let plain = try XCTUnwrap(s.renderRequest()).sourceKey
    try s.run("draw 2 3,3 9,9")
    let one = try XCTUnwrap(s.renderRequest()).sourceKey
    try s.run("draw 2 3,9 9,3")
    let two = try XCTUnwrap(s.renderRequest()).sourceKey
    XCTAssertEqual(Set([plain, one, two]).count, 3)
    // The unedited baseline shares the strokes.
    XCTAssertEqual(try XCTUnwrap(s.renderRequest(for: s.state.unedited)).sourceKey, two)
  }

  func testPreviewFromStartDoesNotStackAGrowingStroke() throws {
    let s = Session(renderer: StubRenderer())
    try s.run("new")
    let start = s.state
    let depth = s.undoDepth
    for n in 2...6 {
      let points = (0..<n).map { Stroke.Point(x: $0 * 4, y: 10) }
      try s.preview(.stroke(Stroke(erase: false, width: 2, points: points)), from: start)
      XCTAssertEqual(s.state.strokes.count, 1)
      XCTAssertEqual(s.state.strokes[0].points.count, n)
    }
    XCTAssertEqual(s.undoDepth, depth)
    s.commit(.stroke(s.state.strokes[0]), from: start)
    XCTAssertEqual(s.undoDepth, depth + 1)
    try s.run("undo")
    XCTAssertTrue(s.state.strokes.isEmpty)
  }

  func testDensePolylineEdgesMatchOneSegment() {
    var one = Image(width: 24, height: 12, channels: 1, value: 1)
    one.paintSegment(from: (2, 6), to: (21, 6), radius: 1.3, value: 0)
    var dense = Image(width: 24, height: 12, channels: 1, value: 1)
    dense.paintPolyline((2...21).map { (Double($0), 6) }, radius: 1.3, value: 0)
    XCTAssertEqual(one, dense)
    XCTAssertGreaterThan(one[10, 7, 0], 0)  // a soft edge, not ink and not paper
    XCTAssertLessThan(one[10, 7, 0], 1)
  }

  func testCropIsRefusedWhileStrokesSitOnTheFraming() throws {
    let dir = TempDir()
    let s = Session(renderer: StubRenderer())
    try s.run("open \(dir.sketch())")
    try s.run("draw 2 3,3 9,9")
    XCTAssertThrowsError(try s.run("crop 0 0 20 20")) {
      XCTAssertTrue("\($0)".contains("strokes clear"), "\($0)")
    }
    try s.run("strokes clear")
    try s.run("crop 0 0 20 20")
    XCTAssertEqual(s.state.crop, CropRect(x: 0, y: 0, width: 20, height: 20))
  }
}
