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

  /// The 128×128 lite configuration (d = 32).
  public static func lite(expressions: Int) -> SARGANConfig {
    SARGANConfig(
      imageSize: 128, expressionCount: expressions, generatorWidth: 32, hourglassWidth: 32,
      attentionBlocks: 1, discriminatorWidth: 32, discriminatorLayers: 6,
      discriminatorMaxWidth: 512)
  }

  /// A tiny configuration for tests (32×32).
  public static func tiny(expressions: Int) -> SARGANConfig {
    SARGANConfig(
      imageSize: 32, expressionCount: expressions, generatorWidth: 4, hourglassWidth: 4,
      attentionBlocks: 1, discriminatorWidth: 4, discriminatorLayers: 4, discriminatorMaxWidth: 16)
  }
}
