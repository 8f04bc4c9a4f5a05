// One training step and the state of S2FGAN-lite training (DIS backbone, then DEC).

import Foundation
import NN
import Tensor

/// Hyper-parameters of an S2FGAN run (stored in checkpoints and weight metadata).
public struct S2FOptions: Codable, Sendable, Equatable {
  public var variant: EditVariant = .dis
  /// Trains only the sketch encoder, by regression onto the photo encoder's latents of the
  /// paired renders (`visage train s2f --variant sketch`); see `trainSketchEncoder`.
  public var sketchOnly = false
  /// Trains only the layout editor on the frozen backbone (`visage train s2f --variant layout`).
  ///
  /// The edited layout maps regress onto the photo encoder's layout of the paired edited
  /// render. nil (older metadata) means false.
  public var layoutEditOnly: Bool? = nil
  /// The layout editor's learning rate (nil: ``learningRate``).
  ///
  /// The editor trains in the layout phase and, when the model has one, in every backbone step
  /// too: its edits feed the edit image and edit latent losses there, so it learns from the
  /// decoded faces and not only from a regression onto the encoder's maps.
  public var layoutEditorLearningRate: Float? = nil
  /// Share of each layout-phase batch whose editor input is the sketch encoder's latent.
  ///
  /// Those rows start from the sketch's layout maps and regress onto them plus the photo
  /// encoder's move between the render and its edited pair, so the editor also learns to move
  /// the maps a sketch gives (the photo-only editor hardly edited sketch latents). nil or 0
  /// trains on photo latents only.
  public var layoutSketchShare: Float? = nil
  /// Weight of the sketch phase's image loss: the sketch latent decoded by the frozen decoder
  /// against the paired render (0 keeps the phase a pure latent regression, which collapsed
  /// onto the mean latent).
  public var lambdaSketchPhaseImage: Float = 1
  /// Weight of the structure loss on the sketch path (0 leaves it out).
  ///
  /// `Loss.structureL1` compares per-image standardised luminance of the face decoded from the
  /// sketch latent with the paired render, in the backbone step and in the sketch phase. A line
  /// drawing fixes the layout and the shading, not the colours, light or backdrop that dominate
  /// the plain L1.
  public var lambdaSketchStructure: Float = 0
  /// Trains the backbone without the sketch path.
  ///
  /// Only the photo encoder, decoder, directions and image discriminator learn
  /// (`visage train s2f --variant dis --photo-only`); the sketch encoder and the latent
  /// discriminator keep their weights.
  public var photoOnly = false
  public var steps = 20_000
  public var batch = 4
  public var learningRate: Float = 1e-3
  public var beta1: Float = 0
  public var beta2: Float = 0.99
  public var lambdaReconstruction: Float = 2.5
  public var lambdaSketchLatent: Float = 2.5
  /// Image-space loss on the sketch path (not in the original; stops sketches collapsing).
  public var lambdaSketchImage: Float = 2.5
  /// L1 between discriminator features of fakes and reals (stands in for the VGG loss).
  public var lambdaFeatureMatching: Float = 2.5
  public var lambdaDomain: Float = 0.1
  public var lambdaAdversarial: Float = 0.5
  public var lambdaClassification: Float = 0.5
  public var lambdaOrthogonality: Float = 1
  /// L1 between the decoded edit and the rendered edit (our data has such pairs).
  public var lambdaEditImage: Float = 2.5
  /// Weight of the edit image L1 inside the pixels the attribute changes.
  ///
  /// The region is where the paired edited render differs from the photo (as SARGAN's focus
  /// term), normalised by its size, so that a beard or a pair of glasses counts as much as
  /// the rest of the face. nil (older metadata) means 0.
  public var lambdaEditFocus: Float? = nil
  /// Weight of the edit latent loss: the photo encoder's latent of the paired edited render
  /// against the edited latent.
  ///
  /// Its global part must be the photo's latent moved along the attribute's direction, and its
  /// layout maps must be the photo's. The edit image loss alone left the attributes in the
  /// layout maps (which an edit carries over), so the decoder learnt to ignore moves along the
  /// directions. nil (older metadata) means 0.
  public var lambdaEditLatent: Float? = nil
  public var lambdaEditScore: Float = 1
  public var lambdaLatentCycle: Float = 1
  /// Weight of backdrop pixels in the image losses (reconstruction, sketch, edit).
  ///
  /// Applies when the data marks the person (`FaceBatch.personMasks`); the person weighs 1. With
  /// every pixel alike the photo latents came to follow the random backdrop (87% of their
  /// variance, `visage eval latents`), which a sketch cannot predict.
  public var backdropWeight: Float = 0.25
  /// Learning-rate multiplier for the encoders' heads and MLPs (see `S2FTrainer.init`).
  public var encoderHeadBoost: Float = 100
  public var r1Gamma: Float = 1
  public var r1Every = 16
  public var emaBeta: Float = 0.998
  public var seed: UInt64 = 1

