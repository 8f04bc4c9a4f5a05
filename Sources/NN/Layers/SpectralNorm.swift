// Spectral normalization of a weight by power iteration.

import Tensor

/// Divides a weight by an estimate of its largest singular value.
///
/// The weight is viewed as `[out, rest]`. One power-iteration step per call refines the left
/// vector `u` (kept as plain floats, not a parameter); σ = uᵀ·W·v is recorded on the tape with
/// `u` and `v` held constant, as in PyTorch's `spectral_norm`.
public final class SpectralNorm: @unchecked Sendable {
  private(set) var u: [Float]

  public init(outFeatures: Int, rng: inout SplitMix64) {
    var v = (0..<outFeatures).map { _ in rng.normal() }
    let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    for i in v.indices { v[i] /= max(n, 1e-12) }
    u = v
  }

  /// `weight / σ(weight)`, updating the power-iteration state when `update` is true.
  public func callAsFunction(_ weight: Tensor, update: Bool = true) -> Tensor {
    let out = weight.shape[0]
    let w2 = weight.reshaped([out, -1])
    let (uT, vT) = withNoGrad { () -> (Tensor, Tensor) in
      let wd = w2.detached()
      var uu = Tensor(u, shape: [1, out])
      var v = Tensor.matmul(uu, wd)  // [1, rest]
      v = v / (v.squared().sum().sqrt().item + 1e-12)
      if update {
        uu = Tensor.matmul(v, wd, transB: true)
        uu = uu / (uu.squared().sum().sqrt().item + 1e-12)
        u = uu.scalars
      }
      return (uu, v)
    }
    let sigma = (Tensor.matmul(Tensor.matmul(uT, w2), vT, transB: true)).reshaped([])
    return weight / sigma
  }
}
