// Mapping mouse cells to preview pixels, and keeping crop boxes inside the image.

import Imaging
import Studio
import TUI
import XCTest

final class PreviewPlacementTests: XCTestCase {
  private func caps(_ mode: GraphicsMode) -> TerminalCapabilities {
    TerminalCapabilities.decide(
      environment: [:], replies: nil, window: nil, isTTY: true, forcedMode: mode,
      forcedCell: CellSize(width: 10, height: 20))
  }

  func testBlockPlacementMatchesTheDrawnGridAndCoversTheImage() {
    let inner = Layout(columns: 100, rows: 30).source.inner
    let p = PreviewPlacement(width: 128, height: 128, inner: inner, capabilities: caps(.color256))
    let probe = Image(width: 128, height: 128, channels: 1)
    let (cols, rows) = BlockRenderer.gridSize(
      for: probe, columns: inner.width, rows: inner.height,
      cellSize: CellSize(width: 10, height: 20))
    XCTAssertEqual(p.cells.width, cols)
    XCTAssertEqual(p.cells.height, rows)
    XCTAssertEqual(p.cells.x, inner.x + (inner.width - cols) / 2)
    let first = p.pixel(atColumn: p.cells.x, row: p.cells.y)!
    let last = p.pixel(atColumn: p.cells.x + cols - 1, row: p.cells.y + rows - 1)!
    XCTAssertLessThan(first.x, 128.0 / Double(cols))
    XCTAssertLessThan(first.y, 128.0 / Double(rows))
    XCTAssertGreaterThan(last.x, 127 - 128.0 / Double(cols))
    XCTAssertGreaterThan(last.y, 127 - 128.0 / Double(rows))
    XCTAssertNil(p.pixel(atColumn: p.cells.x - 1, row: p.cells.y))
    XCTAssertNil(p.pixel(atColumn: p.cells.x, row: p.cells.y + rows))
    let clamped = p.clampedPixel(atColumn: 0, row: 100)
    XCTAssertEqual(clamped.x, 0)
    XCTAssertEqual(clamped.y, 127)
  }

  func testPixelModesStartAtTheTopRowAndScaleByCellPixels() {
    let inner = Layout(columns: 120, rows: 40).source.inner
    let p = PreviewPlacement(width: 256, height: 128, inner: inner, capabilities: caps(.sixel))
    XCTAssertEqual(p.cells.y, inner.y)
    XCTAssertLessThanOrEqual(p.cells.width, inner.width)
    XCTAssertLessThanOrEqual(p.cells.height, inner.height)
    // A 2:1 image stays 2:1 in pixels: columns × 10 ≈ 2 × rows × 20.
    let ratio = Double(p.cells.width * 10) / Double(p.cells.height * 20)
    XCTAssertEqual(ratio, 2, accuracy: 0.35)
    let mid = p.pixel(atColumn: p.cells.x + p.cells.width / 2, row: p.cells.y + p.cells.height / 2)!
    XCTAssertEqual(mid.x, 128, accuracy: 0.1 * 256)
    XCTAssertEqual(mid.y, 64, accuracy: 0.2 * 128)
  }

  func testCropBoxesAreKeptInsideTheImage() {
    let fit = EditorController.fitted
    XCTAssertEqual(
      fit(CropRect(x: -5, y: 90, width: 40, height: 40), 100, 100),
      CropRect(x: 0, y: 60, width: 40, height: 40))
    // A square stays square (the largest that fits), a non-square box is clamped per side.
    XCTAssertEqual(
      fit(CropRect(x: 10, y: 10, width: 500, height: 500), 120, 80),
      CropRect(x: 10, y: 0, width: 80, height: 80))
    XCTAssertEqual(
      fit(CropRect(x: 10, y: 10, width: 500, height: 60), 120, 80),
      CropRect(x: 0, y: 10, width: 120, height: 60))
    XCTAssertEqual(
      fit(CropRect(x: 3, y: 3, width: 2, height: 2), 50, 50),
      CropRect(x: 3, y: 3, width: 8, height: 8))
  }
}
