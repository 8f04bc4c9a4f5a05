// SARGAN-lite: the expression generator and its PatchGAN discriminator.

import NN
import Tensor

/// Expression generator: `y = tanh(G(concat(x, c))) + x`.
///
/// Input `x` `[N, 3, S, S]` in [-1, 1] and a condition `c` `[N, E]` (the target expression's
/// one-hot times its intensity; all zeros means "keep the input"). Layers: 7×7 stem → two 4×4
/// stride-2 convs → spatial-attention residual block(s) → two 4×4 stride-2 transposed convs →
/// 7×7 head → tanh, then the input is added back. Instance statistics are per image.
/// The output is not clamped (clamp only for display and saving).
///
/// With `config.skips` the decoder also reads the encoder's features at its own resolution:
/// the second upsampling takes `concat(up1 output, down1 output)` (`[N, 4d, S/2, S/2]`, weight
/// `[4d, d, 4, 4]`) and the head `concat(up2 output, stem output)` (`[N, 2d, S, S]`, weight
/// `[3, 2d, 7, 7]`), so the head can place thin lines (brows, lids, creases) where the input
/// has them instead of redrawing them from the 32×32 bottleneck.
///
/// The condition enters as constant planes concatenated to the input, as in StarGAN/SARGAN
/// (computed without materialising them, see ``stemOutput(_:condition:)``).
/// A constant plane only shifts each stem channel by a constant, which the instance norm right
/// after subtracts again: the condition survives only where the zero padding cuts into the
/// kernel, at the image border. With `config.conditionBias` it is also added as a learned
/// per-channel bias after the stem's and the bottleneck's norms (before their ReLUs), where
/// nothing removes it. Both bias maps start as standard-normal draws, on the scale of the
/// normalized features, so each expression switches a different set of units on from the first
/// step. (Started at zero they never grew: a generator blind to its target is best off
/// returning the input under the paired L1, and then the bias gets no consistent gradient.)
public final class SARGANGenerator: Module {
  public let config: SARGANConfig
  public let stem: Conv2d
  public let stemNorm: InstanceNorm2d
  public let down1: Conv2d
  public let down1Norm: InstanceNorm2d
  public let down2: Conv2d
  public let down2Norm: InstanceNorm2d
  public let blocks: [SpatialAttentionBlock]
  public let up1: ConvTranspose2d
  public let up1Norm: InstanceNorm2d
  public let up2: ConvTranspose2d
  public let up2Norm: InstanceNorm2d
  public let head: Conv2d
  /// Condition `[N, E]` → bias `[N, d]` after the stem's norm (with `conditionBias`).
  public let stemCondition: Linear?
  /// Condition `[N, E]` → bias `[N, 4d]` after the bottleneck's norm (with `conditionBias`).
  public let bottleneckCondition: Linear?

  public init(config c: SARGANConfig, seed: UInt64 = 2) {
    var rng = SplitMix64(seed: seed)
    config = c
    let d = c.generatorWidth
    stem = Conv2d(3 + c.expressionCount, d, kernel: 7, padding: 3, bias: false, rng: &rng)
    stemNorm = InstanceNorm2d(d)
    down1 = Conv2d(d, 2 * d, kernel: 4, stride: 2, padding: 1, bias: false, rng: &rng)
    down1Norm = InstanceNorm2d(2 * d)
    down2 = Conv2d(2 * d, 4 * d, kernel: 4, stride: 2, padding: 1, bias: false, rng: &rng)
    down2Norm = InstanceNorm2d(4 * d)
    blocks = (0..<c.attentionBlocks).map { _ in
      SpatialAttentionBlock(4 * d, hourglassWidth: c.hourglassWidth, rng: &rng)
    }
    up1 = ConvTranspose2d(4 * d, 2 * d, kernel: 4, stride: 2, padding: 1, bias: false, rng: &rng)
    up1Norm = InstanceNorm2d(2 * d)
    let skip = c.skips ? 2 : 1
    up2 = ConvTranspose2d(
      2 * d * skip, d, kernel: 4, stride: 2, padding: 1, bias: false, rng: &rng)
    up2Norm = InstanceNorm2d(d)
    head = Conv2d(d * skip, 3, kernel: 7, padding: 3, bias: false, rng: &rng)
    // Start near the identity map: the residual output begins as a small correction.
    head.weight.assign(head.weight * 0.1)
    if c.conditionBias {
      // No constant term, so that an all-zero condition (keep the input) adds nothing.
      let stemBias = Linear(c.expressionCount, d, bias: false, rng: &rng)
      let bottleneckBias = Linear(c.expressionCount, 4 * d, bias: false, rng: &rng)
      for p in stemBias.parameters + bottleneckBias.parameters {
        p.assign(Tensor.randomNormal(p.shape, using: &rng))
      }
      stemCondition = stemBias
      bottleneckCondition = bottleneckBias
    } else {
      stemCondition = nil
      bottleneckCondition = nil
    }
  }