  public init() {}
}

/// Trains S2FGAN-lite.
///
/// Variant `dis` trains encoders, decoder, directions, and the image and latent discriminators;
/// variant `dec` then trains the decomposition network M on the frozen backbone.
public final class S2FTrainer {
  public let model: S2FGAN
  public let discriminator: ImageDiscriminator
  public let latentDiscriminator: LatentDiscriminator
  public let optimizerG: Adam
  public let optimizerD: Adam
  public let optimizerM: Adam
  /// The sketch phase's optimizer (β₁ 0.9: a regression, not a GAN game).
  public let optimizerS: Adam
  /// The layout editor's optimizer (nil without a layout editor).
  public let optimizerL: Adam?
  public let ema: EMA
  public var options: S2FOptions
  public private(set) var step = 0

  public init(config: S2FConfig, options: S2FOptions) {
    self.options = options
    model = S2FGAN(config: config, seed: options.seed)
    var rng = SplitMix64(seed: options.seed &+ 77)
    discriminator = ImageDiscriminator(config: config, rng: &rng)
    latentDiscriminator = LatentDiscriminator(latentDim: config.latentDim, rng: &rng)
    let gParams =
      model.imageEncoder.parameters + model.sketchEncoder.parameters + model.decoder.parameters
      + model.directions.parameters + latentDiscriminator.parameters
    optimizerG = Adam(
      parameters: gParams, learningRate: options.learningRate, beta1: options.beta1,
      beta2: options.beta2)
    // The encoders' linear heads and MLPs use StyleGAN's equalized rate with lr_mul 0.01, as in
    // the original, which makes their effective learning rate 1e-5: over the few thousand steps
    // this machine affords they barely left their random initialisation, and the sketch encoder
    // collapsed to one latent for every sketch (its input-dependent part 10× smaller than the
    // photo encoder's). Adam's step is scale-free, so multiplying their learning rate by 100
    // trains them like lr_mul 1 while the weights (and weight files) keep the original layout.
    let boosted = Set(
      [model.imageEncoder, model.sketchEncoder].flatMap { e in
        (e.heads.flatMap(\.parameters) + e.mlp1.parameters + e.mlp2.parameters)
          .map { ObjectIdentifier($0.storage) }
      })
    optimizerG.scales = gParams.map {
      boosted.contains(ObjectIdentifier($0.storage)) ? options.encoderHeadBoost : 1
    }
    let ratio = Float(options.r1Every) / Float(options.r1Every + 1)
    optimizerD = Adam(
      parameters: discriminator.parameters, learningRate: options.learningRate * ratio,
      beta1: options.beta1, beta2: Float(pow(Double(options.beta2), Double(ratio))))
    optimizerM = Adam(
      parameters: model.decomposer.parameters, learningRate: options.learningRate * 0.5,
      beta1: 0.9, beta2: 0.99)
    optimizerS = Adam(
      parameters: model.sketchEncoder.parameters, learningRate: options.learningRate, beta1: 0.9,
      beta2: 0.99)
    optimizerS.scales = model.sketchEncoder.parameters.map {
      boosted.contains(ObjectIdentifier($0.storage)) ? options.encoderHeadBoost : 1
    }
    optimizerL = model.layoutEditor.map {
      Adam(
        parameters: $0.parameters,
        learningRate: options.layoutEditorLearningRate ?? options.learningRate, beta1: 0.9,
        beta2: 0.99)
    }
    ema = EMA(parameters: model.parameters, beta: options.emaBeta)
  }

