// Training batches rendered on the fly by FaceSynth.

import FaceSynth
import Imaging
import Tensor

/// S2FGAN batches from FaceSynth: photo, paired sketch, attributes, and the same person with
/// one attribute changed (ground truth for edits).
public struct SynthFaceSource: FaceBatchSource {
  public let seed: UInt64
  public let split: Split
  public let size: Int
  public let threads: Int

  public init(seed: UInt64 = 1, split: Split = .train, size: Int = 128, threads: Int = 2) {
    self.seed = seed
    self.split = split
    self.size = size
    self.threads = threads
  }

  public var attributeNames: [String] { Attribute.allCases.map(\.description) }

  public func batch(step: Int, size n: Int) throws -> FaceBatch {
    var rng = EngineRandom(seed: seed &+ UInt64(step) &* 0x9E37_79B9)
    var params: [FaceParams] = []
    var edited: [FaceParams] = []
    var which: [Int] = []
    var target: [Float] = []
    let attrs = Attribute.allCases
    for i in 0..<n {
      let index = Int(truncatingIfNeeded: rng.next() % 10_000_000)
      var p = FaceSynth.params(index: index, seed: seed, split: split, variant: i % 3)
      // Vary the expression a little so the encoders see more than neutral faces.
      if rng.uniform() < 0.3 {
        let e = FaceExpression.allCases[Int(rng.next() % UInt64(FaceExpression.allCases.count))]
        p.setExpression(e, intensity: rng.uniform())
      }
      let a = attrs[Int(rng.next() % UInt64(attrs.count))]
      let current = p.attribute(a)
      // Mostly flip the attribute across the threshold; sometimes a partial move.
      let v: Float =
        rng.uniform() < 0.75
        ? (current > 0.5 ? 0.35 * rng.uniform() : 0.65 + 0.35 * rng.uniform()) : rng.uniform()
      params.append(p)
      edited.append(p.with(a, v))
      which.append(a.rawValue)
      target.append(2 * v - 1)
    }
    let samples = FaceSynth.render(params + edited, size: size, threads: threads)
    let base = Array(samples[0..<n])
    let edits = Array(samples[n...])
    let attrsTensor = Tensor(
      base.flatMap { $0.attributes.map { 2 * $0 - 1 } }, shape: [n, attrs.count])
    let sketches = Image.batchTensor(base.map { $0.sketch.converted(channels: 1) })
    return FaceBatch(
      photos: Image.batchTensor(base.map { $0.face }),
      sketches: (1 - sketches) * 0.5,  // [-1,1] gray → strokes 1, paper 0
      attributes: attrsTensor, editedPhotos: Image.batchTensor(edits.map { $0.face }),
      editAttribute: which, editTarget: target, personMasks: personMasks(base),
      editedPersonMasks: personMasks(edits))
  }

  /// `[B, 1, S, S]`: 1 where the parsing map is not backdrop.
  func personMasks(_ samples: [FaceSample]) -> Tensor {
    let backdrop = FaceClass.background.rawValue
    let values = samples.flatMap { s in s.parsing.map { $0 == backdrop ? Float(0) : 1 } }
    return Tensor(values, shape: [samples.count, 1, size, size])
  }
}

/// SARGAN batches from FaceSynth: a face, a target expression and intensity, and the same face
/// rendered under that target (paired ground truth).
///
/// Sources are neutral (40%) or a full-intensity expression. From a neutral source any intensity
/// in [0, 1] is used (the renderer's intensity is the ground truth); from an expressive source
/// the intensity is 0 (keep) or 1 (full target), the two cases whose ground truth is defined
/// without blending action units.
///
/// With `canonicalTargets` the targets show each expression's canonical variant (see
/// `ActionUnits.prototype`) instead of the identity's random one. The condition names only the
/// expression and its intensity, so a random variant (which mouth corner for contempt, teeth or
/// not for happy) is a coin the generator cannot see: under the L1 it learns the average of
/// the variants, and for contempt's two sides that average is no change at all.
public struct SynthExpressionSource: ExpressionBatchSource {
  public let seed: UInt64
  public let split: Split
  public let size: Int
  public let threads: Int
  public let canonicalTargets: Bool
  /// Relative sampling weight of each target expression, in `FaceExpression` order (nil: all
  /// equal), so that training can spend more steps on the expressions it draws worst.
  public let targetWeights: [Float]?
  /// Relative sampling weight of faces that show each attribute, in `Attribute` order (nil: all
  /// faces as drawn), so that training can see more of the faces whose edits fail most.
  ///
  /// A face weighs the product of the weights of the attributes it shows (1 for those it does
  /// not); faces are drawn in proportion to that weight by rejection.
  public let faceWeights: [Float]?

  /// One pair to render: the source face, the same face under the target, and the labels.
  public struct Pair: Sendable {
    public var source: FaceParams
    public var target: FaceParams
    public var sourceClass: Int
    public var targetClass: Int
    public var intensity: Float
    public var cycleValid: Bool
  }

