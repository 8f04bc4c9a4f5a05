// S2F-DIS: one unit direction per attribute in latent space.

import NN
import Tensor

/// Unit attribute directions `W_n` (columns of `[latentDim, A]`, normalized on every call).
///
/// Scores `ŝ = r·W_n` regress attribute values in [-1, 1]; an edit adds `Σ a_j w_j`.
/// Orthogonality is encouraged by `mean |W_nᵀW_n − I|`.
public final class AttributeDirections: Module {
  public let weight: Tensor

  public init(latentDim: Int, attributes: Int, rng: inout SplitMix64) {
    // Xavier-normal initialization.
    weight = parameter(
      Init.normal(
        [latentDim, attributes], std: (2 / Float(latentDim + attributes)).squareRoot(), rng: &rng))
  }

  /// The column-normalized directions `[latentDim, A]`.
  public var normalized: Tensor {
    weight * (weight.squared().sum(axes: [0], keepDims: true) + 1e-12).rsqrt()
  }

  /// Attribute scores `[N, A]` of latents `[N, latentDim]`.
  public func scores(_ r: Tensor) -> Tensor { Tensor.matmul(r, normalized) }

  /// r + Σ_j a_j w_j for edit amounts `a` (`[N, A]`).
  public func edit(_ r: Tensor, amounts a: Tensor) -> Tensor {
    r + Tensor.matmul(a, normalized, transB: true)
  }

  /// mean |W_nᵀ W_n − I|.
  public func orthogonalityLoss() -> Tensor {
    let w = normalized
    let a = w.shape[1]
    var eye = [Float](repeating: 0, count: a * a)
    for i in 0..<a { eye[i * a + i] = 1 }
    return (Tensor.matmul(w, w, transA: true) - Tensor(eye, shape: [a, a])).abs().mean()
  }
}
