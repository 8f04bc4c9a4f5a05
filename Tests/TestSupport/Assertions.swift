// Shared numeric assertions and gradient checks for the test targets.

import NN
import Tensor
import XCTest

/// Asserts `|a − b| ≤ atol + rtol·|b|` elementwise, reporting the worst element.
public func assertClose(
  _ a: Tensor, _ b: Tensor, atol: Float = 1e-5, rtol: Float = 1e-4, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(a.shape, b.shape, "shape \(message)", file: file, line: line)
  guard a.shape == b.shape else { return }
  var worst: (Int, Float) = (-1, 0)
  let x = a.scalars
  let y = b.scalars
  for i in 0..<x.count {
    let err = Swift.abs(x[i] - y[i]) - (atol + rtol * Swift.abs(y[i]))
    if err > worst.1 || (x[i].isNaN != y[i].isNaN) { worst = (i, Swift.max(err, 1)) }
  }
  if worst.0 >= 0 {
    XCTFail(
      "\(message) not close at \(worst.0): \(x[worst.0]) vs \(y[worst.0]) (atol \(atol), rtol \(rtol))",
      file: file, line: line)
  }
}

/// Σ Aᵀ-consistency: `⟨A x, y⟩ == ⟨x, Aᵀ y⟩` accumulated in Double.
public func assertAdjoint(
  inputShape: [Int], outputShape: [Int], seed: UInt64 = 1, forward: (Tensor) -> Tensor,
  adjoint: (Tensor) -> Tensor, file: StaticString = #filePath, line: UInt = #line
) {
  var rng = SplitMix64(seed: seed)
  let x = Tensor.randomNormal(inputShape, using: &rng)
  let y = Tensor.randomNormal(outputShape, using: &rng)
  let ax = forward(x)
  let aty = adjoint(y)
  XCTAssertEqual(ax.shape, outputShape, file: file, line: line)
  XCTAssertEqual(aty.shape, inputShape, file: file, line: line)
  let lhs = zip(ax.scalars, y.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  let rhs = zip(x.scalars, aty.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  XCTAssertLessThanOrEqual(
    Swift.abs(lhs - rhs), 1e-5 * Swift.max(Swift.abs(lhs), 1), "⟨Ax,y⟩=\(lhs) ⟨x,Aᵀy⟩=\(rhs)",
    file: file, line: line)
}

/// Compares tape gradients with central finite differences of `L = Σ f(inputs) ⊙ r`.
///
/// Checks up to `samples` coordinates per input with step `eps`; `L` is accumulated in Double.
public func assertGradients(
  _ inputs: [Tensor], seed: UInt64 = 7, eps: Float = 1e-2, tolerance: Float = 1e-2,
  samples: Int = 24, file: StaticString = #filePath, line: UInt = #line,
  _ f: ([Tensor]) -> Tensor
) {
  let leaves = inputs.map { $0.copy().requiringGrad() }
  let out = f(leaves)
  var rng = SplitMix64(seed: seed)
  let r = Tensor.randomNormal(out.shape, using: &rng)
  let grads = Tape.gradients(of: (out * r).sum(), wrt: leaves)
  func loss(_ xs: [Tensor]) -> Double {
    // Recording stays on: `f` may itself take gradients (penalties).
    let y = f(xs).scalars
    return zip(y, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }
  for (k, leaf) in leaves.enumerated() {
    let n = leaf.count
    let step = Swift.max(1, n / samples)
    for i in stride(from: 0, to: n, by: step) {
      let base = leaf.scalars
      var plus = base
      var minus = base
      let h = eps * Swift.max(1, Swift.abs(base[i]))
      plus[i] += h
      minus[i] -= h
      var xs = leaves.map { $0.detached() }
      xs[k] = Tensor(plus, shape: leaf.shape)
      let lp = loss(xs)
      xs[k] = Tensor(minus, shape: leaf.shape)
      let lm = loss(xs)
      let numeric = Float((lp - lm) / Double(2 * h))
      let analytic = grads[k].scalars[i]
      let err =
        Swift.abs(numeric - analytic) / Swift.max(1, Swift.abs(numeric), Swift.abs(analytic))
      XCTAssertLessThanOrEqual(
        err, tolerance, "input \(k) element \(i): numeric \(numeric), tape \(analytic)",
        file: file, line: line)
    }
  }
}

/// A tensor of normal samples away from zero (|x| ≥ `margin`), to keep finite differences off kinks.
public func randomAwayFromZero(_ shape: [Int], seed: UInt64, margin: Float = 0.05) -> Tensor {
  var rng = SplitMix64(seed: seed)
  let t = Tensor.randomNormal(shape, using: &rng)
  return Tensor(
    t.scalars.map { Swift.abs($0) < margin ? ($0 < 0 ? -margin : margin) * 2 : $0 }, shape: shape)
}
