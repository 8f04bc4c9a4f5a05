// Fully connected layer.

import Tensor

/// y = x·(scale·W)ᵀ + lrMul·b, for x `[N, in]`, weight `[out, in]` (PyTorch layout), bias `[out]`.
///
/// With `equalized`, weights are stored unit-variance and scaled at run time by
/// `lrMul/√in` (StyleGAN's equalized learning rate); otherwise `scale` is 1.
public final class Linear: Module {
  public let weight: Tensor
  public let bias: Tensor?
  public let scale: Float
  public let biasScale: Float

  public init(
    _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, equalized: Bool = false,
    lrMul: Float = 1, biasInit: Float = 0, rng: inout SplitMix64
  ) {
    if equalized {
      weight = parameter(Init.normal([outFeatures, inFeatures], std: 1 / lrMul, rng: &rng))
      scale = lrMul / Float(inFeatures).squareRoot()
    } else {
      weight = parameter(
        Init.torchDefault([outFeatures, inFeatures], fanIn: inFeatures, rng: &rng))
      scale = 1
    }
    biasScale = equalized ? lrMul : 1
    self.bias =
      bias
      ? parameter(Tensor(repeating: biasInit / (equalized ? lrMul : 1), shape: [outFeatures])) : nil
  }

  /// Applies the layer to `[N, in]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let w = scale == 1 ? weight : weight * scale
    var y = Tensor.matmul(x, w, transB: true)
    if let bias { y = y + (biasScale == 1 ? bias : bias * biasScale) }
    return y
  }
}