  /// A generator with `blocks` attention blocks that computes exactly what `source` computes.
  ///
  /// Every parameter of `source` is copied; its blocks become the last ones, so the attention
  /// mask of the last block keeps its meaning, and the new blocks in front start as identity
  /// maps: the instance-norm scale and shift after their second conv are zero, so h = 0 and the
  /// block returns its input. Training then grows them from there (warm-starting a deeper
  /// network from trained weights without losing what they do).
  public convenience init(growing source: SARGANGenerator, blocks: Int, seed: UInt64 = 2) {
    var config = source.config
    config.attentionBlocks = blocks
    self.init(growing: source, to: config, seed: seed)
  }

  /// A generator with `config`'s attention blocks and skips that computes exactly what `source`
  /// computes.
  ///
  /// New attention blocks are added as in ``init(growing:blocks:seed:)``. Skips added to a
  /// generator without them get zero weights: the input channels of `up2` and `head` that read
  /// the encoder's features start at zero, so the output is unchanged until training grows them.
  /// Every other setting of `config` must equal the source's.
  public convenience init(
    growing source: SARGANGenerator, to config: SARGANConfig, seed: UInt64 = 2
  ) {
    let blocks = config.attentionBlocks
    precondition(
      blocks >= source.config.attentionBlocks,
      "cannot shrink \(source.config.attentionBlocks) attention blocks to \(blocks)")
    precondition(config.skips || !source.config.skips, "cannot remove the skips")
    var same = config
    same.attentionBlocks = source.config.attentionBlocks
    same.skips = source.config.skips
    precondition(same == source.config, "growing changes only the blocks and the skips")
    self.init(config: config, seed: seed)
    let added = blocks - source.config.attentionBlocks
    var loaded: [String: Tensor] = [:]
    for (name, p) in source.namedParameters {
      loaded[Self.blockShifted(name, by: added)] = p
    }
    for (name, p) in namedParameters {
      guard let w = loaded[name] else { continue }
      if w.shape == p.shape {
        p.assign(w)
      } else {
        // A skip's input channels follow the source's along axis 1 of the head's weight
        // [out, in, kh, kw] and axis 0 of up2's [in, out, kh, kw]; they start at zero.
        let axis = name.hasPrefix("up2.") ? 0 : 1
        precondition(
          name == "up2.weight" || name == "head.weight",
          "unexpected shape change of \(name): \(w.shape) → \(p.shape)")
        var zeroShape = w.shape
        zeroShape[axis] = p.shape[axis] - w.shape[axis]
        p.assign(Tensor.concat([w, Tensor(zeros: zeroShape)], axis: axis))
      }
    }
    for b in self.blocks.prefix(added) {
      for p in [b.conv2.norm.weight, b.conv2.norm.bias].compactMap({ $0 }) {
        p.assign(Tensor(zeros: p.shape))
      }
    }
  }

  /// `name` with its `blocks.i.` prefix renumbered to `blocks.(i + offset).`.
  private static func blockShifted(_ name: String, by offset: Int) -> String {
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count > 2, parts[0] == "blocks", let i = Int(parts[1]) else { return name }
    return (["blocks", String(i + offset)] + parts.dropFirst(2).map(String.init))
      .joined(separator: ".")
  }

  /// The edited image and the attention mask of the last block.
  public func callAsFunction(_ x: Tensor, condition c: Tensor) -> (image: Tensor, mask: Tensor) {
    let n = x.shape[0]
    var h = stemNorm(stemOutput(x, condition: c))
    if let bias = stemCondition { h = h + bias(c).reshaped([n, -1, 1, 1]) }
    let full = h.relu()
    let half = down1Norm(down1(full)).relu()
    h = down2Norm(down2(half))
    if let bias = bottleneckCondition { h = h + bias(c).reshaped([n, -1, 1, 1]) }
    h = h.relu()
    var mask = Tensor(zeros: [n, 1, h.shape[2], h.shape[3]])
    for b in blocks { (h, mask) = b(h) }
    h = up1Norm(up1(h)).relu()
    if config.skips { h = Tensor.concat([h, half], axis: 1) }
    h = up2Norm(up2(h)).relu()
    if config.skips { h = Tensor.concat([h, full], axis: 1) }
    return (head(h).tanh() + x, mask)
  }

