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
  /// Channels of the spatial layout latent (0: none, the paper's design).
  ///
  /// When positive, each encoder also returns its features at `layoutSize`² mapped to this
  /// many channels, appended to the global latent as `[N, layoutChannels·layoutSize²]`, and the
  /// decoder adds their projection to its features of that size (at 4×4, to its learned
  /// constant). Edits move only the global part.
  public var layoutChannels: Int = 0
  /// Side of the layout maps: 4 (the default, the encoders' last stage) or a larger power of
  /// two up to a quarter of the image, taken from the encoder stage of that size.
  public var layoutSize: Int = 4
  /// Standardises each sketch (zero mean, unit deviation) before the sketch encoder.
  ///
  /// Sparse strokes on blank paper otherwise give features whose variation over drawings is
  /// tiny next to their mean (ink density), and the encoder settles on one latent for all.
  public var standardizeSketch: Bool = false
  /// Hidden width of the layout editor (0: none; needs a layout latent).
  ///
  /// When positive, edits also move the layout maps: `LayoutEditor` adds `Σ_j a_j·D_j(layout)`
  /// to them, so attributes that the layout carries (most of them, measured) can change.
  public var layoutEditWidth: Int = 0
  /// Per-attribute gains of the layout editor's amounts on the slider path (nil: all 1).
  ///
  /// Trained by squared error against an ambiguous target, the editor moves the maps only part
  /// of the way along the real change. `visage calibrate s2f` measures, on validation faces,
  /// how much of the encoder's move for the real change the edit covers and stores its
  /// inverse here; `S2FGAN.edit(_:targets:variant:)` applies it. Training ignores it (and a
  /// training export, whose configuration comes from its command line, drops it).
  public var layoutEditGains: [Float]? = nil

  /// Width of the whole latent: the global part plus the flattened layout.
  public var latentWidth: Int { latentDim + layoutChannels * layoutSize * layoutSize }

  public init(
    imageSize: Int, latentDim: Int, attributeCount: Int, encoderChannels: [Int],
    decoderChannels: [Int], discriminatorChannels: [Int], decChannels: Int, decBlocks: Int,
    layoutChannels: Int = 0, layoutSize: Int = 4, standardizeSketch: Bool = false,
    layoutEditWidth: Int = 0
  ) {
    self.imageSize = imageSize
    self.latentDim = latentDim
    self.attributeCount = attributeCount
    self.encoderChannels = encoderChannels
    self.decoderChannels = decoderChannels
    self.discriminatorChannels = discriminatorChannels
    self.decChannels = decChannels
    self.decBlocks = decBlocks
    self.layoutChannels = layoutChannels
    self.layoutSize = layoutSize
    self.standardizeSketch = standardizeSketch
    self.layoutEditWidth = layoutEditWidth
  }

  private enum CodingKeys: String, CodingKey {
    case imageSize, latentDim, attributeCount, encoderChannels, decoderChannels
    case discriminatorChannels, decChannels, decBlocks, layoutChannels, layoutSize
    case standardizeSketch, layoutEditWidth, layoutEditGains
  }

  /// The encoder stage (1 = the first downsampling) whose output is `layoutSize`².
  public var layoutStage: Int { log2(imageSize / layoutSize) }
  /// The decoder resolution index (0 = 4×4) of `layoutSize`.
  public var layoutLevel: Int { log2(layoutSize / 4) }

  /// Whether `layoutSize` is a power of two from 4 to a quarter of the image that the encoder
  /// and decoder both have.
  public var layoutSizeIsValid: Bool {
    layoutSize >= 4 && layoutSize & (layoutSize - 1) == 0 && layoutSize <= imageSize / 4
      && layoutStage < encoderChannels.count && layoutLevel < decoderChannels.count
  }

  private func log2(_ v: Int) -> Int { max(0, Int.bitWidth - 1 - v.leadingZeroBitCount) }

  /// Decodes a configuration; files written before the layout latent existed have none.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    imageSize = try c.decode(Int.self, forKey: .imageSize)
    latentDim = try c.decode(Int.self, forKey: .latentDim)
    attributeCount = try c.decode(Int.self, forKey: .attributeCount)
    encoderChannels = try c.decode([Int].self, forKey: .encoderChannels)
    decoderChannels = try c.decode([Int].self, forKey: .decoderChannels)
    discriminatorChannels = try c.decode([Int].self, forKey: .discriminatorChannels)
    decChannels = try c.decode(Int.self, forKey: .decChannels)
    decBlocks = try c.decode(Int.self, forKey: .decBlocks)
    layoutChannels = try c.decodeIfPresent(Int.self, forKey: .layoutChannels) ?? 0
    layoutSize = try c.decodeIfPresent(Int.self, forKey: .layoutSize) ?? 4
    standardizeSketch = try c.decodeIfPresent(Bool.self, forKey: .standardizeSketch) ?? false
    layoutEditWidth = try c.decodeIfPresent(Int.self, forKey: .layoutEditWidth) ?? 0
    layoutEditGains = try c.decodeIfPresent([Float].self, forKey: .layoutEditGains)
  }

  /// The 128×128 "small" configuration (`layoutChannels` 0 as shipped before the layout latent).
  public static func small(
    attributes: Int, layoutChannels: Int = 0, layoutSize: Int = 4, standardizeSketch: Bool = false,
    layoutEditWidth: Int = 0
  ) -> S2FConfig {
    S2FConfig(
      imageSize: 128, latentDim: 256, attributeCount: attributes,
      encoderChannels: [16, 32, 64, 128, 256, 256],
      decoderChannels: [256, 256, 128, 64, 32, 16],
      discriminatorChannels: [16, 32, 64, 128, 256, 256], decChannels: 32, decBlocks: 2,
      layoutChannels: layoutChannels, layoutSize: layoutSize, standardizeSketch: standardizeSketch,
      layoutEditWidth: layoutEditWidth)
  }

  /// A tiny configuration for tests (32×32).
  public static func tiny(
    attributes: Int, layoutChannels: Int = 0, layoutSize: Int = 4, layoutEditWidth: Int = 0
  ) -> S2FConfig {
    S2FConfig(
      imageSize: 32, latentDim: 16, attributeCount: attributes, encoderChannels: [4, 8, 8, 8],
      decoderChannels: [8, 8, 8, 4], discriminatorChannels: [4, 8, 8, 8], decChannels: 4,
      decBlocks: 1, layoutChannels: layoutChannels, layoutSize: layoutSize,
      layoutEditWidth: layoutEditWidth)
  }
}
