// Channel-count and bit-depth conversions for Image.

extension Image {
  /// The BT.601 luma weights used for RGB → gray.
  public static let lumaWeights: (r: Float, g: Float, b: Float) = (0.299, 0.587, 0.114)

  /// Creates an image from 8-bit samples (same HWC layout), mapping 0…255 to 0…1.
  public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
    precondition(bytes.count == width * height * channels)
    var samples = [Float](repeating: 0, count: bytes.count)
    samples.withUnsafeMutableBufferPointer { dst in
      bytes.withUnsafeBufferPointer { src in
        for i in 0..<src.count { dst[i] = Float(src[i]) * (1 / 255) }
      }
    }
    self.init(width: width, height: height, channels: channels, pixels: samples)
  }

  /// Creates an image from 16-bit samples (same HWC layout), mapping 0…65535 to 0…1.
  public init(width: Int, height: Int, channels: Int, words: [UInt16]) {
    precondition(words.count == width * height * channels)
    var samples = [Float](repeating: 0, count: words.count)
    samples.withUnsafeMutableBufferPointer { dst in
      words.withUnsafeBufferPointer { src in
        for i in 0..<src.count { dst[i] = Float(src[i]) * (1 / 65535) }
      }
    }
    self.init(width: width, height: height, channels: channels, pixels: samples)
  }

  /// The samples as 8-bit values (clamped to [0, 1], rounded), same HWC layout.
  public func bytes8() -> [UInt8] {
    var out = [UInt8](repeating: 0, count: pixels.count)
    out.withUnsafeMutableBufferPointer { dst in
      pixels.withUnsafeBufferPointer { src in
        for i in 0..<src.count {
          let v = src[i] * 255 + 0.5
          dst[i] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))
        }
      }
    }
    return out
  }

  /// The samples as 16-bit values (clamped to [0, 1], rounded), same HWC layout.
  public func words16() -> [UInt16] {
    var out = [UInt16](repeating: 0, count: pixels.count)
    out.withUnsafeMutableBufferPointer { dst in
      pixels.withUnsafeBufferPointer { src in
        for i in 0..<src.count {
          let v = src[i] * 65535 + 0.5
          dst[i] = v <= 0 ? 0 : (v >= 65535 ? 65535 : UInt16(v))
        }
      }
    }
    return out
  }

  /// Returns the image with `count` channels (1, 3 or 4).
  ///
  /// Gray → RGB copies the value; RGB → gray uses `lumaWeights`; dropping alpha composites
  /// on `background` (white by default); adding alpha makes the image opaque.
  public func converted(channels count: Int, background: Float = 1) -> Image {
    precondition([1, 3, 4].contains(count))
    if count == channels { return self }
    let n = width * height
    var out = [Float](repeating: 1, count: n * count)
    let srcChannels = channels
    let (wr, wg, wb) = Image.lumaWeights
    out.withUnsafeMutableBufferPointer { dst in
      pixels.withUnsafeBufferPointer { src in
        for i in 0..<n {
          var r: Float, g: Float, b: Float, a: Float = 1
          let s = i * srcChannels
          if srcChannels == 1 {
            r = src[s]; g = r; b = r
          } else {
            r = src[s]; g = src[s + 1]; b = src[s + 2]
            if srcChannels == 4 { a = src[s + 3] }
          }
          if count != 4 && a < 1 {
            r = r * a + background * (1 - a)
            g = g * a + background * (1 - a)
            b = b * a + background * (1 - a)
          }
          let d = i * count
          if count == 1 {
            dst[d] = srcChannels == 1 ? r : wr * r + wg * g + wb * b
          } else {
            dst[d] = r; dst[d + 1] = g; dst[d + 2] = b
            if count == 4 { dst[d + 3] = a }
          }
        }
      }
    }
    return Image(width: width, height: height, channels: count, pixels: out)
  }

  /// Gray version (luma, alpha composited on white).
  public func grayscale() -> Image { converted(channels: 1) }

  /// RGB version (gray replicated, alpha composited on white).
  public func rgb() -> Image { converted(channels: 3) }

  /// Drops alpha by compositing on a gray level `background` (1 = white); keeps 1 or 3.
  public func flattened(background: Float = 1) -> Image {
    channels == 4 ? converted(channels: 3, background: background) : self
  }

  /// Returns the image with every sample clamped to [0, 1].
  public func clamped() -> Image {
    var copy = self
    copy.pixels.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] = min(max(p[i], 0), 1) }
    }
    return copy
  }
}
