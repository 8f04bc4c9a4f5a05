// The ResNet image discriminator, which also provides features for the matching loss.

import NN
import Tensor

/// Scores `[N, 3, S, S]` images as real or fake: a 1×1 stem, residual downsampling stages to
/// 4×4, then two equalized linear layers to one logit per image.
public final class ImageDiscriminator: Module {
  public let stem: ConvLayer
  public let blocks: [ResBlockDown]
  public let fc1: Linear
  public let fc2: Linear

  public init(config c: S2FConfig, rng: inout SplitMix64) {
    let ch = c.discriminatorChannels
    stem = ConvLayer(3, ch[0], kernel: 1, rng: &rng)
    blocks = (1..<ch.count).map { ResBlockDown(ch[$0 - 1], ch[$0], rng: &rng) }
    fc1 = Linear(ch.last! * 16, ch.last!, equalized: true, rng: &rng)
    fc2 = Linear(ch.last!, 1, equalized: true, rng: &rng)
  }

  /// Logits `[N, 1]` and the intermediate feature maps (for feature matching).
  public func callAsFunction(_ x: Tensor) -> (logits: Tensor, features: [Tensor]) {
    var h = stem(x)
    var feats: [Tensor] = []
    for b in blocks {
      h = b(h)
      feats.append(h)
    }
    let n = x.shape[0]
    return (fc2(scaledLeakyRelu(fc1(h.reshaped([n, -1])))), feats)
  }
}

/// Tells image latents from sketch latents behind a gradient-reversal layer, pushing the sketch
/// encoder toward the image encoder's latent distribution.
public final class LatentDiscriminator: Module {
  public let fc1: Linear
  public let fc2: Linear

  public init(latentDim: Int, rng: inout SplitMix64) {
    fc1 = Linear(latentDim, latentDim, rng: &rng)
    fc2 = Linear(latentDim, 1, rng: &rng)
  }

  /// Logits `[N, 1]`; gradients into `r` are reversed.
  public func callAsFunction(_ r: Tensor) -> Tensor {
    fc2(fc1(r.gradientReversed()).relu())
  }
}
