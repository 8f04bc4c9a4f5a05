// Rotations, flips and EXIF orientation.

extension Image {
  /// Returns the image as it should be displayed for EXIF orientation `tag` (1…8).
  ///
  /// 1 identity, 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise,
  /// 7 transverse, 8 rotate 90° counter-clockwise. Unknown values return `self`.
  public func applyingEXIFOrientation(_ tag: Int) -> Image {
    guard (2...8).contains(tag) else { return self }
    let w = width, h = height, c = channels
    let swaps = tag >= 5
    let ow = swaps ? h : w, oh = swaps ? w : h
    var out = [Float](repeating: 0, count: ow * oh * c)
    out.withUnsafeMutableBufferPointer { dst in
      pixels.withUnsafeBufferPointer { src in
        for oy in 0..<oh {
          for ox in 0..<ow {
            let sx: Int, sy: Int
            switch tag {
            case 2: sx = w - 1 - ox; sy = oy
            case 3: sx = w - 1 - ox; sy = h - 1 - oy
            case 4: sx = ox; sy = h - 1 - oy
            case 5: sx = oy; sy = ox
            case 6: sx = oy; sy = h - 1 - ox
            case 7: sx = w - 1 - oy; sy = h - 1 - ox
            default: sx = w - 1 - oy; sy = ox
            }
            let s = (sy * w + sx) * c, d = (oy * ow + ox) * c
            for k in 0..<c { dst[d + k] = src[s + k] }
          }
        }
      }
    }
    return Image(width: ow, height: oh, channels: c, pixels: out)
  }

  /// Rotated 90° clockwise.
  public func rotatedClockwise() -> Image { applyingEXIFOrientation(6) }
  /// Rotated 90° counter-clockwise.
  public func rotatedCounterClockwise() -> Image { applyingEXIFOrientation(8) }
  /// Mirrored left to right.
  public func mirrored() -> Image { applyingEXIFOrientation(2) }
  /// Flipped top to bottom.
  public func flipped() -> Image { applyingEXIFOrientation(4) }
}
