// Dithering of 8-bit RGB to palette indices: Floyd–Steinberg and ordered (Bayer 8×8).

/// Maps interleaved 8-bit RGB pixels to palette indices.
public enum Dither {
  /// The 8×8 Bayer matrix, values 0…63, row-major.
  public static let bayer8: [UInt8] = {
    var m = [UInt8](repeating: 0, count: 64)
    for y in 0..<8 {
      for x in 0..<8 {
        var v = 0, xc = x ^ y, yc = y
        for bit in 0..<3 {
          v |= ((xc >> bit) & 1) << (5 - 2 * bit)
          v |= ((yc >> bit) & 1) << (4 - 2 * bit)
        }
        m[y * 8 + x] = UInt8(v)
      }
    }
    return m
  }()

  /// Nearest colour, no dithering.
  ///
  /// Output: one index per pixel, row-major.
  public static func nearest(rgb: [UInt8], width: Int, height: Int, palette: inout ColorPalette)
    -> [UInt8]
  {
    var out = [UInt8](repeating: 0, count: width * height)
    rgb.withUnsafeBufferPointer { src in
      for i in 0..<(width * height) {
        out[i] = UInt8(palette.nearest(Int(src[3 * i]), Int(src[3 * i + 1]), Int(src[3 * i + 2])))
      }
    }
    return out
  }

  /// Serpentine Floyd–Steinberg error diffusion; `strength` scales the diffused error
  /// (1 = classic; lower values trade smoothness for less grain).
  public static func floydSteinberg(
    rgb: [UInt8], width: Int, height: Int, palette: inout ColorPalette, strength: Float = 1
  ) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: width * height)
    // Two rows of error, 3 channels, with one pixel of padding on each side.
    let stride = (width + 2) * 3
    var current = [Float](repeating: 0, count: stride)
    var next = [Float](repeating: 0, count: stride)
    let colors = palette.colors
    rgb.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<height {
          let leftToRight = y % 2 == 0
          for i in 0..<stride { next[i] = 0 }
          for step in 0..<width {
            let x = leftToRight ? step : width - 1 - step
            let dir = leftToRight ? 1 : -1
            let p = (y * width + x) * 3
            let e = (x + 1) * 3
            let r = min(max(Float(src[p]) + current[e], 0), 255)
            let g = min(max(Float(src[p + 1]) + current[e + 1], 0), 255)
            let b = min(max(Float(src[p + 2]) + current[e + 2], 0), 255)
            let index = palette.nearest(Int(r), Int(g), Int(b))
            dst[y * width + x] = UInt8(index)
            let chosen = colors[index]
            let er = (r - Float(chosen.r)) * strength
            let eg = (g - Float(chosen.g)) * strength
            let eb = (b - Float(chosen.b)) * strength
            let ahead = e + dir * 3, behind = e - dir * 3
            current[ahead] += er * (7 / 16)
            current[ahead + 1] += eg * (7 / 16)
            current[ahead + 2] += eb * (7 / 16)
            next[behind] += er * (3 / 16)
            next[behind + 1] += eg * (3 / 16)
            next[behind + 2] += eb * (3 / 16)
            next[e] += er * (5 / 16)
            next[e + 1] += eg * (5 / 16)
            next[e + 2] += eb * (5 / 16)
            next[ahead] += er * (1 / 16)
            next[ahead + 1] += eg * (1 / 16)
            next[ahead + 2] += eb * (1 / 16)
          }
          swap(&current, &next)
        }
      }
    }
    return out
  }

  /// Ordered dithering to the fixed 6×7×6 cube (`ColorPalette.cube676`), position-stable:
  /// a pixel's index depends only on its own value and its (x, y) position.
  public static func bayerCube676(rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: width * height)
    // Threshold per matrix cell, in 1/64 steps, scaled by 256 for integer math.
    var thresholds = [Int](repeating: 0, count: 64)
    for i in 0..<64 { thresholds[i] = (Int(bayer8[i]) * 2 + 1) * 256 / 128 }
    rgb.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        thresholds.withUnsafeBufferPointer { t in
          for y in 0..<height {
            let row = (y & 7) * 8
            for x in 0..<width {
              let p = (y * width + x) * 3
              let th = t[row + (x & 7)]
              // level = floor(v * (L - 1) / 255 + threshold), all in 1/256 units.
              let r = (Int(src[p]) * 5 * 256 / 255 + th) >> 8
              let g = (Int(src[p + 1]) * 6 * 256 / 255 + th) >> 8
              let b = (Int(src[p + 2]) * 5 * 256 / 255 + th) >> 8
              dst[y * width + x] = UInt8(min(r, 5) * 42 + min(g, 6) * 6 + min(b, 5))
            }
          }
        }
      }
    }
    return out
  }
}
