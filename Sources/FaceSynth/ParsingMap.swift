// Per-pixel parsing maps: names, preview colours and images.

import Imaging

/// Helpers for per-pixel parsing maps (`[UInt8]`, row-major, one class per pixel).
public enum ParsingMap {
  /// The CelebAMask-HQ class names, indexed by class value.
  public static let names: [String] = [
    "background", "skin", "nose", "eye_g", "l_eye", "r_eye", "l_brow", "r_brow", "l_ear", "r_ear",
    "mouth", "u_lip", "l_lip", "hair", "hat", "ear_r", "neck_l", "neck", "cloth",
  ]

  /// The number of classes (19).
  public static let classCount = 19

  /// A fixed colour per class (sRGB in [0, 1]) for previews.
  public static let colours: [SIMD3<Float>] = [
    [0, 0, 0], [0.8, 0.6, 0.5], [0.9, 0.4, 0.2], [0.3, 0.3, 0.9], [0.2, 0.8, 0.9],
    [0.1, 0.6, 0.7], [0.5, 0.3, 0.1], [0.35, 0.2, 0.05], [0.9, 0.8, 0.2], [0.7, 0.6, 0.1],
    [0.4, 0, 0.1], [0.9, 0.1, 0.3], [0.7, 0.05, 0.4], [0.3, 0.15, 0.4], [0.2, 0.9, 0.2],
    [0.9, 0.9, 0.6], [0.6, 0.9, 0.6], [0.6, 0.5, 0.45], [0.3, 0.5, 0.3],
  ]

  /// A colour image of a parsing map, for previews and contact sheets.
  public static func colourize(_ map: [UInt8], width: Int, height: Int) -> Image {
    var px = [Float](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      let c = colours[Int(min(map[i], 18))]
      px[i * 3] = c.x
      px[i * 3 + 1] = c.y
      px[i * 3 + 2] = c.z
    }
    return Image(width: width, height: height, channels: 3, pixels: px)
  }

  /// The parsing map as a gray image with value `class / 255` (what the PNG writer stores).
  public static func grayImage(_ map: [UInt8], width: Int, height: Int) -> Image {
    Image(width: width, height: height, channels: 1, pixels: map.map { Float($0) / 255 })
  }
}
