// A seeded, reproducible random number generator and tensor initializers.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SplitMix64: a small, fast, seedable generator (Steele, Lea and Flood 2014).
///
/// Every random choice in Visage flows from one of these, so runs and fixtures reproduce.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public private(set) var state: UInt64

  /// A generator starting from `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform float in [0, 1).
  public mutating func uniform() -> Float {
    Float(next() >> 40) * (1 / Float(1 << 24))
  }

  /// A standard normal sample (Box–Muller).
  public mutating func normal() -> Float {
    let u1 = max(Double(next() >> 11) * (1 / Double(1 << 53)), 1e-300)
    let u2 = Double(next() >> 11) * (1 / Double(1 << 53))
    return Float((-2 * Glibc.log(u1)).squareRoot() * cos(2 * Double.pi * u2))
  }

  /// A child generator for an independent stream (hierarchical seeding).
  public mutating func fork() -> SplitMix64 { SplitMix64(seed: next()) }
}

extension Tensor {
  /// Standard normal samples times `std`.
  public static func randomNormal(_ shape: [Int], std: Float = 1, using rng: inout SplitMix64)
    -> Tensor
  {
    var r = rng
    let t = Tensor(shape: shape) { out in
      for i in 0..<out.count { out[i] = r.normal() * std }
    }
    rng = r
    return t
  }

  /// Uniform samples in [lo, hi).
  public static func randomUniform(
    _ shape: [Int], _ lo: Float = 0, _ hi: Float = 1, using rng: inout SplitMix64
  ) -> Tensor {
    var r = rng
    let t = Tensor(shape: shape) { out in
      for i in 0..<out.count { out[i] = lo + (hi - lo) * r.uniform() }
    }
    rng = r
    return t
  }
}
