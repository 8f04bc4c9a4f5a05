// Adam and AdamW.

import Tensor

/// Adam with optional L2 weight decay (`decoupled: false`, PyTorch `Adam`) or decoupled weight
/// decay (`decoupled: true`, PyTorch `AdamW`).
///
/// The first and second moments live in flat arrays aligned with `parameters`, so the whole
/// optimizer state can be saved and restored for exact resume.
public final class Adam {
  public let parameters: [Tensor]
  public var learningRate: Float
  public var beta1: Float
  public var beta2: Float
  public var eps: Float
  public var weightDecay: Float
  public var decoupled: Bool
  /// Per-parameter learning-rate multipliers, aligned with `parameters` (all 1 by default).
  ///
  /// Not part of the saved state: the trainer that builds the optimizer sets them.
  public var scales: [Float]
  /// Steps taken so far.
  public private(set) var step = 0
  /// First moments, one tensor per parameter.
  public private(set) var m: [Tensor]
  /// Second moments, one tensor per parameter.
  public private(set) var v: [Tensor]

  public init(
    parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    eps: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false
  ) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    self.weightDecay = weightDecay
    self.decoupled = decoupled
    m = parameters.map { Tensor(zeros: $0.shape) }
    v = parameters.map { Tensor(zeros: $0.shape) }
    scales = [Float](repeating: 1, count: parameters.count)
  }

  /// Applies one update from the parameters' accumulated gradients (missing gradients are zero).
  public func update() {
    step += 1
    let bc1 = 1 - Float(Double(beta1).power(step))
    let bc2 = 1 - Float(Double(beta2).power(step))
    let baseRate = learningRate
    let b1 = beta1
    let b2 = beta2
    let eps = eps
    let wd = weightDecay
    let decoupled = decoupled
    for (i, p) in parameters.enumerated() {
      guard let g = p.grad else { continue }
      let n = p.count
      let lr = baseRate * scales[i]
      let pp = p.storage.mutableBuffer.baseAddress!
      let gp = g.storage.mutableBuffer.baseAddress!
      let mp = m[i].storage.mutableBuffer.baseAddress!
      let vp = v[i].storage.mutableBuffer.baseAddress!
      let stepSize = lr / bc1
      let sqrtBc2 = bc2.squareRoot()
      for j in 0..<n {
        var grad = gp[j]
        if wd != 0 {
          if decoupled { pp[j] -= lr * wd * pp[j] } else { grad += wd * pp[j] }
        }
        let mj: Float = b1 * mp[j] + (1 - b1) * grad
        let vj: Float = b2 * vp[j] + (1 - b2) * grad * grad
        mp[j] = mj
        vp[j] = vj
        let denom: Float = vj.squareRoot() / sqrtBc2 + eps
        pp[j] -= stepSize * mj / denom
      }
    }
  }

  /// Restores the step counter and moments (from a checkpoint).
  public func restore(step: Int, m: [Tensor], v: [Tensor]) {
    precondition(
      m.count == parameters.count && v.count == parameters.count, "Adam state size mismatch")
    self.step = step
    for i in parameters.indices {
      self.m[i].assign(m[i])
      self.v[i].assign(v[i])
    }
  }
}

extension Double {
  fileprivate func power(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= self }
    return r
  }
}
