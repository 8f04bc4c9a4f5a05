// Ordered collection of results from parallel render workers.

import Foundation

/// Collects samples written by concurrent workers at disjoint indices, under a lock.
final class ResultBox: @unchecked Sendable {
  private var slots: [FaceSample?]
  private let lock = NSLock()

  /// Creates `count` empty slots.
  init(count: Int) { slots = Array(repeating: nil, count: count) }

  /// Stores the sample of slot `i`.
  func set(_ i: Int, _ s: FaceSample) {
    lock.lock()
    slots[i] = s
    lock.unlock()
  }

  /// All samples in slot order; every slot must be filled.
  func results() -> [FaceSample] {
    lock.lock()
    defer { lock.unlock() }
    return slots.map { $0! }
  }
}