  /// The state a checkpoint holds.
  public var checkpoint: TrainingCheckpoint {
    var optimizers = [("G", optimizerG), ("D", optimizerD), ("M", optimizerM), ("S", optimizerS)]
    if let optimizerL { optimizers.append(("L", optimizerL)) }
    return TrainingCheckpoint(
      modules: [("S2F", model), ("F", discriminator), ("Q", latentDiscriminator)],
      optimizers: optimizers, emas: [("S2F", ema)], addedOptimizers: ["S", "L"])
  }

  /// Restores a checkpoint written by ``checkpoint``.
  public func resume(from path: String) throws {
    step = try checkpoint.load(path: path).step
  }

  /// Sets the step counter (when a second phase continues from a first one's weights).
  public func setStep(_ s: Int) { step = s }

  /// The model with EMA weights (for samples, evaluation and export).
  public func averagedModel() -> S2FGAN {
    let m = S2FGAN(config: model.config, seed: options.seed)
    ema.copy(into: m.parameters)
    return m
  }

  /// Runs one step of the current variant.
  public func train(_ b: FaceBatch) -> [String: Double] {
    defer { step += 1 }
    if options.sketchOnly { return trainSketchEncoder(b) }
    if options.layoutEditOnly == true { return trainLayoutEditor(b) }
    switch options.variant {
    case .dis: return trainBackbone(b)
    case .dec: return trainDecomposer(b)
    }
  }

  /// L1 between images (`[N, 3, S, S]`), backdrop pixels weighted by `backdropWeight` when a
  /// person mask (`[N, 1, S, S]`, 1 on the person) is known; a weighted mean, so its scale
  /// matches the plain L1.
  func imageL1(_ a: Tensor, _ b: Tensor, mask: Tensor?) -> Tensor {
    guard let mask, options.backdropWeight != 1 else { return Loss.l1(a, b) }
    return Loss.l1(a, b, weights: mask * (1 - options.backdropWeight) + options.backdropWeight)
  }

  /// Edit amounts that move attribute `editAttribute[i]` from its current score to its target.
  func editAmounts(_ b: FaceBatch, scores s: Tensor) -> Tensor {
    let (n, a) = (s.shape[0], s.shape[1])
    var v = [Float](repeating: 0, count: n * a)
    let sv = s.scalars
    for i in 0..<n {
      let j = b.editAttribute[i]
      v[i * a + j] = b.editTarget[i] - sv[i * a + j]
    }
    return Tensor(v, shape: [n, a])
  }

  /// The edit latent loss: mean L1 of the global parts plus mean L1 of the layout maps (when
  /// the config has them), so that the 256 global numbers weigh as much as the layout's many.
  func editLatentL1(encoded: Tensor, moved: Tensor) -> Tensor {
    let d = model.config.latentDim
    let global = Loss.l1(model.global(encoded), model.global(moved))
    guard encoded.shape[1] > d else { return global }
    let w = encoded.shape[1] - d
    return global
      + Loss.l1(
        encoded.slice(axis: 1, start: d, length: w), moved.slice(axis: 1, start: d, length: w))
  }

