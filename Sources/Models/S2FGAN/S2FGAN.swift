// The S2FGAN-lite model: what the editor needs to go from a sketch or photo to an edited face.

import NN
import Tensor

/// Which attribute module edits the latent.
public enum EditVariant: String, Sendable, CaseIterable, Codable {
  /// S2F-DIS: r' = r + Σ a_j w_j along unit directions.
  case dis
  /// S2F-DEC: r' = r + M(r, a) from the decomposition network.
  case dec
}

/// Encoders, decoder and both attribute modules of S2FGAN-lite.
///
/// Layouts: photos `[N, 3, S, S]` in [-1, 1]; sketches `[N, 1, S, S]` with strokes 1 and paper 0;
/// latents `[N, latentWidth]`: the global latent `[N, latentDim]`, then (with a layout latent)
/// the flattened 4×4 layout maps; attribute values `[N, A]` in [-1, 1] (−1 absent, +1 present).
/// Scores use the global part only; an edit carries the layout over unchanged, or moves it with
/// the layout editor when the config has one.
public final class S2FGAN: Module {
  public let config: S2FConfig
  public let imageEncoder: LatentEncoder
  public let sketchEncoder: LatentEncoder
  public let decoder: StyleDecoder
  public let directions: AttributeDirections
  public let decomposer: AttributeDecomposer
  /// Moves the layout maps in edits (with `config.layoutEditWidth` and a layout latent).
  public let layoutEditor: LayoutEditor?

  public init(config: S2FConfig, seed: UInt64 = 1) {
    var rng = SplitMix64(seed: seed)
    self.config = config
    imageEncoder = LatentEncoder(inChannels: 3, config: config, rng: &rng)
    sketchEncoder = LatentEncoder(inChannels: 1, config: config, rng: &rng)
    decoder = StyleDecoder(config: config, rng: &rng)
    directions = AttributeDirections(
      latentDim: config.latentDim, attributes: config.attributeCount, rng: &rng)
    decomposer = AttributeDecomposer(config: config, rng: &rng)
    // Last, so that every other module draws the same initial weights with or without it.
    layoutEditor =
      config.layoutEditWidth > 0 && config.layoutChannels > 0
      ? LayoutEditor(config: config, rng: &rng) : nil
  }

  /// Latent of photos.
  public func encode(photo x: Tensor) -> Tensor { imageEncoder(x) }
  /// Latent of sketches (standardised per image first when the config asks for it).
  public func encode(sketch s: Tensor) -> Tensor {
    guard config.standardizeSketch else { return sketchEncoder(s) }
    return sketchEncoder(s.reshaped([s.shape[0], -1]).normalizedRows(eps: 1e-4).reshaped(s.shape))
  }
  /// The global part `[N, latentDim]` of latents (all of them without a layout latent).
  public func global(_ r: Tensor) -> Tensor {
    r.shape[1] == config.latentDim ? r : r.slice(axis: 1, start: 0, length: config.latentDim)
  }
  /// The flattened layout maps `[N, C·S·S]` of latents (empty without a layout latent).
  public func layout(_ r: Tensor) -> Tensor {
    r.slice(axis: 1, start: config.latentDim, length: r.shape[1] - config.latentDim)
  }

  /// Attribute scores (estimated values in [-1, 1]) of latents.
  public func scores(_ r: Tensor) -> Tensor { directions.scores(global(r)) }

  /// Moves latents by attribute amounts `a` `[N, A]` with the chosen module; with a layout
  /// editor the layout maps move too.
  ///
  /// `calibrated` multiplies the editor's amounts by `config.layoutEditGains` (the slider path);
  /// training uses the raw amounts.
  public func edit(
    _ r: Tensor, amounts a: Tensor, variant: EditVariant, calibrated: Bool = false
  ) -> Tensor {
    let g = global(r)
    let moved: Tensor
    switch variant {
    case .dis: moved = directions.edit(g, amounts: a)
    case .dec: moved = decomposer(g, amounts: a)
    }
    guard r.shape[1] > config.latentDim else { return moved }
    var layout = self.layout(r)
    if let layoutEditor {
      let s = config.layoutSize
      let maps = layout.reshaped([r.shape[0], config.layoutChannels, s, s])
      var la = a
      if calibrated, let gains = config.layoutEditGains, gains.count == config.attributeCount {
        la = a * Tensor(gains, shape: [1, config.attributeCount])
      }
      layout = layoutEditor(maps, amounts: la).reshaped([r.shape[0], -1])
    }
    return Tensor.concat([moved, layout], axis: 1)
  }

  /// Moves latents so that the attributes in `targets` reach the given values (others kept).
  ///
  /// `targets[j]` is nil to leave attribute j alone. The amount is `target − score(r)`; the
  /// layout editor's amounts are calibrated (see `S2FConfig.layoutEditGains`).
  public func edit(_ r: Tensor, targets: [Float?], variant: EditVariant) -> Tensor {
    let s = scores(r).detached()
    let n = r.shape[0]
    let a = config.attributeCount
    var amounts = [Float](repeating: 0, count: n * a)
    for i in 0..<n {
      for j in 0..<a {
        if let t = targets[j] { amounts[i * a + j] = t - s.scalars[i * a + j] }
      }
    }
    return edit(r, amounts: Tensor(amounts, shape: [n, a]), variant: variant, calibrated: true)
  }

  /// Decodes latents to images in roughly [-1, 1].
  public func decode(_ r: Tensor) -> Tensor { decoder(r) }
}
