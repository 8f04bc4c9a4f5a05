import Imaging
import XCTest

final class RendererTests: XCTestCase {
  /// Documented quality floors (docs/performance.md): PSNR of the decoded sixel against the
  /// scaled source, raw and after a σ=1.5 blur.
  func testSixelDecodesBackToSource() throws {
    let source = testPattern(width: 96, height: 72)
    for (quality, minRaw, minBlur) in [
      (SixelEncoder.Quality.adaptive, 30.0, 36.0), (.adaptiveNoDither, 32.0, 34.0),
      (.fast, 20.0, 30.0),
    ] {
      let bytes = SixelEncoder.encode(source, quality: quality)
      let decoded = try decodeSixel(bytes)
      XCTAssertEqual([decoded.width, decoded.height], [96, 72])
      let raw = psnr(decoded, source), blur = psnr(blurred(decoded), blurred(source))
      XCTAssertGreaterThan(raw, minRaw, "\(quality) raw \(raw)")
      XCTAssertGreaterThan(blur, minBlur, "\(quality) blur \(blur)")
    }
  }

  func testSixelHandlesOddHeightsAndFlatImages() throws {
    let flat = Image(width: 7, height: 5, channels: 3, value: 0.5)
    let decoded = try decodeSixel(SixelEncoder.encode(flat))
    XCTAssertEqual(decoded.width, 7)
    XCTAssertLessThan(maxDifference(decoded, flat), 0.02)
    let text = String(decoding: SixelEncoder.encode(flat, quality: .fast), as: UTF8.self)
    XCTAssertTrue(text.hasPrefix("\u{1B}P0;1;0q\"1;1;7;5#"))
    XCTAssertTrue(text.hasSuffix("-\u{1B}\\"))
  }

  func testFastPathIsPositionStable() {
    // Changing one region must not change indices elsewhere (no error diffusion).
    let a = testPattern(width: 40, height: 30)
    var b = a
    for x in 0..<10 { for c in 0..<3 { b[x, 0, c] = 1 - b[x, 0, c] } }
    let ia = Dither.bayerCube676(rgb: a.bytes8(), width: 40, height: 30)
    let ib = Dither.bayerCube676(rgb: b.bytes8(), width: 40, height: 30)
    XCTAssertEqual(ia[40...], ib[40...])
  }

  func testTerminalRendererSixelGeometry() throws {
    let image = testPattern(width: 200, height: 100)
    let bytes = TerminalRenderer.render(
      image, mode: .sixel, columns: 10, rows: 10, cellSize: CellSize(width: 8, height: 16),
      fast: true)
    let decoded = try decodeSixel(bytes)
    XCTAssertEqual(decoded.width, 72)  // aspect kept
    XCTAssertEqual(decoded.height, 36)  // 40 rounded down to whole bands
  }

  /// 2×4 image: columns red|blue over rows white, black → 2×2 half-block cells.
  func goldenImage() -> Image {
    let rows: [[Float]] = [
      [1, 0, 0, 0, 0, 1], [1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0],
    ]
    return Image(width: 2, height: 4, channels: 3, pixels: rows.flatMap { $0 })
  }

  func testHalfBlockGolden() {
    let grid = BlockRenderer.render(
      goldenImage(), columns: 2, rows: 2, cellSize: CellSize(width: 10, height: 20))
    XCTAssertEqual(grid.lines, ["▀▀", "▀▀"])
    XCTAssertEqual(grid[0, 0].foreground, .rgb(RGB8(255, 0, 0)))
    XCTAssertEqual(grid[0, 0].background, .rgb(RGB8(255, 255, 255)))
    XCTAssertEqual(grid[1, 0].foreground, .rgb(RGB8(0, 0, 255)))
    XCTAssertEqual(grid[1, 0].background, .rgb(RGB8(0, 0, 0)))
    let bytes = String(decoding: grid.encoded(), as: UTF8.self)
    XCTAssertEqual(
      bytes,
      "\u{1B}[38;2;255;0;0m\u{1B}[48;2;255;255;255m▀\u{1B}[38;2;0;0;255m\u{1B}[48;2;0;0;0m▀"
        + "\u{1B}[0m\r\n\u{1B}[38;2;255;255;255m\u{1B}[48;2;0;0;0m▀▀\u{1B}[0m")
    let indexed = BlockRenderer.render(
      goldenImage(), columns: 2, rows: 2, depth: .indexed256, fast: true)
    XCTAssertEqual(indexed[0, 0].foreground, .indexed(196))
    XCTAssertEqual(indexed[0, 0].background, .indexed(231))
    XCTAssertEqual(indexed[1, 1].background, .indexed(16))
  }

  func testQuadrantAndSextantGolden() {
    // 4×2 pixels: a diagonal in the left 2×2 block, uniform gray in the right one.
    var image = Image(width: 4, height: 2, channels: 1, value: 0.5)
    image[0, 0, 0] = 1; image[1, 0, 0] = 0; image[0, 1, 0] = 0; image[1, 1, 0] = 1
    let grid = BlockRenderer.render(
      image, columns: 2, rows: 1, cellSize: CellSize(width: 10, height: 10), shape: .quadrant)
    // The split keeps the bottom-right sample in the background: ▞ in black over white.
    XCTAssertEqual(grid.lines, ["▞ "])
    XCTAssertEqual(grid[0, 0].foreground, .rgb(RGB8(0, 0, 0)))
    XCTAssertEqual(grid[0, 0].background, .rgb(RGB8(255, 255, 255)))
    XCTAssertEqual(grid[1, 0].background, .rgb(RGB8(128, 128, 128)))
    XCTAssertEqual(BlockRenderer.sextantGlyph(1), "\u{1FB00}")
    XCTAssertEqual(BlockRenderer.sextantGlyph(62), "\u{1FB3B}")
    XCTAssertEqual(BlockRenderer.sextantGlyph(21), "▌")
    var tall = Image(width: 2, height: 3, channels: 1, value: 0)
    tall[0, 0, 0] = 1; tall[1, 0, 0] = 1
    let sextant = BlockRenderer.render(
      tall, columns: 1, rows: 1, cellSize: CellSize(width: 10, height: 15), shape: .sextant)
    XCTAssertEqual(sextant.lines, ["\u{1FB02}"])
  }