  func trainBackbone(_ b: FaceBatch) -> [String: Double] {
    let o = options
    let n = b.photos.shape[0]
    var logs: [String: Double] = [:]
    for m in [model, discriminator, latentDiscriminator] as [Module] { m.zeroGrad() }

    // Generator side: encoders, decoder, directions, latent discriminator.
    let editLatentWeight = b.editedPhotos == nil ? 0 : (o.lambdaEditLatent ?? 0)
    var editedLatent: Tensor? = nil
    let r: Tensor
    if editLatentWeight > 0, let edited = b.editedPhotos {
      // One encoder pass over the photos and their edited renders.
      let both = model.encode(photo: Tensor.concat([b.photos, edited], axis: 0))
      r = both.slice(axis: 0, start: 0, length: n)
      editedLatent = both.slice(axis: 0, start: n, length: n)
    } else {
      r = model.encode(photo: b.photos)
    }
    let rs = o.photoOnly ? nil : model.encode(sketch: b.sketches)
    let scores = model.scores(r)
    var latents = [r]
    var reals = [b.photos]
    var lossG = Tensor(scalar: 0)
    if let rs {
      latents.append(rs)
      reals.append(b.photos)
    }
    if let edited = b.editedPhotos {
      let amounts = editAmounts(b, scores: scores.detached())
      let moved = model.edit(r, amounts: amounts, variant: .dis)
      latents.append(moved)
      reals.append(edited)
      if let editedLatent {
        let latentLoss = editLatentL1(encoded: editedLatent, moved: moved)
        lossG = lossG + latentLoss * editLatentWeight
        logs["edit_lat"] = Double(latentLoss.item)
      }
    }
    let fakes = model.decode(Tensor.concat(latents, axis: 0))
    let real = Tensor.concat(reals, axis: 0)
    let rec = imageL1(fakes.slice(axis: 0, start: 0, length: n), b.photos, mask: b.personMasks)
    lossG = lossG + rec * o.lambdaReconstruction
    var cls = Loss.mse(scores, b.attributes)
    if let rs {
      let sketchFakes = fakes.slice(axis: 0, start: n, length: n)
      let sketchImage = imageL1(sketchFakes, b.photos, mask: b.personMasks)
      if o.lambdaSketchStructure > 0 {
        let structure = Loss.structureL1(sketchFakes, b.photos)
        lossG = lossG + structure * o.lambdaSketchStructure
        logs["sketch_struct"] = Double(structure.item)
      }
      let sketchLatent = Loss.l1(rs, r.detached())
      cls = cls + Loss.mse(model.scores(rs), b.attributes)
      let domain =
        Loss.bceWithLogits(
          latentDiscriminator(model.global(r).detached()), Tensor(repeating: 1, shape: [n, 1]))
        + Loss.bceWithLogits(latentDiscriminator(model.global(rs)), Tensor(zeros: [n, 1]))
      lossG =
        lossG + sketchImage * o.lambdaSketchImage + sketchLatent * o.lambdaSketchLatent
        + domain * o.lambdaDomain
      logs["sketch_l1"] = Double(sketchImage.item)
      logs["sketch_lat"] = Double(sketchLatent.item)
      logs["domain"] = Double(domain.item)
    }
    if let edited = b.editedPhotos {
      let start = (latents.count - 1) * n
      let edit = imageL1(
        fakes.slice(axis: 0, start: start, length: n), edited, mask: b.editedPersonMasks)
      lossG = lossG + edit * o.lambdaEditImage
      logs["edit_l1"] = Double(edit.item)
      if let focus = o.lambdaEditFocus, focus > 0 {
        let region = ChangedRegion.mask(from: b.photos, to: edited, threshold: 0.02)
        if region.sum().item > 0 {
          let inside = Loss.l1(
            fakes.slice(axis: 0, start: start, length: n), edited, weights: region)
          lossG = lossG + inside * focus
          logs["edit_focus"] = Double(inside.item)
        }
      }
    }
    let ortho = model.directions.orthogonalityLoss()
    let (fakeLogits, fakeFeatures) = discriminator(fakes)
    let realFeatures = withNoGrad { discriminator(real).features }
    var fm = Tensor(scalar: 0)
    for (f, r) in zip(fakeFeatures, realFeatures) { fm = fm + Loss.l1(f, r) }
    fm = fm * (1 / Float(fakeFeatures.count))
    let adv = Loss.nonSaturatingGenerator(fake: fakeLogits)
    lossG =
      lossG + cls * o.lambdaClassification + ortho * o.lambdaOrthogonality
      + fm * o.lambdaFeatureMatching + adv * o.lambdaAdversarial
    // The layout editor (if any) moves the edited latent's maps: it trains with the rest.
    lossG.backward(to: optimizerG.parameters + (optimizerL?.parameters ?? []))
    optimizerG.update()
    optimizerL?.update()

    // Discriminator.
    let (realLogits, _) = discriminator(real)
    let (fakeLogitsD, _) = discriminator(fakes.detached())
    var lossD = Loss.nonSaturatingDiscriminator(real: realLogits, fake: fakeLogitsD)
    logs["d_loss"] = Double(lossD.item)
    if o.r1Every > 0, step % o.r1Every == 0 {
      let x = b.photos.requiringGrad()
      let r1 = Loss.r1(scores: discriminator(x).logits, inputs: x)
      lossD = lossD + r1 * (o.r1Gamma / 2 * Float(o.r1Every))
      logs["r1"] = Double(r1.item)
    }
    lossD.backward(to: optimizerD.parameters)
    optimizerD.update()
    ema.update(model.parameters)

    logs["rec_l1"] = Double(rec.item)
    logs["cls_mse"] = Double(cls.item)
    logs["ortho"] = Double(ortho.item)
    logs["fm"] = Double(fm.item)
    logs["g_adv"] = Double(adv.item)
    return logs
  }

