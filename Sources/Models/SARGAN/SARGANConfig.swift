// Sizes of the SARGAN-lite networks.

/// Widths of SARGAN-lite; stored in checkpoint metadata.
public struct SARGANConfig: Sendable, Equatable, Codable {
  /// Image side in pixels.
  public var imageSize: Int
  /// Number of expressions (label planes).
  public var expressionCount: Int
  /// Generator stem width d (bottleneck 4d).
  public var generatorWidth: Int
  /// Hourglass width inside the attention block.
  public var hourglassWidth: Int
  /// Number of spatial-attention residual blocks.
  public var attentionBlocks: Int
  /// Discriminator stem width.
  public var discriminatorWidth: Int
  /// Discriminator stride-2 layers.
  public var discriminatorLayers: Int
  /// Cap on discriminator channels.
  public var discriminatorMaxWidth: Int
  /// Whether the condition also enters as a per-channel bias after the stem's and the
  /// bottleneck's instance norms (see ``SARGANGenerator``); files written before this field
  /// existed decode with false.
  public var conditionBias: Bool = false
  /// Leaky ReLU slope of the discriminator (StarGAN and SARGAN use 0.01).
  ///
  /// Trained alone to classify expressions on 128×128 renders, the discriminator with 0.01
  /// stayed at the label prior for 400 steps (cross-entropy 1.69) while 0.2 had begun to learn
  /// (1.38). Files without the key decode with 0.01.
  public var discriminatorSlope: Float = 0.01
  /// Whether the decoder also reads the encoder's features at its own resolution (U-Net skips).
  ///
  /// The second upsampling reads the first downsampling's output beside the first
  /// upsampling's, and the head reads the stem's output beside the second upsampling's (see
  /// ``SARGANGenerator``). Files without the key decode with false.
  public var skips: Bool = false

  /// The 128×128 lite configuration (d = 32).
  public static func lite(expressions: Int) -> SARGANConfig {
    SARGANConfig(
      imageSize: 128, expressionCount: expressions, generatorWidth: 32, hourglassWidth: 32,
      attentionBlocks: 1, discriminatorWidth: 32, discriminatorLayers: 6,
      discriminatorMaxWidth: 512, conditionBias: true, discriminatorSlope: 0.2)
  }

  /// A tiny configuration for tests (32×32).
  public static func tiny(expressions: Int) -> SARGANConfig {
    SARGANConfig(
      imageSize: 32, expressionCount: expressions, generatorWidth: 4, hourglassWidth: 4,
      attentionBlocks: 1, discriminatorWidth: 4, discriminatorLayers: 4, discriminatorMaxWidth: 16,
      conditionBias: true, discriminatorSlope: 0.2)
  }
}

extension SARGANConfig {
  private enum CodingKeys: String, CodingKey {
    case imageSize, expressionCount, generatorWidth, hourglassWidth, attentionBlocks
    case discriminatorWidth, discriminatorLayers, discriminatorMaxWidth, conditionBias
    case discriminatorSlope, skips
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    imageSize = try c.decode(Int.self, forKey: .imageSize)
    expressionCount = try c.decode(Int.self, forKey: .expressionCount)
    generatorWidth = try c.decode(Int.self, forKey: .generatorWidth)
    hourglassWidth = try c.decode(Int.self, forKey: .hourglassWidth)
    attentionBlocks = try c.decode(Int.self, forKey: .attentionBlocks)
    discriminatorWidth = try c.decode(Int.self, forKey: .discriminatorWidth)
    discriminatorLayers = try c.decode(Int.self, forKey: .discriminatorLayers)
    discriminatorMaxWidth = try c.decode(Int.self, forKey: .discriminatorMaxWidth)
    conditionBias = try c.decodeIfPresent(Bool.self, forKey: .conditionBias) ?? false
    discriminatorSlope = try c.decodeIfPresent(Float.self, forKey: .discriminatorSlope) ?? 0.01
    skips = try c.decodeIfPresent(Bool.self, forKey: .skips) ?? false
  }
}
