// The single entry point from an image and a cell geometry to terminal bytes.

/// Pixel size of one terminal cell.
public struct CellSize: Equatable, Sendable, CustomStringConvertible {
  public var width: Int
  public var height: Int

  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  /// 10×20, the VT340 / Windows Terminal virtual cell; used when detection fails.
  public static let `default` = CellSize(width: 10, height: 20)

  /// Parses "WxH" such as "9x18"; accepts 2×4 up to 1000×1000 pixels.
  public init?(parsing text: String) {
    let parts = text.lowercased().split(separator: "x")
    guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w >= 2, h >= 4,
      w <= 1000, h <= 1000
    else { return nil }
    self.init(width: w, height: h)
  }

  public var description: String { "\(width)x\(height)" }
}

/// How images are drawn in the terminal.
public enum GraphicsMode: String, Sendable, CaseIterable {
  /// DEC sixel pixels.
  case sixel
  /// kitty graphics protocol (PNG).
  case kitty
  /// Half blocks in 24-bit colour.
  case truecolor
  /// Half blocks in xterm 256 colours, dithered.
  case color256 = "256"
  /// Plain ASCII ramp, no escape codes (TERM=dumb, pipes).
  case ascii

  /// Parses a `--graphics=` value; accepts aliases (`blocks`, `24bit`, `indexed`, `text`).
  public init?(argument: String) {
    switch argument.lowercased() {
    case "sixel": self = .sixel
    case "kitty": self = .kitty
    case "truecolor", "24bit", "blocks", "direct": self = .truecolor
    case "256", "indexed", "color256": self = .color256
    case "ascii", "text", "dumb": self = .ascii
    default: return nil
    }
  }
}

/// Pure renderers: image + cell geometry → bytes to write at the cursor.
public enum TerminalRenderer {
  /// Pixel size used for pixel modes.
  ///
  /// The largest size with the image's aspect inside `columns × cellSize.width` by
  /// `rows × cellSize.height`, or the native size when it fits and `upscale` is false; for
  /// sixel the height is rounded down to a multiple of 6 (at least 6), width following.
  public static func pixelSize(
    for image: Image, columns: Int, rows: Int, cellSize: CellSize, sixel: Bool,
    upscale: Bool = true
  ) -> (Int, Int) {
    let maxWidth = max(1, columns * cellSize.width), maxHeight = max(1, rows * cellSize.height)
    var (w, h) = Image.fittedSize(
      width: image.width, height: image.height, maxWidth: maxWidth, maxHeight: maxHeight)
    if !upscale && image.width <= maxWidth && image.height <= maxHeight {
      (w, h) = (image.width, image.height)
    }
    if sixel && h % 6 != 0 {
      // Round the height down to whole sixel bands and keep the aspect ratio.
      let banded = max(6, h / 6 * 6)
      w = max(1, min(maxWidth, Int((Double(w) * Double(banded) / Double(h)).rounded())))
      h = banded
    }
    return (w, h)
  }

  /// Renders `image` inside `columns` × `rows` cells of `cellSize` pixels.
  ///
  /// The aspect ratio is kept. `fast` picks the drag path (sixel: fixed palette + Bayer;
  /// 256 colours: Bayer). Text modes end without a newline; the caller positions the cursor.
  /// With `upscalePixels` false, pixel modes keep images that fit at their native size.
  /// `imageID` names a kitty image so the next frame with the same id replaces it.
  public static func render(
    _ image: Image, mode: GraphicsMode, columns: Int, rows: Int, cellSize: CellSize,
    fast: Bool, upscalePixels: Bool = true, imageID: UInt32? = nil
  ) -> [UInt8] {
    guard image.width > 0 && image.height > 0 && columns > 0 && rows > 0 else { return [] }
    switch mode {
    case .sixel:
      let (w, h) = pixelSize(
        for: image, columns: columns, rows: rows, cellSize: cellSize, sixel: true,
        upscale: upscalePixels)
      let scaled = image.flattened().resized(width: w, height: h)
      return SixelEncoder.encode(scaled, quality: fast ? .fast : .adaptive)
    case .kitty:
      let (w, h) = pixelSize(
        for: image, columns: columns, rows: rows, cellSize: cellSize, sixel: false,
        upscale: upscalePixels)
      return KittyEncoder.encode(image.flattened().resized(width: w, height: h), id: imageID)
    case .truecolor, .color256:
      return BlockRenderer.render(
        image, columns: columns, rows: rows, cellSize: cellSize, shape: .half,
        depth: mode == .truecolor ? .truecolor : .indexed256, fast: fast
      ).encoded()
    case .ascii:
      let text = AsciiRenderer.render(image, columns: columns, rows: rows, cellSize: cellSize)
        .lines.joined(separator: "\n")
      return Array(text.utf8)
    }
  }

  /// Wraps `bytes` for drawing at a fixed place beside a full-screen UI.
  ///
  /// Layout: optional `CSI ? 2026 h`, `ESC 7` (save cursor), `CSI row ; column H`, the
  /// image bytes, `ESC 8` (restore cursor), optional `CSI ? 2026 l`. `row` and `column`
  /// are 1-based. Write the result with a single write after the UI's own refresh.
  public static func placed(
    _ bytes: [UInt8], row: Int, column: Int, synchronized: Bool = false
  ) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 32)
    if synchronized { out.append(contentsOf: "\u{1B}[?2026h".utf8) }
    out.append(contentsOf: "\u{1B}7\u{1B}[\(row);\(column)H".utf8)
    out.append(contentsOf: bytes)
    out.append(contentsOf: "\u{1B}8".utf8)
    if synchronized { out.append(contentsOf: "\u{1B}[?2026l".utf8) }
    return out
  }
}
