// Sizes of the S2FGAN-lite networks.

/// Channel widths and sizes of S2FGAN-lite; stored in checkpoint metadata.
public struct S2FConfig: Sendable, Equatable, Codable {
  /// Image side in pixels (a power of two, ≥ 16).
  public var imageSize: Int
  /// Latent dimension r.
  public var latentDim: Int
  /// Number of editable attributes.
  public var attributeCount: Int
  /// Encoder widths: stem, then one per downsampling stage (down to 4×4).
  public var encoderChannels: [Int]
  /// Decoder widths at 4, 8, 16, … up to `imageSize`.
  public var decoderChannels: [Int]
  /// Discriminator widths: stem, then one per stage (down to 4×4).
  public var discriminatorChannels: [Int]
  /// Hidden width of the DEC decomposition blocks.
  public var decChannels: Int
  /// Number of DEC Modify blocks.
  public var decBlocks: Int

  /// The 128×128 "small" configuration.
  public static func small(attributes: Int) -> S2FConfig {
    S2FConfig(
      imageSize: 128, latentDim: 256, attributeCount: attributes,
      encoderChannels: [16, 32, 64, 128, 256, 256],
      decoderChannels: [256, 256, 128, 64, 32, 16],
      discriminatorChannels: [16, 32, 64, 128, 256, 256], decChannels: 32, decBlocks: 2)
  }

  /// A tiny configuration for tests (32×32).
  public static func tiny(attributes: Int) -> S2FConfig {
    S2FConfig(
      imageSize: 32, latentDim: 16, attributeCount: attributes, encoderChannels: [4, 8, 8, 8],
      decoderChannels: [8, 8, 8, 4], discriminatorChannels: [4, 8, 8, 8], decChannels: 4,
      decBlocks: 1)
  }
}
