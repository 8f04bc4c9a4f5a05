// 1-D convolution over `[N, C, L]` signals.

import Tensor

/// Convolution along the last axis with weight `[out, in, k]` (PyTorch layout), "same" zero
/// padding (`k / 2` on each side, odd `k`), stride 1, and an optional bias `[out]`.
///
/// With `equalized`, weights are unit-variance and scaled by `1/√(in·k)` at run time.
public final class Conv1d: Module {
  public let weight: Tensor
  public let bias: Tensor?
  let scale: Float

  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, bias: Bool = false,
    equalized: Bool = true, rng: inout SplitMix64
  ) {
    precondition(kernel % 2 == 1, "Conv1d uses same padding and needs an odd kernel")
    if equalized {
      weight = parameter(Init.normal([outChannels, inChannels, kernel], std: 1, rng: &rng))
      scale = 1 / Float(inChannels * kernel).squareRoot()
    } else {
      weight = parameter(
        Init.torchDefault([outChannels, inChannels, kernel], fanIn: inChannels * kernel, rng: &rng))
      scale = 1
    }
    self.bias = bias ? parameter(Tensor(zeros: [outChannels])) : nil
  }

  /// Applies the convolution to `[N, in, L]`, giving `[N, out, L]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let (n, c, l) = (x.shape[0], x.shape[1], x.shape[2])
    let k = weight.shape[2]
    let w = (scale == 1 ? weight : weight * scale).reshaped([weight.shape[0], c, 1, k])
    var input = x.reshaped([n, c, 1, l])
    if k > 1 { input = input.padded(axis: 3, before: k / 2, after: k / 2) }
    let y = Tensor.conv2d(input, w, bias: bias).reshaped([n, -1, l])
    return y
  }
}
