// The ResNet encoder with per-scale pooled heads that maps an image or sketch to a latent.

import NN
import Tensor

/// Maps `[N, inChannels, S, S]` to a latent `[N, latentWidth]`.
///
/// A 1×1 stem, then residual downsampling stages to 4×4. After each stage a head average-pools
/// the features to 2×2 and maps them through two equalized linear layers (learning-rate
/// multiplier 0.01); the heads' mean is pixel-normalized and refined by a two-layer MLP into the
/// global latent `[N, latentDim]`. With a layout latent, a 1×1 conv maps the features of the
/// stage at `layoutSize`² (the last stage's 4×4 by default) to `layoutChannels` maps, flattened
/// (channel-major) after the global part.
public final class LatentEncoder: Module {
  public let stem: ConvLayer
  public let blocks: [ResBlockDown]
  public let heads: [EncoderHead]
  public let mlp1: Linear
  public let mlp2: Linear
  /// The 1×1 layout conv `[layoutChannels, stageWidth, 1, 1]`, nil without a layout latent.
  public let layout: ConvLayer?
  /// The stage (1 = the first block) whose output feeds the layout conv.
  let layoutStage: Int

  public init(inChannels: Int, config c: S2FConfig, rng: inout SplitMix64) {
    let ch = c.encoderChannels
    stem = ConvLayer(inChannels, ch[0], kernel: 1, rng: &rng)
    var blocks: [ResBlockDown] = []
    var heads: [EncoderHead] = []
    for i in 1..<ch.count {
      blocks.append(ResBlockDown(ch[i - 1], ch[i], rng: &rng))
      heads.append(EncoderHead(channels: ch[i], latentDim: c.latentDim, rng: &rng))
    }
    self.blocks = blocks
    self.heads = heads
    mlp1 = Linear(c.latentDim, c.latentDim, equalized: true, lrMul: 0.01, rng: &rng)
    mlp2 = Linear(c.latentDim, c.latentDim, equalized: true, lrMul: 0.01, rng: &rng)
    precondition(c.layoutChannels == 0 || c.layoutSizeIsValid, "layout size \(c.layoutSize)")
    layoutStage = c.layoutChannels > 0 ? c.layoutStage : 0
    layout =
      c.layoutChannels > 0
      ? ConvLayer(ch[layoutStage], c.layoutChannels, kernel: 1, activate: false, rng: &rng)
      : nil
  }

  public func callAsFunction(_ x: Tensor) -> Tensor {
    var h = stem(x)
    var sum: Tensor?
    var stageFeatures = h
    for (i, (block, head)) in zip(blocks, heads).enumerated() {
      h = block(h)
      if i + 1 == layoutStage { stageFeatures = h }
      let z = head(h)
      sum = sum.map { $0 + z } ?? z
    }
    let mean = sum! * (1 / Float(heads.count))
    let global = mlp2(scaledLeakyRelu(mlp1(pixelNorm(mean))))
    guard let layout else { return global }
    return Tensor.concat([global, layout(stageFeatures).reshaped([h.shape[0], -1])], axis: 1)
  }
}

/// Pools a feature map to 2×2 (1×1 below 2×2) and maps it to the latent size.
public final class EncoderHead: Module {
  public let fc1: Linear
  public let fc2: Linear

  public init(channels: Int, latentDim: Int, rng: inout SplitMix64) {
    fc1 = Linear(channels * 4, latentDim, equalized: true, lrMul: 0.01, rng: &rng)
    fc2 = Linear(latentDim, latentDim, equalized: true, lrMul: 0.01, rng: &rng)
  }

  public func callAsFunction(_ h: Tensor) -> Tensor {
    let n = h.shape[0]
    let pooled = h.avgPool2d(h.shape[2] / 2).reshaped([n, -1])
    return scaledLeakyRelu(fc2(scaledLeakyRelu(fc1(pooled))))
  }
}
