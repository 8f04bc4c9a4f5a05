// Where a preview image lands on screen, and which image pixel a mouse cell points at.

import Imaging

/// The cells an image occupies inside a preview panel, for one graphics mode.
///
/// Block and ASCII modes centre the fitted grid in the panel; pixel modes (sixel, kitty)
/// centre horizontally and start at the panel's top row, as `EditorScreen` draws them.
public struct PreviewPlacement: Equatable, Sendable {
  /// The occupied cells.
  public var cells: Rect
  /// Image pixels per cell, horizontally and vertically.
  public var pixelsPerCell: (x: Double, y: Double)
  /// Size of the placed image in its own pixels.
  public var imageSize: (width: Int, height: Int)

  public static func == (a: PreviewPlacement, b: PreviewPlacement) -> Bool {
    a.cells == b.cells && a.pixelsPerCell == b.pixelsPerCell && a.imageSize == b.imageSize
  }

  /// The placement of a `width` × `height` image inside `inner` for `capabilities`.
  public init(width: Int, height: Int, inner: Rect, capabilities: TerminalCapabilities) {
    imageSize = (width, height)
    let probe = Image(width: max(1, width), height: max(1, height), channels: 1)
    switch capabilities.mode {
    case .sixel, .kitty:
      let (w, h) = TerminalRenderer.pixelSize(
        for: probe, columns: inner.width, rows: inner.height, cellSize: capabilities.cellSize,
        sixel: capabilities.mode == .sixel)
      let cw = capabilities.cellSize.width
      let ch = capabilities.cellSize.height
      let cols = (w + cw - 1) / cw
      let rows = (h + ch - 1) / ch
      cells = Rect(
        x: inner.x + max(0, (inner.width - cols) / 2), y: inner.y, width: cols, height: rows)
      pixelsPerCell = (
        Double(width) * Double(cw) / Double(w), Double(height) * Double(ch) / Double(h)
      )
    default:
      let (cols, rows) = BlockRenderer.gridSize(
        for: probe, columns: inner.width, rows: inner.height, cellSize: capabilities.cellSize)
      cells = Rect(
        x: inner.x + (inner.width - cols) / 2, y: inner.y + (inner.height - rows) / 2,
        width: cols, height: rows)
      pixelsPerCell = (Double(width) / Double(cols), Double(height) / Double(rows))
    }
  }

  /// The image pixel under the centre of screen cell (`x`, `y`); nil outside the image.
  public func pixel(atColumn x: Int, row y: Int) -> (x: Double, y: Double)? {
    guard cells.contains(x: x, y: y) else { return nil }
    return clampedPixel(atColumn: x, row: y)
  }

  /// Like ``pixel(atColumn:row:)`` but clamped to the image edge (for drags that leave it).
  public func clampedPixel(atColumn x: Int, row y: Int) -> (x: Double, y: Double) {
    let px = (Double(x - cells.x) + 0.5) * pixelsPerCell.x - 0.5
    let py = (Double(y - cells.y) + 0.5) * pixelsPerCell.y - 0.5
    return (
      min(Double(imageSize.width - 1), max(0, px)), min(Double(imageSize.height - 1), max(0, py))
    )
  }
}