  /// Creates a source; `targetWeights` must hold one non-negative weight per expression and
  /// `faceWeights` one positive weight per attribute, each with a positive sum.
  public init(
    seed: UInt64 = 2, split: Split = .train, size: Int = 128, threads: Int = 2,
    canonicalTargets: Bool = false, targetWeights: [Float]? = nil, faceWeights: [Float]? = nil
  ) {
    self.seed = seed
    self.split = split
    self.size = size
    self.threads = threads
    self.canonicalTargets = canonicalTargets
    if let w = targetWeights {
      precondition(w.count == FaceExpression.allCases.count, "one target weight per expression")
      precondition(w.allSatisfy { $0 >= 0 } && w.reduce(0, +) > 0, "target weights must be ≥ 0")
    }
    self.targetWeights = targetWeights
    if let w = faceWeights {
      precondition(w.count == Attribute.allCases.count, "one face weight per attribute")
      precondition(w.allSatisfy { $0 > 0 && $0.isFinite }, "face weights must be > 0")
    }
    self.faceWeights = faceWeights
  }

  /// Draws a face, as drawn or in proportion to its `faceWeights` weight.
  private func drawFace(_ rng: inout EngineRandom, variant: Int) -> FaceParams {
    func draw() -> FaceParams {
      let index = Int(truncatingIfNeeded: rng.next() % 10_000_000)
      return FaceSynth.params(index: index, seed: seed, split: split, variant: variant)
    }
    guard let w = faceWeights else { return draw() }
    let most = w.reduce(Float(1)) { $0 * max(1, $1) }
    // Bounded, so that extreme weights cannot stall a batch; 64 tries leave a face of weight
    // 1/64 of the heaviest unsampled with probability under (1 - 1/64)^64 ≈ 0.37.
    for _ in 0..<64 {
      let p = draw()
      var weight: Float = 1
      for a in Attribute.allCases where p.attribute(a) > 0.5 { weight *= w[a.rawValue] }
      if rng.uniform() * most < weight { return p }
    }
    return draw()
  }

  /// Draws a target expression, uniformly or by `targetWeights`.
  private func drawTarget(_ rng: inout EngineRandom) -> FaceExpression {
    let all = FaceExpression.allCases
    guard let w = targetWeights else { return all[Int(rng.next() % UInt64(all.count))] }
    var u = rng.uniform() * w.reduce(0, +)
    for (k, wk) in w.enumerated() where wk > 0 {
      if u < wk { return all[k] }
      u -= wk
    }
    return all[w.lastIndex(where: { $0 > 0 })!]
  }

  public var expressionNames: [String] { FaceExpression.allCases.map(\.description) }

  /// The pairs of batch `step` (what `batch(step:size:)` renders).
  public func pairs(step: Int, size n: Int) -> [Pair] {
    var rng = EngineRandom(seed: seed &+ UInt64(step) &* 0xA24B_AED4)
    let all = FaceExpression.allCases
    var out: [Pair] = []
    for i in 0..<n {
      var p = drawFace(&rng, variant: i % 3)
      let neutralSource = rng.uniform() < 0.4
      let se: FaceExpression = neutralSource ? .neutral : all[Int(rng.next() % UInt64(all.count))]
      p.setExpression(se, intensity: 1)
      let te = drawTarget(&rng)
      var t: Float
      let u = rng.uniform()
      if u < 0.1 {
        t = 0
      } else if neutralSource && u < 0.5 {
        t = 0.15 + 0.85 * rng.uniform()
      } else {
        t = 1
      }
      if te == se { t = 1 }
      let q =
        t == 0
        ? p
        : p.with(te, intensity: neutralSource ? t : 1, canonical: canonicalTargets)
      // The cycle rebuilds the source from "its expression, intensity 1": with canonical
      // targets that is the canonical variant, not the source's random one, so only neutral
      // sources (which have no variant) keep the cycle term.
      out.append(
        Pair(
          source: p, target: q, sourceClass: se.rawValue,
          targetClass: t == 0 ? se.rawValue : te.rawValue, intensity: t,
          cycleValid: t == 1 && (neutralSource || !canonicalTargets)))
    }
    return out
  }

  public func batch(step: Int, size n: Int) throws -> ExpressionBatch {
    let pairs = pairs(step: step, size: n)
    let samples = FaceSynth.render(
      pairs.map(\.source) + pairs.map(\.target), size: size, threads: threads)
    let inten = pairs.map(\.intensity)
    return ExpressionBatch(
      sources: Image.batchTensor(samples[0..<n].map { $0.face }),
      conditions: oneHot(
        pairs.map(\.targetClass), count: FaceExpression.allCases.count, scale: inten),
      targets: Image.batchTensor(samples[n...].map { $0.face }),
      sourceClass: pairs.map(\.sourceClass), targetClass: pairs.map(\.targetClass),
      intensity: inten, cycleValid: pairs.map(\.cycleValid))
  }
}