  /// One step of the sketch encoder alone: MSE between the sketch latent and the (detached)
  /// photo latent of the paired render, plus the image loss of the sketch latent decoded by
  /// the frozen decoder (``S2FOptions/lambdaSketchPhaseImage``); nothing else moves.
  ///
  /// No discriminators, and the decoder only forward and backward to its input. Written for a
  /// sketch encoder that had collapsed: its latents varied over sketches mostly in scale along
  /// one direction, which the pixel norm before its MLP removes, so the image losses of the
  /// full step reached it only weakly; the latent regression alone then collapsed onto the
  /// mean latent, hence the image term.
  func trainSketchEncoder(_ b: FaceBatch) -> [String: Double] {
    for m in [model, discriminator, latentDiscriminator] as [Module] { m.zeroGrad() }
    let r = withNoGrad { model.encode(photo: b.photos) }
    let rs = model.encode(sketch: b.sketches)
    let mse = Loss.mse(rs, r)
    var loss = mse
    var logs = ["sketch_lat": Double(Loss.l1(rs, r).item), "sketch_mse": Double(mse.item)]
    if options.lambdaSketchPhaseImage > 0 || options.lambdaSketchStructure > 0 {
      // Through the frozen decoder: the face drawn by the sketch must look like its render.
      let decoded = model.decode(rs)
      let image = imageL1(decoded, b.photos, mask: b.personMasks)
      loss = loss + image * options.lambdaSketchPhaseImage
      logs["sketch_l1"] = Double(image.item)
      if options.lambdaSketchStructure > 0 {
        let structure = Loss.structureL1(decoded, b.photos)
        loss = loss + structure * options.lambdaSketchStructure
        logs["sketch_struct"] = Double(structure.item)
      }
    }
    loss.backward(to: model.sketchEncoder.parameters)
    optimizerS.update()
    ema.update(model.parameters)
    return logs
  }

  /// One step of the layout editor alone, on the frozen encoders, decoder and directions.
  ///
  /// The layout maps of the photo latent moved by the edit amounts regress onto the layout
  /// maps the photo encoder gives the paired edited render (squared error). With
  /// `layoutSketchShare` the first rows start from sketch latents instead (see
  /// `layoutEditorPairs`).
  ///
  /// Logs `layout_edit` (that error) and `layout_keep` (the error of leaving the maps as they
  /// are).
  func trainLayoutEditor(_ b: FaceBatch) -> [String: Double] {
    guard model.layoutEditor != nil, let optimizerL, let (r, target) = layoutEditorPairs(b)
    else { return [:] }
    model.layoutEditor?.zeroGrad()
    let scores = withNoGrad { model.scores(r) }
    let moved = model.edit(r, amounts: editAmounts(b, scores: scores), variant: .dis)
    // Squared error: most of the maps do not change with one attribute, and the encoder's small
    // jitter there would dominate an L1 (an editor trained on it moved nothing useful).
    let loss = Loss.mse(model.layout(moved), target)
    loss.backward(to: optimizerL.parameters)
    optimizerL.update()
    ema.update(model.parameters)
    return [
      "layout_edit": Double(loss.item),
      "layout_keep": Double(Loss.mse(model.layout(r), target).item),
    ]
  }

