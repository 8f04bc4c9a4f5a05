// StyleGAN2-style convolution building blocks used by the S2FGAN encoders and discriminator.

import NN
import Tensor

/// Leaky ReLU with slope 0.2 followed by a √2 gain (StyleGAN2's fused activation, without its
/// bias, which the preceding layer already adds).
@inline(__always) func scaledLeakyRelu(_ x: Tensor) -> Tensor {
  x.leakyRelu(0.2, gain: Float(2).squareRoot())
}

/// Optional blur-and-stride-2 downsampling, an equalized convolution, then the scaled leaky ReLU.
///
/// Input `[N, in, H, W]`; output `[N, out, H, W]` or `[N, out, H/2, W/2]` with `downsample`.
public final class ConvLayer: Module {
  public let conv: Conv2d
  let downsample: Bool
  let activate: Bool

  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, downsample: Bool = false,
    activate: Bool = true, bias: Bool = true, rng: inout SplitMix64
  ) {
    self.downsample = downsample
    self.activate = activate
    conv = Conv2d(
      inChannels, outChannels, kernel: kernel, stride: downsample ? 2 : 1,
      padding: downsample ? 0 : kernel / 2, bias: bias, equalized: true, rng: &rng)
  }

  public func callAsFunction(_ x: Tensor) -> Tensor {
    var h = x
    if downsample {
      // Pad so that blur + stride-2 conv halves the size exactly (k=3: pad 2/2, k=1: 1/1).
      let k = conv.weight.shape[2]
      let p = (4 - 2) + (k - 1)
      h = h.blur(padLow: (p + 1) / 2, padHigh: p / 2)
    }
    h = conv(h)
    return activate ? scaledLeakyRelu(h) : h
  }
}

/// A residual block: two convolutions (the second downsampling) plus a 1×1 skip, summed and divided by √2.
///
/// Input `[N, in, H, W]`, output `[N, out, H/2, W/2]`.
public final class ResBlockDown: Module {
  public let conv1: ConvLayer
  public let conv2: ConvLayer
  public let skip: ConvLayer

  public init(_ inChannels: Int, _ outChannels: Int, rng: inout SplitMix64) {
    conv1 = ConvLayer(inChannels, inChannels, kernel: 3, rng: &rng)
    conv2 = ConvLayer(inChannels, outChannels, kernel: 3, downsample: true, rng: &rng)
    skip = ConvLayer(
      inChannels, outChannels, kernel: 1, downsample: true, activate: false, bias: false, rng: &rng)
  }

  public func callAsFunction(_ x: Tensor) -> Tensor {
    Tensor.scaledSum(conv2(conv1(x)), skip(x), scale: 1 / Float(2).squareRoot())
  }
}

/// x / √(mean(x², dim 1) + 1e-8) for `[N, D]`.
public func pixelNorm(_ x: Tensor) -> Tensor {
  x * (x.squared().mean(axes: [1], keepDims: true) + 1e-8).rsqrt()
}
