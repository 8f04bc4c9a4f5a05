// Whether the edited source is a sketch or a photo.

import Imaging

/// The kind of source image: a line sketch (dark strokes on white) or a photo.
public enum SourceKind: String, Sendable, Codable, CaseIterable {
  case sketch
  case photo

  /// Guesses the kind: one channel, or nearly colourless and mostly white paper, is a sketch.
  public static func guess(_ image: Image) -> SourceKind {
    if image.channels == 1 || image.channels == 2 { return .sketch }
    let rgb = image.rgb()
    var saturation: Double = 0
    var bright = 0
    let n = rgb.width * rgb.height
    guard n > 0 else { return .photo }
    for i in 0..<n {
      let r = rgb.pixels[3 * i], g = rgb.pixels[3 * i + 1], b = rgb.pixels[3 * i + 2]
      saturation += Double(max(r, g, b) - min(r, g, b))
      if (r + g + b) / 3 > 0.8 { bright += 1 }
    }
    return saturation / Double(n) < 0.03 && bright * 2 > n ? .sketch : .photo
  }
}
