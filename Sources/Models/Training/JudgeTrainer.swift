// Training the judge on FaceSynth renders of training identities.

import FaceSynth
import Imaging
import NN
import Tensor

/// Hyper-parameters of a judge run.
public struct JudgeOptions: Codable, Sendable, Equatable {
  public var steps = 3000
  public var batch = 32
  public var learningRate: Float = 1e-3
  public var identityClasses = 600
  /// Share of each batch drawn from fresh training identities (no identity label): the
  /// attribute and expression heads then see new faces every step instead of only the
  /// `identityClasses` identities of the embedding head, which they had learned by heart.
  public var freshIdentityShare: Float = 0.5
  public var seed: UInt64 = 5
  public init() {}

  private enum CodingKeys: String, CodingKey {
    case steps, batch, learningRate, identityClasses, freshIdentityShare, seed
  }

  /// Decodes options written by any version: keys added later take their defaults, so judge
  /// files exported before an option existed still load.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init()
    steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? steps
    batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? batch
    learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? learningRate
    identityClasses = try c.decodeIfPresent(Int.self, forKey: .identityClasses) ?? identityClasses
    freshIdentityShare =
      try c.decodeIfPresent(Float.self, forKey: .freshIdentityShare) ?? freshIdentityShare
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
  }
}

/// Renders judge batches: training identities under random variants, expressions and
/// single-attribute edits, with their labels.
public struct JudgeBatchSource {
  public let options: JudgeOptions
  public let threads: Int

  public init(options: JudgeOptions, threads: Int = 2) {
    self.options = options
    self.threads = threads
  }

  /// Images `[B, 3, 128, 128]`, attribute labels `[B, A]` (0/1), expression classes (−1 where
  /// no expression was set: such faces may smile under the Smiling attribute, which would make
  /// "neutral" ambiguous) and identity classes (−1 for fresh identities).
  public func batch(step: Int) -> (Tensor, Tensor, [Int], [Int]) {
    var rng = EngineRandom(seed: options.seed &+ UInt64(step) &* 0x9E37_79B9)
    var params: [FaceParams] = []
    var ids: [Int] = []
    var explicit: [Bool] = []
    let exprs = FaceExpression.allCases
    for _ in 0..<options.batch {
      let fresh = rng.uniform() < options.freshIdentityShare
      let id = Int(rng.next() % UInt64(options.identityClasses))
      // Fresh identities come from above the labelled range of the same split.
      let index = fresh ? options.identityClasses + Int(rng.next() % 1_000_000) : id
      var p = FaceSynth.params(
        index: index, seed: 1000, split: .train, variant: Int(rng.next() % 6))
      let withExpression = rng.uniform() < 0.6
      if withExpression {
        p.setExpression(
          exprs[Int(rng.next() % UInt64(exprs.count))], intensity: 0.7 + 0.3 * rng.uniform())
      }
      explicit.append(withExpression)
      if rng.uniform() < 0.3 {
        let a = Attribute.allCases[Int(rng.next() % UInt64(Attribute.allCases.count))]
        p.setAttribute(a, p.attribute(a) > 0.5 ? 0.3 * rng.uniform() : 0.7 + 0.3 * rng.uniform())
      }
      params.append(p)
      ids.append(fresh ? -1 : id)
    }
    let samples = FaceSynth.render(params, size: 128, threads: threads)
    let labels = Tensor(
      samples.flatMap { $0.labels.map { $0 ? Float(1) : 0 } },
      shape: [samples.count, Attribute.allCases.count])
    let classes = samples.indices.map { explicit[$0] ? samples[$0].expression.rawValue : -1 }
    return (Image.batchTensor(samples.map { $0.face }), labels, classes, ids)
  }
}

/// Trains a ``Judge``.
public final class JudgeTrainer {
  public let judge: Judge
  public let optimizer: Adam
  public let options: JudgeOptions
  public private(set) var step = 0

  public init(options: JudgeOptions) {
    self.options = options
    judge = Judge(
      attributes: Attribute.allCases.count, expressions: FaceExpression.allCases.count,
      identityClasses: options.identityClasses, seed: options.seed)
    optimizer = Adam(parameters: judge.parameters, learningRate: options.learningRate)
  }

  public var checkpoint: TrainingCheckpoint {
    TrainingCheckpoint(modules: [("J", judge)], optimizers: [("J", optimizer)], emas: [])
  }

  public func resume(from path: String) throws { step = try checkpoint.load(path: path).step }

  /// One step on a rendered batch; returns the losses.
  public func train(_ b: (Tensor, Tensor, [Int], [Int])) -> [String: Double] {
    judge.zeroGrad()
    let (a, e, emb) = judge(b.0)
    let la = Loss.bceWithLogits(a, b.1)
    let le = Self.labelledCrossEntropy(e, classes: b.2)
    let li = Self.labelledCrossEntropy(judge.identityLogits(emb), classes: b.3)
    (la + le + li).backward()
    optimizer.update()
    step += 1
    return ["attr_bce": Double(la.item), "expr_ce": Double(le.item), "id_ce": Double(li.item)]
  }

  /// Cross-entropy averaged over the rows whose class is known (≥ 0); rows marked −1 add
  /// nothing, and a batch without labels gives 0.
  static func labelledCrossEntropy(_ logits: Tensor, classes: [Int]) -> Tensor {
    let labelled = classes.filter { $0 >= 0 }
    let targets = oneHot(
      classes.map { max($0, 0) }, count: logits.shape[1], scale: classes.map { $0 >= 0 ? 1 : 0 })
    return Loss.softCrossEntropy(logits, targets: targets)
      * (Float(classes.count) / Float(max(labelled.count, 1)))
  }
}