  func testAsciiGolden() {
    let ramp = Image(width: 10, height: 1, channels: 1, pixels: (0..<10).map { Float($0) / 9 })
    let text = AsciiRenderer.text(
      ramp, columns: 10, rows: 1, cellSize: CellSize(width: 10, height: 10))
    XCTAssertEqual(text, " .:-=+*#%@\n")
    let bytes = TerminalRenderer.render(
      goldenImage(), mode: .ascii, columns: 4, rows: 4, cellSize: CellSize(width: 8, height: 16),
      fast: false)
    XCTAssertFalse(bytes.contains(0x1B))
    let coloured = AsciiRenderer.render(ramp, columns: 10, rows: 1, color: .truecolor)
    XCTAssertEqual(coloured[9, 0].foreground, .rgb(RGB8(255, 255, 255)))
  }

  func testKittyImagesWithAnIDReplaceEachOther() {
    let bytes = KittyEncoder.encode(testPattern(width: 16, height: 16), id: 2)
    let text = String(decoding: bytes, as: UTF8.self)
    XCTAssertTrue(text.hasPrefix("\u{1B}_Ga=T,f=100,q=2,i=2,p=1,C=1,m=0;"), String(text.prefix(40)))
    XCTAssertEqual(text.components(separatedBy: "i=2").count, 2)  // only in the first chunk
    let anonymous = String(
      decoding: KittyEncoder.encode(testPattern(width: 16, height: 16)), as: UTF8.self)
    XCTAssertFalse(anonymous.contains("i="))
    let viaRenderer = TerminalRenderer.render(
      testPattern(width: 16, height: 16), mode: .kitty, columns: 4, rows: 2,
      cellSize: CellSize(width: 8, height: 16), fast: false, imageID: 1)
    XCTAssertTrue(String(decoding: viaRenderer, as: UTF8.self).contains("i=1,p=1"))
    XCTAssertEqual(
      String(decoding: KittyEncoder.deleteAll(), as: UTF8.self), "\u{1B}_Ga=d,d=A,q=2\u{1B}\\")
  }

  func testKittyChunks() {
    let bytes = KittyEncoder.encode(testPattern(width: 64, height: 64))
    let text = String(decoding: bytes, as: UTF8.self)
    XCTAssertTrue(text.hasPrefix("\u{1B}_Ga=T,f=100,q=2,m="))
    XCTAssertTrue(text.hasSuffix("\u{1B}\\"))
    XCTAssertTrue(text.contains("m=0;"))
    XCTAssertEqual(String(decoding: KittyEncoder.base64(Array("Man".utf8)), as: UTF8.self), "TWFu")
    XCTAssertEqual(String(decoding: KittyEncoder.base64(Array("Ma".utf8)), as: UTF8.self), "TWE=")
  }

  func testXTermNearest() {
    XCTAssertEqual(XTermPalette.nearest(RGB8(255, 0, 0)), 196)
    XCTAssertEqual(XTermPalette.nearest(RGB8(128, 128, 128)), 244)
    XCTAssertEqual(XTermPalette.nearest(RGB8(0, 0, 0)), 16)
  }
}

final class RendererEdgeCaseTests: XCTestCase {
  func testEveryModeHandlesTinyAndExtremeImages() throws {
    let images = [
      Image(width: 1, height: 1, channels: 1, value: 0.3),
      testPattern(width: 300, height: 1, channels: 4),
      testPattern(width: 1, height: 200, channels: 3),
    ]
    for image in images {
      for mode in GraphicsMode.allCases {
        for fast in [false, true] {
          for (columns, rows) in [(1, 1), (3, 40), (80, 24)] {
            let bytes = TerminalRenderer.render(
              image, mode: mode, columns: columns, rows: rows, cellSize: .default, fast: fast)
            XCTAssertFalse(bytes.isEmpty, "\(mode) \(image.width)x\(image.height)")
            if mode == .sixel {
              let decoded = try decodeSixel(bytes)
              XCTAssertLessThanOrEqual(decoded.width, columns * 10)
              XCTAssertEqual(decoded.height % 6, 0)
            }
          }
        }
      }
      for shape in BlockShape.allCases {
        let grid = BlockRenderer.render(image, columns: 5, rows: 5, shape: shape)
        XCTAssertEqual(grid.cells.count, grid.columns * grid.rows)
        XCTAssertLessThanOrEqual(grid.columns, 5)
      }
    }
    XCTAssertTrue(
      TerminalRenderer.render(
        Image(width: 0, height: 0, channels: 3), mode: .sixel, columns: 4, rows: 4,
        cellSize: .default, fast: false
      ).isEmpty)
  }

  func testPlacedWrapsWithCursorSaveAndRestore() {
    let out = String(
      decoding: TerminalRenderer.placed(Array("X".utf8), row: 3, column: 31), as: UTF8.self)
    XCTAssertEqual(out, "\u{1B}7\u{1B}[3;31HX\u{1B}8")
  }
}
