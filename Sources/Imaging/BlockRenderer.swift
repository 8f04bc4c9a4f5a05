// Unicode block-character rendering (half blocks, quadrants, sextants) to a cell grid.

/// The block glyph family; each cell is split into `columns × rows` sub-pixels.
public enum BlockShape: String, Sendable, CaseIterable {
  /// Upper half block `▀`: 1×2 sub-pixels; exact colours, works with every font.
  case half
  /// Quadrants `▘▝▖▗…`: 2×2 sub-pixels, best two-colour split per cell.
  case quadrant
  /// Sextants (U+1FB00 block, Unicode 13): 2×3 sub-pixels, best two-colour split per cell.
  case sextant

  /// Sub-pixels per cell horizontally.
  public var columns: Int { self == .half ? 1 : 2 }
  /// Sub-pixels per cell vertically.
  public var rows: Int { self == .sextant ? 3 : 2 }
}

/// The colour depth of text-mode output.
public enum ColorDepth: String, Sendable {
  /// 24-bit `CSI 38;2;r;g;b m`.
  case truecolor
  /// xterm 256 colours `CSI 38;5;n m` (indices 16…255 only).
  case indexed256
}

/// A terminal colour: direct RGB, an xterm palette index, or the terminal's default.
public enum TermColor: Hashable, Sendable {
  case rgb(RGB8)
  case indexed(UInt8)
  case terminalDefault
}

/// One character cell: a glyph drawn in `foreground` over `background`.
public struct BlockCell: Hashable, Sendable {
  public var glyph: Unicode.Scalar
  public var foreground: TermColor
  public var background: TermColor

  public init(glyph: Unicode.Scalar, foreground: TermColor, background: TermColor) {
    self.glyph = glyph
    self.foreground = foreground
    self.background = background
  }
}

/// A grid of cells.
///
/// Layout: row-major, `cells[row * columns + column]`.
public struct CellGrid: Equatable, Sendable {
  public var columns: Int
  public var rows: Int
  public var cells: [BlockCell]

  public subscript(column: Int, row: Int) -> BlockCell { cells[row * columns + column] }

  /// The glyphs only, one string per row (for golden tests and plain output).
  public var lines: [String] {
    (0..<rows).map { r in
      var s = String.UnicodeScalarView()
      for c in 0..<columns { s.append(cells[r * columns + c].glyph) }
      return String(s)
    }
  }

  /// Bytes that draw the grid at the cursor.
  ///
  /// SGR colour changes appear only where colours change,
  /// `CSI 0m` at the end of each row, rows separated by CR LF (no trailing newline).
  /// With `origin` (1-based row, column), each row is instead preceded by a CUP to its place.
  public func encoded(origin: (row: Int, column: Int)? = nil) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(columns * rows * 20)
    func append(_ s: String) { out.append(contentsOf: s.utf8) }
    func sgr(_ color: TermColor, foreground: Bool) {
      switch color {
      case .rgb(let c): append("\u{1B}[\(foreground ? 38 : 48);2;\(c.r);\(c.g);\(c.b)m")
      case .indexed(let i): append("\u{1B}[\(foreground ? 38 : 48);5;\(i)m")
      case .terminalDefault: append("\u{1B}[\(foreground ? 39 : 49)m")
      }
    }
    for r in 0..<rows {
      if let origin {
        append("\u{1B}[\(origin.row + r);\(origin.column)H")
      } else if r > 0 {
        append("\r\n")
      }
      var fg: TermColor? = nil, bg: TermColor? = nil
      for c in 0..<columns {
        let cell = cells[r * columns + c]
        if cell.glyph != " " && cell.foreground != fg {
          sgr(cell.foreground, foreground: true)
          fg = cell.foreground
        }
        if cell.background != bg {
          sgr(cell.background, foreground: false)
          bg = cell.background
        }
        append(String(Character(cell.glyph)))
      }
      append("\u{1B}[0m")
    }
    return out
  }
}