  /// The layout phase's editor inputs and targets for a batch (nil without edited renders).
  ///
  /// Inputs `[B, D + C·S·S]`: the photo encoder's latents, except the first
  /// `round(layoutSketchShare·B)` rows, which are the sketch encoder's. Targets `[B, C·S·S]`:
  /// each input's layout maps plus the photo encoder's layout move from the render to its edited
  /// pair (for photo rows, exactly the edited render's maps).
  public func layoutEditorPairs(_ b: FaceBatch) -> (input: Tensor, target: Tensor)? {
    guard let edited = b.editedPhotos else { return nil }
    return withNoGrad {
      let n = b.photos.shape[0]
      let both = model.encode(photo: Tensor.concat([b.photos, edited], axis: 0))
      let photo = both.slice(axis: 0, start: 0, length: n)
      let layout = model.layout
      let move = layout(both.slice(axis: 0, start: n, length: n)) - layout(photo)
      let k = min(n, max(0, Int(((options.layoutSketchShare ?? 0) * Float(n)).rounded())))
      guard k > 0 else { return (photo, layout(photo) + move) }
      let sketch = model.encode(sketch: b.sketches.slice(axis: 0, start: 0, length: k))
      let input =
        k == n
        ? sketch
        : Tensor.concat([sketch, photo.slice(axis: 0, start: k, length: n - k)], axis: 0)
      return (input, layout(input) + move)
    }
  }

  func trainDecomposer(_ b: FaceBatch) -> [String: Double] {
    let o = options
    model.decomposer.zeroGrad()
    var rng = SplitMix64(seed: o.seed &+ UInt64(step) &* 0x2545_F491)
    let (r, s) = withNoGrad { () -> (Tensor, Tensor) in
      let r = model.encode(photo: b.photos)
      return (r, model.scores(r))
    }
    let (n, a) = (s.shape[0], s.shape[1])
    // Half the batch edits toward the rendered pair; the other half gets random amounts.
    var amounts = editAmounts(b, scores: s).scalars
    for i in (n / 2)..<n {
      for j in 0..<a {
        amounts[i * a + j] = rng.uniform() < 0.3 ? (rng.uniform() * 2 - 1) * 1.5 : 0
      }
    }
    let amt = Tensor(amounts, shape: [n, a])
    let edited = model.edit(r, amounts: amt, variant: .dec)
    let scoreLoss = Loss.mse(model.scores(edited), s + amt)
    let back = model.edit(edited.detached(), amounts: amt * -1, variant: .dec)
    let cycle = Loss.l1(model.global(back), model.global(r))
    var loss = scoreLoss * o.lambdaEditScore + cycle * o.lambdaLatentCycle
    var logs: [String: Double] = [
      "edit_score": Double(scoreLoss.item), "lat_cycle": Double(cycle.item),
    ]
    if let target = b.editedPhotos {
      let half = n / 2
      let img = model.decode(edited.slice(axis: 0, start: 0, length: max(half, 1)))
      let l1 = imageL1(
        img, target.slice(axis: 0, start: 0, length: max(half, 1)),
        mask: b.editedPersonMasks?.slice(axis: 0, start: 0, length: max(half, 1)))
      loss = loss + l1 * o.lambdaEditImage
      logs["edit_l1"] = Double(l1.item)
    }
    loss.backward(to: optimizerM.parameters)
    optimizerM.update()
    ema.update(model.parameters)
    return logs
  }
}
