// Exponential moving average of parameters.

import Tensor

/// Keeps `shadow ← β·shadow + (1−β)·param` for a list of parameters.
///
/// The shadow copies are plain tensors (not parameters); ``copy(into:)`` writes them into a
/// second model for evaluation or export. Early on the decay ramps up as
/// `min(β, (1 + n) / (10 + n))` after n updates, so the average does not stay anchored to the
/// initial weights for thousands of steps.
public final class EMA {
  public let beta: Float
  public private(set) var shadow: [Tensor]
  /// Updates applied so far (saved in checkpoints for exact resume).
  public var updates = 0

  public init(parameters: [Tensor], beta: Float = 0.999) {
    self.beta = beta
    shadow = parameters.map { $0.detached().copy() }
  }

  /// Moves the averages toward the current values.
  public func update(_ parameters: [Tensor]) {
    precondition(parameters.count == shadow.count, "EMA: parameter count changed")
    let b = Swift.min(beta, Float(1 + updates) / Float(10 + updates))
    updates += 1
    for (s, p) in zip(shadow, parameters) {
      let sp = s.storage.mutableBuffer.baseAddress!
      let pp = p.storage.mutableBuffer.baseAddress!
      for j in 0..<s.count { sp[j] = b * sp[j] + (1 - b) * pp[j] }
    }
  }

  /// Copies the averages into `parameters` (for example those of an inference model).
  public func copy(into parameters: [Tensor]) {
    for (s, p) in zip(shadow, parameters) { p.assign(s) }
  }
}
