// A small stable hash for cache keys and fingerprints.

import Foundation

/// 64-bit FNV-1a over bytes; the same input gives the same value in every run (unlike `Hasher`).
public struct StableHash {
  public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  public init() {}

  /// Mixes in bytes.
  public mutating func add<S: Sequence>(bytes: S) where S.Element == UInt8 {
    for b in bytes {
      value ^= UInt64(b)
      value = value &* 0x100_0000_01b3
    }
  }

  /// Mixes in a string's UTF-8 bytes and a separator, so `["ab", "c"]` differs from `["a", "bc"]`.
  public mutating func add(_ text: String) {
    add(bytes: text.utf8)
    add(bytes: [0])
  }

  /// The value folded to 32 bits, as 8 hex digits.
  public var hex: String {
    String(format: "%08x", UInt32(truncatingIfNeeded: value ^ (value >> 32)))
  }
}
