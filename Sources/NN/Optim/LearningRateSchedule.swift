// Learning-rate schedules.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A learning rate as a function of the step.
public enum LearningRateSchedule: Sendable, Equatable {
  /// Always `base`.
  case constant(Float)
  /// Linear warm-up over `warmup` steps, then constant.
  case warmup(base: Float, steps: Int)
  /// Constant until `decayStart`, then linear decay to zero at `total`.
  case linearDecay(base: Float, decayStart: Int, total: Int)
  /// Cosine from `base` to `floor` over `total` steps.
  case cosine(base: Float, floor: Float, total: Int)

  /// The rate at `step` (0-based).
  public func rate(at step: Int) -> Float {
    switch self {
    case .constant(let b):
      return b
    case .warmup(let b, let n):
      return n <= 0 ? b : b * min(1, Float(step + 1) / Float(n))
    case .linearDecay(let b, let start, let total):
      if step < start { return b }
      return b * max(0, Float(total - step) / Float(max(total - start, 1)))
    case .cosine(let b, let f, let total):
      let t = min(1, Float(step) / Float(max(total, 1)))
      return f + (b - f) * 0.5 * (1 + cosf(Float.pi * t))
    }
  }
}
