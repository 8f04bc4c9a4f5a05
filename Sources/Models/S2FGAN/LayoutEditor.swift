// Edits of the layout maps: attributes that the spatial latent carries.

import NN
import Tensor

/// Moves the layout maps by attribute amounts: `layout' = layout + Σ_j a_j·D_j(layout)`.
///
/// Layout maps `[N, C, S, S]`, amounts `[N, A]`. `D` is three 3×3 convolutions (C → W → W →
/// C·A, leaky ReLU 0.2 between), one offset field per attribute, weighted by its amount: the
/// move is exactly zero when every amount is zero and linear in the amounts (a slider moves
/// the maps along a direction that depends on the face). The last convolution starts at zero,
/// so a new editor changes nothing until it is trained.
///
/// Why: with a layout latent, the attributes live in the layout maps. Decoding the photo
/// encoder's latent of an edited render flips the attribute for 73% of the test faces on
/// average, but its global part alone, with the photo's layout, only 13.5% (32×32 maps at 1,279
/// steps). Moves of the global latent alone therefore hardly change the face.
public final class LayoutEditor: Module {
  public let conv1: Conv2d
  public let conv2: Conv2d
  public let conv3: Conv2d
  let attributes: Int

  public init(config c: S2FConfig, rng: inout SplitMix64) {
    let (ch, w) = (c.layoutChannels, c.layoutEditWidth)
    attributes = c.attributeCount
    conv1 = Conv2d(ch, w, kernel: 3, padding: 1, rng: &rng)
    conv2 = Conv2d(w, w, kernel: 3, padding: 1, rng: &rng)
    conv3 = Conv2d(w, ch * c.attributeCount, kernel: 3, padding: 1, rng: &rng)
    for p in conv3.parameters { p.assign(Tensor(zeros: p.shape)) }
  }

  /// The moved maps `[N, C, S, S]`.
  public func callAsFunction(_ maps: Tensor, amounts a: Tensor) -> Tensor {
    let n = maps.shape[0]
    let fields = conv3(conv2(conv1(maps).leakyRelu(0.2)).leakyRelu(0.2))
      .reshaped([n, attributes, -1])
    let move = Tensor.bmm(a.reshaped([n, 1, attributes]), fields)
    return maps + move.reshaped(maps.shape)
  }
}
