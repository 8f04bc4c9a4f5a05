// The StyleGAN2-like decoder: learned constant, modulated convolutions, ToRGB skips, no noise.

import NN
import Tensor

/// Maps a latent `[N, latentWidth]` to an RGB image `[N, 3, S, S]` (linear output, images live
/// in [-1, 1]).
///
/// One global latent `[N, latentDim]` drives every layer (no W+). At 4×4: the learned constant
/// `[C0, 4, 4]`, one modulated 3×3 conv and a ToRGB. At each following resolution: an
/// upsampling modulated conv, a modulated conv, and a ToRGB (modulated 1×1 without
/// demodulation) added to the bilinearly upsampled RGB of the previous resolution. With a
/// layout latent, a 1×1 projection of the layout maps `[N, layoutChannels, L, L]` is added at
/// resolution L: to the constant at 4×4, after the upsampling conv above that.
public final class StyleDecoder: Module {
  public let constant: Tensor
  public let conv0: ModulatedConv2d
  public let rgb0: ModulatedConv2d
  public let upConvs: [ModulatedConv2d]
  public let convs: [ModulatedConv2d]
  public let rgbs: [ModulatedConv2d]
  /// The layout projection `[C_L, layoutChannels, 1, 1]`, nil without a layout latent.
  public let layout: ConvLayer?
  let latentDim: Int
  /// The resolution index (0 = 4×4) where the layout projection is added, and its side.
  let layoutLevel: Int
  let layoutSize: Int

  public init(config c: S2FConfig, rng: inout SplitMix64) {
    let ch = c.decoderChannels
    let d = c.latentDim
    latentDim = d
    constant = parameter(Init.normal([1, ch[0], 4, 4], std: 1, rng: &rng))
    conv0 = ModulatedConv2d(ch[0], ch[0], kernel: 3, styleDim: d, rng: &rng)
    rgb0 = ModulatedConv2d(ch[0], 3, kernel: 1, styleDim: d, demodulate: false, rng: &rng)
    var up: [ModulatedConv2d] = []
    var cv: [ModulatedConv2d] = []
    var rgb: [ModulatedConv2d] = []
    for i in 1..<ch.count {
      up.append(
        ModulatedConv2d(ch[i - 1], ch[i], kernel: 3, styleDim: d, upsample: true, rng: &rng))
      cv.append(ModulatedConv2d(ch[i], ch[i], kernel: 3, styleDim: d, rng: &rng))
      rgb.append(ModulatedConv2d(ch[i], 3, kernel: 1, styleDim: d, demodulate: false, rng: &rng))
    }
    upConvs = up
    convs = cv
    rgbs = rgb
    precondition(c.layoutChannels == 0 || c.layoutSizeIsValid, "layout size \(c.layoutSize)")
    layoutLevel = c.layoutChannels > 0 ? c.layoutLevel : 0
    layoutSize = c.layoutSize
    layout =
      c.layoutChannels > 0
      ? ConvLayer(c.layoutChannels, ch[layoutLevel], kernel: 1, activate: false, rng: &rng)
      : nil
  }

  public func callAsFunction(_ z: Tensor) -> Tensor {
    let n = z.shape[0]
    var h = constant.expanded(to: [n] + Array(constant.shape.dropFirst()))
    var w = z
    var projected: Tensor?
    if let layout {
      w = z.slice(axis: 1, start: 0, length: latentDim)
      let maps = z.slice(axis: 1, start: latentDim, length: z.shape[1] - latentDim)
      projected = layout(maps.reshaped([n, -1, layoutSize, layoutSize]))
    }
    if layoutLevel == 0, let projected { h = h + projected }
    h = scaledLeakyRelu(conv0(h, style: w))
    var rgb = rgb0(h, style: w)
    for i in upConvs.indices {
      h = scaledLeakyRelu(upConvs[i](h, style: w))
      if layoutLevel == i + 1, let projected { h = h + projected }
      h = scaledLeakyRelu(convs[i](h, style: w))
      let size = h.shape[2]
      rgb = rgb.resizedBilinear(height: size, width: size) + rgbs[i](h, style: w)
    }
    return rgb
  }
}
