// Key notation, slider geometry and layout, without a terminal.

import Foundation
import TUI
import XCTest

final class KeyNotationTests: XCTestCase {
  func testParsesVimNotation() throws {
    XCTAssertEqual(
      try KeyNotation.parse("<Right><S-Right>:w a.png<CR>q"),
      [
        .right, .shiftRight, .char(":"), .char("w"), .char(" "), .char("a"), .char("."),
        .char("p"), .char("n"), .char("g"), .enter, .char("q"),
      ])
    XCTAssertEqual(
      try KeyNotation.parse("<C-r><lt><Esc><Tab><Wait>"),
      [.ctrl("r"), .char("<"), .escape, .tab, .wait])
    XCTAssertEqual(try KeyNotation.parse("<nope>"), "<nope>".map { .char($0) })
    for k: Key in [.right, .shiftLeft, .enter, .ctrl("x"), .char("a"), .char("<"), .pageUp] {
      XCTAssertEqual(try KeyNotation.parse(KeyNotation.text(k)), [k])
    }
  }

  func testSliderTrackMapsBothWays() {
    let t = SliderTrack(x: 10, width: 21, range: -1...1)
    XCTAssertEqual(t.value(atColumn: 10), -1)
    XCTAssertEqual(t.value(atColumn: 20), 0)
    XCTAssertEqual(t.value(atColumn: 30), 1)
    XCTAssertEqual(t.value(atColumn: 99), 1)
    XCTAssertEqual(t.cell(for: 0.5), 15)
    XCTAssertEqual(String(t.glyphs(value: 1, ghost: -1)).first, "○")
    XCTAssertEqual(String(t.glyphs(value: 1, ghost: nil)).last, "●")
  }

  func testLayoutFitsFrom80x24() {
    for (w, h) in [(80, 24), (100, 30), (200, 60)] {
      let l = Layout(columns: w, rows: h)
      XCTAssertTrue(l.fits)
      XCTAssertGreaterThanOrEqual(l.attributes.inner.height, 16, "\(w)x\(h)")
      XCTAssertLessThanOrEqual(l.attributes.x + l.attributes.width, w)
      XCTAssertLessThan(l.source.y + l.source.height, l.hint.y)
      let g = PanelGeometry(layout: l)
      XCTAssertTrue(
        g.chips.allSatisfy {
          $0.y < g.intensityY && $0.x + $0.width <= l.expression.x + l.expression.width
        })
    }
    XCTAssertFalse(Layout(columns: 50, rows: 15).fits)
  }

  func testPathCompletion() throws {
    let dir = NSTemporaryDirectory() + "complete-" + UUID().uuidString
    try FileManager.default.createDirectory(
      atPath: dir + "/faces", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for name in ["sketch-a.png", "sketch-b.png", "photo.jpg"] {
      FileManager.default.createFile(atPath: dir + "/" + name, contents: Data())
    }
    XCTAssertEqual(PathCompleter.complete(commandLine: "open \(dir)/ph").0, "open \(dir)/photo.jpg")
    XCTAssertEqual(PathCompleter.complete(commandLine: "open \(dir)/fa").0, "open \(dir)/faces/")
    let (line, options) = PathCompleter.complete(commandLine: "save \(dir)/sk")
    XCTAssertEqual(line, "save \(dir)/sketch-")
    XCTAssertEqual(options, ["sketch-a.png", "sketch-b.png"])
  }
}
