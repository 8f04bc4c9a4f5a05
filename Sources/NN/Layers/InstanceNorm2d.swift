// Instance normalization layer.

import Tensor

/// Normalizes each (n, c) plane of NCHW input, then applies an optional per-channel affine (`weight` and `bias`, `[C]`).
///
/// Statistics are always those of the current image (as at inference in SARGAN), never running
/// averages.
public final class InstanceNorm2d: Module {
  public let weight: Tensor?
  public let bias: Tensor?
  public let eps: Float

  public init(_ channels: Int, affine: Bool = true, eps: Float = 1e-5) {
    weight = affine ? parameter(Tensor(repeating: 1, shape: [channels])) : nil
    bias = affine ? parameter(Tensor(zeros: [channels])) : nil
    self.eps = eps
  }

  /// Normalizes `[N, C, H, W]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    var y = x.instanceNormalized(eps: eps)
    if let weight, let bias {
      y = y.channelAffine(scale: weight, shift: bias)
    }
    return y
  }
}
