// SARGAN's spatial-attention residual block and its hourglass mask network.

import NN
import Tensor

/// Reflection-padded conv → instance norm → optional ReLU, with optional stride-2 downsampling
/// or nearest ×2 upsampling before the conv.
public final class NormConv: Module {
  public let conv: Conv2d
  public let norm: InstanceNorm2d
  let relu: Bool
  let upsample: Bool

  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int = 3, stride: Int = 1, upsample: Bool = false,
    relu: Bool = true, rng: inout SplitMix64
  ) {
    conv = Conv2d(
      inChannels, outChannels, kernel: kernel, stride: stride, padding: kernel / 2, bias: false,
      reflect: true, rng: &rng)
    norm = InstanceNorm2d(outChannels)
    self.relu = relu
    self.upsample = upsample
  }

  public func callAsFunction(_ x: Tensor) -> Tensor {
    let h = norm(conv(upsample ? x.upsampled(2) : x))
    return relu ? h.relu() : h
  }
}

/// The hourglass (depth 2) that produces a one-channel attention mask in (0, 1).
///
/// HG₂(h) = up1(h) + up(HG₁(down(h))), HG₁(z) = up1(z) + up(mid(down(z))); the mask is
/// sigmoid(conv3×3(HG₂(h))) with shape `[N, 1, H, W]`.
public final class Hourglass: Module {
  public let up1Outer: NormConv
  public let downOuter: NormConv
  public let upOuter: NormConv
  public let up1Inner: NormConv
  public let downInner: NormConv
  public let midInner: NormConv
  public let upInner: NormConv
  public let mask: Conv2d

  public init(_ channels: Int, width: Int, rng: inout SplitMix64) {
    up1Outer = NormConv(channels, width, rng: &rng)
    downOuter = NormConv(channels, width, stride: 2, rng: &rng)
    upOuter = NormConv(width, width, upsample: true, rng: &rng)
    up1Inner = NormConv(width, width, rng: &rng)
    downInner = NormConv(width, width, stride: 2, rng: &rng)
    midInner = NormConv(width, width, rng: &rng)
    upInner = NormConv(width, width, upsample: true, rng: &rng)
    mask = Conv2d(width, 1, kernel: 3, padding: 1, rng: &rng)
  }

  public func callAsFunction(_ h: Tensor) -> Tensor {
    let low = downOuter(h)
    let inner = up1Inner(low) + upInner(midInner(downInner(low)))
    let outer = up1Outer(h) + upOuter(inner)
    return mask(outer).sigmoid()
  }
}

/// out = x + h ⊙ A(h), with h = IN(conv(ReLU(IN(conv(x))))) and A the hourglass mask.
public final class SpatialAttentionBlock: Module {
  public let conv1: NormConv
  public let conv2: NormConv
  public let attention: Hourglass

  public init(_ channels: Int, hourglassWidth: Int, rng: inout SplitMix64) {
    conv1 = NormConv(channels, channels, rng: &rng)
    conv2 = NormConv(channels, channels, relu: false, rng: &rng)
    attention = Hourglass(channels, width: hourglassWidth, rng: &rng)
  }

  /// The block output and its attention mask `[N, 1, H, W]`.
  public func callAsFunction(_ x: Tensor) -> (Tensor, Tensor) {
    let h = conv2(conv1(x))
    let a = attention(h)
    return (x + h * a, a)
  }
}
