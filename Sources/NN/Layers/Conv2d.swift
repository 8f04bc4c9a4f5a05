// 2-D convolution layer.

import Tensor

/// Convolution over NCHW input with weight `[out, in, k, k]` (PyTorch layout) and bias `[out]`.
///
/// Output size per axis: `(H + 2·padding − k) / stride + 1`. `reflect` pads by reflection
/// instead of zeros. With `equalized`, weights are unit-variance and scaled by `1/√(in·k·k)`.
public final class Conv2d: Module {
  public let weight: Tensor
  public let bias: Tensor?
  public let options: Conv2dOptions
  public let reflect: Bool
  public let scale: Float

  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
    bias: Bool = true, reflect: Bool = false, equalized: Bool = false, rng: inout SplitMix64
  ) {
    let fanIn = inChannels * kernel * kernel
    if equalized {
      weight = parameter(Init.normal([outChannels, inChannels, kernel, kernel], std: 1, rng: &rng))
      scale = 1 / Float(fanIn).squareRoot()
    } else {
      weight = parameter(
        Init.torchDefault([outChannels, inChannels, kernel, kernel], fanIn: fanIn, rng: &rng))
      scale = 1
    }
    self.bias = bias ? parameter(Tensor(zeros: [outChannels])) : nil
    self.reflect = reflect
    options = Conv2dOptions(stride: stride, padding: reflect ? 0 : padding)
    reflectPadding = reflect ? padding : 0
  }

  private let reflectPadding: Int

  /// Applies the convolution to `[N, in, H, W]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    let input = reflectPadding > 0 ? x.padded2d(reflectPadding, reflect: true) : x
    let w = scale == 1 ? weight : weight * scale
    return Tensor.conv2d(input, w, bias: bias, options: options)
  }
}

/// Transposed convolution with weight `[in, out, k, k]` (PyTorch `ConvTranspose2d` layout).
///
/// Output size per axis: `(H − 1)·stride − 2·padding + k + outputPadding`.
public final class ConvTranspose2d: Module {
  public let weight: Tensor
  public let bias: Tensor?
  public let options: Conv2dOptions
  public let outputPadding: Int

  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
    outputPadding: Int = 0, bias: Bool = true, rng: inout SplitMix64
  ) {
    weight = parameter(
      Init.torchDefault(
        [inChannels, outChannels, kernel, kernel], fanIn: outChannels * kernel * kernel, rng: &rng))
    self.bias = bias ? parameter(Tensor(zeros: [outChannels])) : nil
    options = Conv2dOptions(stride: stride, padding: padding)
    self.outputPadding = outputPadding
  }

  /// Applies the transposed convolution to `[N, in, H, W]`.
  public func callAsFunction(_ x: Tensor) -> Tensor {
    Tensor.convTranspose2d(x, weight, bias: bias, options: options, outputPadding: outputPadding)
  }
}
