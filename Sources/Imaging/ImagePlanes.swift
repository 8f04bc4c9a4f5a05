// Planar (CHW) views of Image, for tensor conversion and per-channel filters.

extension Image {
  /// The samples in planar layout: CHW, `out[(c * height + y) * width + x]`.
  public func planar() -> [Float] {
    let n = width * height, c = channels
    if c == 1 { return pixels }
    var out = [Float](repeating: 0, count: n * c)
    out.withUnsafeMutableBufferPointer { dst in
      pixels.withUnsafeBufferPointer { src in
        for i in 0..<n {
          for k in 0..<c { dst[k * n + i] = src[i * c + k] }
        }
      }
    }
    return out
  }

  /// Creates an image from planar CHW samples (`planar.count == channels * height * width`).
  public init(width: Int, height: Int, channels: Int, planar: [Float]) {
    precondition(planar.count == width * height * channels)
    let n = width * height
    var out = [Float](repeating: 0, count: planar.count)
    out.withUnsafeMutableBufferPointer { dst in
      planar.withUnsafeBufferPointer { src in
        for i in 0..<n {
          for k in 0..<channels { dst[i * channels + k] = src[k * n + i] }
        }
      }
    }
    self.init(width: width, height: height, channels: channels, pixels: out)
  }
}
