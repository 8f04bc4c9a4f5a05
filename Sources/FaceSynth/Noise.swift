// Seeded hash and value noise for textures.

/// Seeded, stateless value noise (2D and 1D) with smooth quintic interpolation.
struct Noise: Sendable {
  /// The 32-bit seed mixed into every lattice hash.
  let seed: UInt32

  init(_ seed: UInt64) { self.seed = UInt32(truncatingIfNeeded: seed ^ (seed >> 32)) }

  /// A hash of a lattice point to [0, 1).
  @inline(__always) func hash(_ x: Int32, _ y: Int32) -> Float {
    var h = UInt32(bitPattern: x) &* 0x8DA6_B343 ^ UInt32(bitPattern: y) &* 0xD816_3841 ^ seed
    h = (h ^ (h >> 15)) &* 0x2C1B_3C6D
    h = (h ^ (h >> 12)) &* 0x297A_2D39
    h ^= h >> 15
    return Float(h >> 8) * (1.0 / 16_777_216.0)
  }

  /// Smooth 2D value noise in [0, 1].
  @inline(__always) func value(_ x: Float, _ y: Float) -> Float {
    let fx = x.rounded(.down), fy = y.rounded(.down)
    let ix = Int32(fx), iy = Int32(fy)
    let tx = x - fx, ty = y - fy
    let ux = tx * tx * (3 - 2 * tx), uy = ty * ty * (3 - 2 * ty)
    let a = hash(ix, iy), b = hash(ix &+ 1, iy)
    let c = hash(ix, iy &+ 1), d = hash(ix &+ 1, iy &+ 1)
    let top = a + (b - a) * ux
    let bottom = c + (d - c) * ux
    return top + (bottom - top) * uy
  }

  /// Smooth 1D value noise in [0, 1].
  @inline(__always) func value(_ x: Float) -> Float {
    let fx = x.rounded(.down)
    let ix = Int32(fx)
    let t = x - fx
    let u = t * t * (3 - 2 * t)
    let a = hash(ix, 7), b = hash(ix &+ 1, 7)
    return a + (b - a) * u
  }

  /// Two-octave fractal value noise in [0, 1].
  @inline(__always) func fbm2(_ x: Float, _ y: Float) -> Float {
    0.667 * value(x, y) + 0.333 * value(x * 2.03 + 17.1, y * 2.03 + 5.3)
  }
}
