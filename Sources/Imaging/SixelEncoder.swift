// Sixel encoding of indexed images (DEC sixel graphics, as used by xterm, foot, WezTerm).

/// Encodes images as a sixel DCS string.
///
/// Output layout: `ESC P 0;1;0 q "1;1;W;H`, the palette (`#i;2;r;g;b`, 0–100 scale, only
/// the colours used), then one band per 6 pixel rows: for each colour present in the band,
/// `#i` and run-length coded sixel characters, separated by `$`; bands end with `-`;
/// the string ends with `ESC \`.
public enum SixelEncoder {
  /// How colours are chosen.
  public enum Quality: Sendable {
    /// Adaptive median-cut palette with Floyd–Steinberg dithering (stills).
    case adaptive
    /// Adaptive median-cut palette, nearest colour, no dithering.
    case adaptiveNoDither
    /// Fixed 6×7×6 cube with Bayer 8×8 ordered dithering: fast and position-stable (drags).
    case fast
  }

  /// Encodes `image` (any channel count; alpha composited on white) at its own size.
  public static func encode(_ image: Image, quality: Quality = .adaptive, maxColors: Int = 256)
    -> [UInt8]
  {
    let rgb = image.rgb().bytes8()
    var palette: ColorPalette
    let indices: [UInt8]
    switch quality {
    case .fast:
      palette = ColorPalette.cube676
      indices = Dither.bayerCube676(rgb: rgb, width: image.width, height: image.height)
    case .adaptive:
      palette = ColorPalette.medianCut(rgb: rgb, maxColors: maxColors)
      indices = Dither.floydSteinberg(
        rgb: rgb, width: image.width, height: image.height, palette: &palette, strength: 0.85)
    case .adaptiveNoDither:
      palette = ColorPalette.medianCut(rgb: rgb, maxColors: maxColors)
      indices = Dither.nearest(
        rgb: rgb, width: image.width, height: image.height, palette: &palette)
    }
    return encode(
      indices: indices, width: image.width, height: image.height, palette: palette.colors)
  }

  /// Encodes a row-major index image (`width` × `height`) with `palette`.
  public static func encode(indices: [UInt8], width: Int, height: Int, palette: [RGB8])
    -> [UInt8]
  {
    var out: [UInt8] = []
    out.reserveCapacity(width * height / 2 + 4096)
    func append(_ s: String) { out.append(contentsOf: s.utf8) }
    func appendNumber(_ n: Int) {
      if n >= 100 { out.append(UInt8(48 + n / 100)) }
      if n >= 10 { out.append(UInt8(48 + (n / 10) % 10)) }
      out.append(UInt8(48 + n % 10))
    }
    append("\u{1B}P0;1;0q\"1;1;\(width);\(height)")
    var used = [Bool](repeating: false, count: 256)
    for i in indices { used[Int(i)] = true }
    for (i, color) in palette.enumerated() where used[i] {
      out.append(0x23)  // '#'
      appendNumber(i)
      append(";2;")
      appendNumber((Int(color.r) * 100 + 127) / 255)
      out.append(0x3B)
      appendNumber((Int(color.g) * 100 + 127) / 255)
      out.append(0x3B)
      appendNumber((Int(color.b) * 100 + 127) / 255)
    }
    // Per band: bits[color * width + x] holds the 6-bit column pattern of `color` at x.
    var bits = [UInt8](repeating: 0, count: 256 * max(width, 1))
    var minX = [Int](repeating: Int.max, count: 256)
    var maxX = [Int](repeating: -1, count: 256)
    var bandColors: [Int] = []
    bandColors.reserveCapacity(256)
    indices.withUnsafeBufferPointer { idx in
      bits.withUnsafeMutableBufferPointer { bitsPtr in
        var bandTop = 0
        while bandTop < height {
          bandColors.removeAll(keepingCapacity: true)
          let rowsInBand = min(6, height - bandTop)
          for r in 0..<rowsInBand {
            let row = (bandTop + r) * width
            let bit = UInt8(1 << r)
            for x in 0..<width {
              let c = Int(idx[row + x])
              if maxX[c] < 0 { bandColors.append(c) }
              bitsPtr[c * width + x] |= bit
              if x < minX[c] { minX[c] = x }
              if x > maxX[c] { maxX[c] = x }
            }
          }
          bandColors.sort()
          for (n, c) in bandColors.enumerated() {
            if n > 0 { out.append(0x24) }  // '$'
            out.append(0x23)
            appendNumber(c)
            let base = c * width
            // Leading empty columns, then runs of identical patterns.
            var x = 0
            let end = maxX[c] + 1
            if minX[c] > 0 {
              emitRun(&out, 0x3F, minX[c])
              x = minX[c]
            }
            while x < end {
              let pattern = bitsPtr[base + x]
              var run = 1
              while x + run < end && bitsPtr[base + x + run] == pattern { run += 1 }
              emitRun(&out, 0x3F + pattern, run)
              x += run
            }
            for i in minX[c]..<end { bitsPtr[base + i] = 0 }
            minX[c] = Int.max
            maxX[c] = -1
          }
          out.append(0x2D)  // '-'
          bandTop += 6
        }
      }
    }
    append("\u{1B}\\")
    return out
  }

  @inline(__always)
  static func emitRun(_ out: inout [UInt8], _ char: UInt8, _ count: Int) {
    if count > 3 {
      out.append(0x21)  // '!'
      var digits: [UInt8] = []
      var n = count
      while n > 0 {
        digits.append(UInt8(48 + n % 10))
        n /= 10
      }
      out.append(contentsOf: digits.reversed())
      out.append(char)
    } else {
      for _ in 0..<count { out.append(char) }
    }
  }
}
