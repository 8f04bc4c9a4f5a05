// Seeded pseudo-random numbers for reproducible faces.

import Foundation

/// A SplitMix64 generator: fast, seedable and identical on every platform.
///
/// FaceSynth never uses `SystemRandomNumberGenerator`; every random choice comes from a
/// `SplitMix64` whose seed is derived from the sample's hierarchical seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The generator state; advancing it by the golden-ratio increment yields the next output.
  public var state: UInt64

  /// Creates a generator from a seed.
  public init(seed: UInt64) { state = seed }

  /// Creates a generator for a named sub-stream of `seed`, such as the hair of an identity.
  public init(seed: UInt64, stream: UInt64) { state = SplitMix64.mix(seed, stream) }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return SplitMix64.finalize(state)
  }

  /// The SplitMix64 output function: a bijective 64-bit avalanche mix.
  @inlinable public static func finalize(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Combines two values into one well-mixed 64-bit hash (order-sensitive).
  @inlinable public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    finalize(a &+ finalize(b &+ 0x632B_E59B_D9B4_E019))
  }

  /// A uniform float in [0, 1).
  public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

  /// A uniform float in [lo, hi).
  public mutating func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * uniform() }

  /// A standard normal sample (Box–Muller).
  public mutating func normal() -> Float {
    let u1 = max(uniform(), 1e-7)
    let u2 = uniform()
    return (-2 * _log(u1)).squareRoot() * _cos(2 * Float.pi * u2)
  }

  /// A normal sample with mean `mean` and deviation `sd`, clipped to ±2.5 deviations.
  public mutating func normal(_ mean: Float, _ sd: Float) -> Float {
    mean + sd * max(-2.5, min(2.5, normal()))
  }

  /// True with probability `p`.
  public mutating func chance(_ p: Float) -> Bool { uniform() < p }

  /// An integer in 0..<n.
  public mutating func index(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

  /// An index drawn with the given non-negative weights.
  public mutating func pick(_ weights: [Float]) -> Int {
    let total = weights.reduce(0, +)
    var r = uniform() * total
    for (i, w) in weights.enumerated() {
      r -= w
      if r < 0 { return i }
    }
    return weights.count - 1
  }
}

@inline(__always) func _log(_ x: Float) -> Float { Float(logf(x)) }
@inline(__always) func _cos(_ x: Float) -> Float { Float(cosf(x)) }
