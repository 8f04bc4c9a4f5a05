// Data-set splits, assigned by identity seed.

/// A data-set split; identities are assigned to splits by a hash of their identity seed.
///
/// The assignment depends only on the identity seed (80% train, 10% val, 10% test), so the
/// identity sets of the three splits are disjoint for every master seed.
public enum Split: String, Sendable, CaseIterable, Codable {
  case train, val, test

  /// The split that owns an identity seed.
  public static func of(identitySeed: UInt64) -> Split {
    let bucket = SplitMix64.mix(identitySeed, 0x5EED_5B11) % 100
    if bucket < 80 { return .train }
    return bucket < 90 ? .val : .test
  }

  /// The identity seed of sample `index` of this split under master seed `seed`.
  ///
  /// Candidates are hashed from (seed, index, attempt) until one belongs to this split.
  public func identitySeed(index: Int, seed: UInt64) -> UInt64 {
    let base = SplitMix64.mix(seed, UInt64(bitPattern: Int64(index)))
    var attempt: UInt64 = 0
    while true {
      let candidate = SplitMix64.mix(base, attempt &+ 0x1D)
      if Split.of(identitySeed: candidate) == self { return candidate }
      attempt += 1
    }
  }
}
