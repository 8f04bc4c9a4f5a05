// The in-memory image every part of Visage passes around.

/// An image with interleaved float samples in [0, 1].
///
/// Layout: row-major HWC, `pixels[(y * width + x) * channels + c]`.
/// `channels` is 1 (gray), 3 (RGB) or 4 (RGBA, straight alpha).
public struct Image: Sendable, Equatable {
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int
  /// Samples per pixel: 1, 3 or 4.
  public let channels: Int
  /// Interleaved samples, `width * height * channels` of them.
  public var pixels: [Float]

  /// Creates an image filled with `value` in every sample.
  public init(width: Int, height: Int, channels: Int, value: Float = 0) {
    precondition(width >= 0 && height >= 0 && [1, 3, 4].contains(channels))
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = [Float](repeating: value, count: width * height * channels)
  }

  /// Wraps existing samples; `pixels.count` must equal `width * height * channels`.
  public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
    precondition(pixels.count == width * height * channels && [1, 3, 4].contains(channels))
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// Reads one sample.
  @inlinable public subscript(x: Int, y: Int, c: Int) -> Float {
    get { pixels[(y * width + x) * channels + c] }
    set { pixels[(y * width + x) * channels + c] = newValue }
  }
}