/// Renders images as coloured block characters.
public enum BlockRenderer {
  /// The grid size (columns, rows) that fits `image` inside `columns` × `rows` cells of
  /// `cellSize` pixels, keeping its aspect ratio.
  public static func gridSize(
    for image: Image, columns: Int, rows: Int, cellSize: CellSize
  ) -> (Int, Int) {
    Image.fittedSize(
      width: image.width, height: image.height, maxWidth: max(1, columns),
      maxHeight: max(1, rows),
      pixelAspect: Double(cellSize.width) / Double(cellSize.height))
  }

  /// Renders `image` into at most `columns` × `rows` cells (aspect kept).
  ///
  /// `fast` uses position-stable ordered dithering in 256 colours (drags); otherwise
  /// 256-colour output uses Floyd–Steinberg. Truecolor output is never dithered.
  public static func render(
    _ image: Image, columns: Int, rows: Int, cellSize: CellSize = .default,
    shape: BlockShape = .half, depth: ColorDepth = .truecolor, fast: Bool = false
  ) -> CellGrid {
    let (gw, gh) = gridSize(for: image, columns: columns, rows: rows, cellSize: cellSize)
    let sx = shape.columns, sy = shape.rows
    let small = image.rgb().resized(width: gw * sx, height: gh * sy)
    let rgb = small.bytes8()
    let width = gw * sx
    var cells: [BlockCell] = []
    cells.reserveCapacity(gw * gh)
    if shape == .half {
      let colors: [TermColor]
      if depth == .indexed256 {
        colors = indexed256(rgb: rgb, width: width, height: gh * 2, fast: fast).map {
          .indexed($0)
        }
      } else {
        colors = (0..<(width * gh * 2)).map {
          .rgb(RGB8(rgb[3 * $0], rgb[3 * $0 + 1], rgb[3 * $0 + 2]))
        }
      }
      for r in 0..<gh {
        for c in 0..<gw {
          let top = colors[(2 * r) * width + c], bottom = colors[(2 * r + 1) * width + c]
          cells.append(
            top == bottom
              ? BlockCell(glyph: " ", foreground: bottom, background: bottom)
              : BlockCell(glyph: "\u{2580}", foreground: top, background: bottom))
        }
      }
      return CellGrid(columns: gw, rows: gh, cells: cells)
    }
    let n = sx * sy
    var samples = [(Int, Int, Int)](repeating: (0, 0, 0), count: n)
    for r in 0..<gh {
      for c in 0..<gw {
        for j in 0..<sy {
          for i in 0..<sx {
            let p = ((r * sy + j) * width + c * sx + i) * 3
            samples[j * sx + i] = (Int(rgb[p]), Int(rgb[p + 1]), Int(rgb[p + 2]))
          }
        }
        let (mask, fg, bg) = bestSplit(samples)
        func color(_ v: RGB8) -> TermColor {
          depth == .truecolor ? .rgb(v) : .indexed(UInt8(XTermPalette.nearest(v)))
        }
        let glyph = shape == .quadrant ? quadrantGlyph(mask) : sextantGlyph(mask)
        cells.append(
          mask == 0
            ? BlockCell(glyph: " ", foreground: color(bg), background: color(bg))
            : BlockCell(glyph: glyph, foreground: color(fg), background: color(bg)))
      }
    }
    return CellGrid(columns: gw, rows: gh, cells: cells)
  }

