// ASCII-art rendering with a brightness ramp, optionally coloured.

/// Renders images as ASCII characters chosen by brightness.
public enum AsciiRenderer {
  /// The default ramp from empty to dense.
  public static let ramp = " .:-=+*#%@"

  /// Renders `image` into at most `columns` × `rows` cells (aspect kept).
  ///
  /// One sample per cell. Dense glyphs mark bright pixels unless `darkOnLight` (for light
  /// backgrounds).
  /// `color` sets the glyph colour (`nil` = terminal default, no escape codes).
  public static func render(
    _ image: Image, columns: Int, rows: Int, cellSize: CellSize = .default,
    color: ColorDepth? = nil, darkOnLight: Bool = false, ramp: String = AsciiRenderer.ramp
  ) -> CellGrid {
    let (gw, gh) = BlockRenderer.gridSize(
      for: image, columns: columns, rows: rows, cellSize: cellSize)
    let small = image.rgb().resized(width: gw, height: gh)
    let glyphs = Array(ramp.unicodeScalars)
    let rgb = small.bytes8()
    var cells: [BlockCell] = []
    cells.reserveCapacity(gw * gh)
    let (wr, wg, wb) = Image.lumaWeights
    for i in 0..<(gw * gh) {
      var luma =
        wr * small.pixels[3 * i] + wg * small.pixels[3 * i + 1]
        + wb * small.pixels[3 * i + 2]
      if darkOnLight { luma = 1 - luma }
      let level = min(glyphs.count - 1, max(0, Int(luma * Float(glyphs.count))))
      let c = RGB8(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2])
      let fg: TermColor
      switch color {
      case .truecolor?: fg = .rgb(c)
      case .indexed256?: fg = .indexed(UInt8(XTermPalette.nearest(c)))
      case nil: fg = .terminalDefault
      }
      cells.append(BlockCell(glyph: glyphs[level], foreground: fg, background: .terminalDefault))
    }
    return CellGrid(columns: gw, rows: gh, cells: cells)
  }

  /// Plain text (no escape codes), rows separated by "\n", with a trailing newline.
  public static func text(
    _ image: Image, columns: Int, rows: Int, cellSize: CellSize = .default,
    darkOnLight: Bool = false
  ) -> String {
    render(image, columns: columns, rows: rows, cellSize: cellSize, darkOnLight: darkOnLight)
      .lines.map { $0 + "\n" }.joined()
  }
}