  /// The stem applied to `concat(x, planes)`, where `planes` are the condition's constant planes,
  /// without building the planes: `[N, d, H, W]`.
  ///
  /// A constant plane convolved with a zero-padded k×k kernel takes one value per pair (row
  /// kind, column kind), a row being one of the p = k/2 rows nearest the top or the bottom edge,
  /// or an interior row (likewise for columns). So the condition's share is the convolution of a
  /// (2p+1)² canvas of ones, mixed by `c` and stretched to H×W by repeating its middle row and
  /// column, and only the three image channels go through im2col (the 7×7 stem's column matrix
  /// shrinks from (3+E)·49 to 3·49 rows). Equal to the plain convolution up to float rounding;
  /// the twin fixture checks it against PyTorch's convolution of the concatenated input.
  public func stemOutput(_ x: Tensor, condition c: Tensor) -> Tensor {
    let (n, channels, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let e = c.shape[1]
    let weight = stem.weight
    let (d, k) = (weight.shape[0], weight.shape[2])
    let p = k / 2
    let side = 2 * p + 1
    precondition(
      channels + e == weight.shape[1],
      "stem expects \(weight.shape[1]) input channels, got \(channels) + \(e) condition planes")
    precondition(
      stem.bias == nil && !stem.reflect && stem.scale == 1 && k % 2 == 1
        && weight.shape[3] == k && stem.options == Conv2dOptions(padding: p),
      "stemOutput needs a bias-free, zero-padded 'same' stem with an odd square kernel")
    guard h >= side, w >= side else {
      let planes = c.reshaped([n, e, 1, 1]).expanded(to: [n, e, h, w])
      return stem(Tensor.concat([x, planes], axis: 1))
    }
    let options = Conv2dOptions(padding: p)
    let image = Tensor.conv2d(
      x, weight.slice(axis: 1, start: 0, length: channels), options: options)
    let kernels = weight.slice(axis: 1, start: channels, length: e).permuted([1, 0, 2, 3])
      .reshaped([e * d, 1, k, k])
    let table = Tensor.conv2d(
      Tensor(repeating: 1, shape: [1, 1, side, side]), kernels, options: options)
    let mixed = Tensor.matmul(c, table.reshaped([e, d * side * side]))
      .reshaped([n, d, side, side])
    return image + Self.stretched(Self.stretched(mixed, axis: 2, to: h), axis: 3, to: w)
  }

  /// `t` with its middle index along `axis` repeated until that axis has `size` entries (the
  /// axis has odd length 2p+1: p entries, the middle one, p entries).
  private static func stretched(_ t: Tensor, axis: Int, to size: Int) -> Tensor {
    let p = t.shape[axis] / 2
    precondition(t.shape[axis] % 2 == 1 && size >= t.shape[axis], "cannot stretch \(t.shape)")
    var shape = t.shape
    shape[axis] = size - 2 * p
    return Tensor.concat(
      [
        t.slice(axis: axis, start: 0, length: p),
        t.slice(axis: axis, start: p, length: 1).expanded(to: shape),
        t.slice(axis: axis, start: p + 1, length: p),
      ], axis: axis)
  }
}

/// PatchGAN discriminator with an expression-classification head.
///
/// Stride-2 4×4 convs with bias and leaky ReLU (`discriminatorSlope`), widths doubling from
/// `discriminatorWidth`
/// up to the cap; then a 3×3 conv to a patch map of realness scores `[N, 1, s, s]` and a conv
/// covering the remaining map to expression logits `[N, E]`.
public final class SARGANDiscriminator: Module {
  public let layers: [Conv2d]
  public let source: Conv2d
  public let classifier: Conv2d
  /// Leaky ReLU slope.
  public let slope: Float

  public init(config c: SARGANConfig, seed: UInt64 = 3) {
    slope = c.discriminatorSlope
    var rng = SplitMix64(seed: seed)
    var convs: [Conv2d] = []
    var inC = 3
    var width = c.discriminatorWidth
    for _ in 0..<c.discriminatorLayers {
      convs.append(Conv2d(inC, width, kernel: 4, stride: 2, padding: 1, rng: &rng))
      inC = width
      width = min(width * 2, c.discriminatorMaxWidth)
    }
    layers = convs
    source = Conv2d(inC, 1, kernel: 3, padding: 1, bias: false, rng: &rng)
    let final = c.imageSize >> c.discriminatorLayers
    classifier = Conv2d(inC, c.expressionCount, kernel: final, bias: false, rng: &rng)
  }

  /// Patch scores `[N, 1, s, s]` and class logits `[N, E]`.
  public func callAsFunction(_ x: Tensor) -> (source: Tensor, logits: Tensor) {
    var h = x
    for l in layers { h = l(h).leakyRelu(slope) }
    let logits = classifier(h)
    return (source(h), logits.reshaped([x.shape[0], -1]))
  }
}