  /// The two-colour split of `samples` with the least squared error.
  ///
  /// Returns (mask of foreground samples, foreground mean, background mean).
  /// Mask bit i is sample i (row-major).
  static func bestSplit(_ samples: [(Int, Int, Int)]) -> (Int, RGB8, RGB8) {
    let n = samples.count
    var total = (0, 0, 0)
    for s in samples { total = (total.0 + s.0, total.1 + s.1, total.2 + s.2) }
    func norm(_ v: (Int, Int, Int)) -> Double {
      Double(v.0 * v.0 + v.1 * v.1 + v.2 * v.2)
    }
    var bestMask = 0
    var bestScore = norm(total) / Double(n)
    // Masks with the last sample clear; the complement gives the same split.
    for mask in 1..<(1 << (n - 1)) {
      var sum = (0, 0, 0), count = 0
      for i in 0..<n where mask & (1 << i) != 0 {
        sum = (sum.0 + samples[i].0, sum.1 + samples[i].1, sum.2 + samples[i].2)
        count += 1
      }
      let rest = (total.0 - sum.0, total.1 - sum.1, total.2 - sum.2)
      let score = norm(sum) / Double(count) + norm(rest) / Double(n - count)
      if score > bestScore + 1e-9 {
        bestScore = score
        bestMask = mask
      }
    }
    func mean(_ mask: Int) -> RGB8 {
      var sum = (0, 0, 0), count = 0
      for i in 0..<n where mask & (1 << i) != 0 {
        sum = (sum.0 + samples[i].0, sum.1 + samples[i].1, sum.2 + samples[i].2)
        count += 1
      }
      if count == 0 { return RGB8(0, 0, 0) }
      return RGB8(
        UInt8((sum.0 + count / 2) / count), UInt8((sum.1 + count / 2) / count),
        UInt8((sum.2 + count / 2) / count))
    }
    if bestMask == 0 { return (0, mean((1 << n) - 1), mean((1 << n) - 1)) }
    return (bestMask, mean(bestMask), mean(((1 << n) - 1) & ~bestMask))
  }

  /// Quadrant glyph for a 4-bit mask (bit 0 top left, 1 top right, 2 bottom left,
  /// 3 bottom right).
  public static func quadrantGlyph(_ mask: Int) -> Unicode.Scalar {
    let table: [UInt32] = [
      0x20, 0x2598, 0x259D, 0x2580, 0x2596, 0x258C, 0x259E, 0x259B,
      0x2597, 0x259A, 0x2590, 0x259C, 0x2584, 0x2599, 0x259F, 0x2588,
    ]
    return Unicode.Scalar(table[mask & 15])!
  }

  /// Sextant glyph for a 6-bit mask (bits row-major over 2 columns × 3 rows).
  public static func sextantGlyph(_ mask: Int) -> Unicode.Scalar {
    switch mask {
    case 0: return " "
    case 63: return "\u{2588}"
    case 21: return "\u{258C}"
    case 42: return "\u{2590}"
    default:
      let index = mask - 1 - (mask > 21 ? 1 : 0) - (mask > 42 ? 1 : 0)
      return Unicode.Scalar(0x1FB00 + UInt32(index))!
    }
  }

  /// Maps RGB pixels to xterm indices 16…255: Floyd–Steinberg, or Bayer when `fast`.
  static func indexed256(rgb: [UInt8], width: Int, height: Int, fast: Bool) -> [UInt8] {
    var palette = xtermPalette
    if !fast {
      // Half-strength diffusion: cells are large, so full error diffusion looks grainy.
      return Dither.floydSteinberg(
        rgb: rgb, width: width, height: height, palette: &palette, strength: 0.5
      ).map { $0 + 16 }
    }
    var out = [UInt8](repeating: 0, count: width * height)
    for y in 0..<height {
      for x in 0..<width {
        // Offset by up to ± half a cube step (40 levels), position-stable.
        let t = (Int(Dither.bayer8[(y & 7) * 8 + (x & 7)]) * 2 + 1 - 64) * 40 / 128
        let p = (y * width + x) * 3
        let r = min(max(Int(rgb[p]) + t, 0), 255), g = min(max(Int(rgb[p + 1]) + t, 0), 255)
        let b = min(max(Int(rgb[p + 2]) + t, 0), 255)
        out[y * width + x] = UInt8(palette.nearest(r, g, b) + 16)
      }
    }
    return out
  }

  /// The xterm colours 16…255 as a palette (palette index + 16 = xterm index).
  static let xtermPalette = ColorPalette(colors: Array(XTermPalette.colors[16...]))
}
