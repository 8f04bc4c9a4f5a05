// Skin-tone palette.

/// Colour tables used by the renderer.
enum Palette {
  /// The ten Monk Skin Tone swatches in sRGB.
  static let monkTable: [SIMD3<Float>] = [
    0xf6ede4, 0xf3e7db, 0xf7ead0, 0xeadaba, 0xd7bd96, 0xa07e56, 0x825c43, 0x604134, 0x3a312a,
    0x292420,
  ].map { (hex: Int) in
    SIMD3(Float((hex >> 16) & 255), Float((hex >> 8) & 255), Float(hex & 255)) / 255
  }

  /// The sRGB skin colour at continuous Monk position `t` in [1, 10].
  static func monk(_ t: Float) -> SIMD3<Float> {
    let x = max(0, min(8.999, t - 1))
    let i = Int(x)
    let f = x - Float(i)
    return monkTable[i] * (1 - f) + monkTable[i + 1] * f
  }
}
