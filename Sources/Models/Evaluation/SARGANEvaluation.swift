// Evaluation of SARGAN-lite on held-out identities.

import FaceSynth
import Foundation
import Imaging
import NN
import Tensor

/// Figures of one SARGAN evaluation.
public struct SARGANEvaluation {
  public struct Row {
    public var name: String
    public var accuracy: Double
    /// Judge accuracy on the ground-truth renders themselves: what a perfect edit would score.
    public var truthAccuracy: Double
    /// The class the judge most often reads instead of the target, with its share of all edits
    /// (nil when every edit is read as the target).
    public var misread: (name: String, share: Double)?
    public var psnr: Double
    public var ssim: Double
    public var identity: Double
    public var mask: Double
    /// How much of the input's error against the ground truth, inside the pixels the expression
    /// changes, the edit removed: 1 − L1(edit, truth) / L1(input, truth) over that region
    /// (nil when the target equals the input, as for neutral).
    public var regionGain: Double?
    /// The attribute whose faces this target's edits fail on most often (nil when none fail).
    public var failures: FailureSplit?
  }

  /// Misread edits split by one attribute of the source faces: how often the edits of faces
  /// with it fail, against faces without it.
  public struct FailureSplit: Equatable, Sendable {
    public var attribute: String
    public var failedWith: Int
    public var facesWith: Int
    public var failedWithout: Int
    public var facesWithout: Int

    public init(
      attribute: String, failedWith: Int, facesWith: Int, failedWithout: Int, facesWithout: Int
    ) {
      self.attribute = attribute
      self.failedWith = failedWith
      self.facesWith = facesWith
      self.failedWithout = failedWithout
      self.facesWithout = facesWithout
    }

    /// Failure rate on faces with the attribute.
    public var rateWith: Double { Double(failedWith) / Double(max(facesWith, 1)) }
    /// Failure rate on faces without it.
    public var rateWithout: Double { Double(failedWithout) / Double(max(facesWithout, 1)) }
  }

  /// The attribute that separates failed edits best: the largest failure rate with it minus the
  /// rate without it, over attributes that at least `minFaces` faces have and lack.
  ///
  /// `failed[i]` says whether face i's edit was misread; `labels[i][j]` whether face i has
  /// attribute j (named `names[j]`). nil when no edit failed or no attribute qualifies.
  public static func failureSplit(
    failed: [Bool], labels: [[Bool]], names: [String], minFaces: Int = 5
  ) -> FailureSplit? {
    guard failed.contains(true) else { return nil }
    var best: FailureSplit? = nil
    for (j, name) in names.enumerated() {
      var split = FailureSplit(
        attribute: name, failedWith: 0, facesWith: 0, failedWithout: 0, facesWithout: 0)
      for (i, f) in failed.enumerated() {
        if labels[i][j] {
          split.facesWith += 1
          if f { split.failedWith += 1 }
        } else {
          split.facesWithout += 1
          if f { split.failedWithout += 1 }
        }
      }
      guard split.facesWith >= minFaces && split.facesWithout >= minFaces else { continue }
      if best.map({ split.rateWith - split.rateWithout > $0.rateWith - $0.rateWithout }) ?? true {
        best = split
      }
    }
    return best
  }

  public var faces = 0
  /// Whether the ground truth shows each expression's canonical variant (as for weights trained
  /// with canonical targets), rather than the identity's own random variant.
  public var canonicalTruth = false
  public var rows: [Row] = []
  public var sameIdentityLevel = 0.0
  public var intensityMonotonic = 0.0
  public var zeroIntensityL1 = 0.0
  public var gridFigure: Image?
  public var sweepFigure: Image?

  /// Runs the evaluation on `count` neutral test-split faces.
  public static func run(
    generator g: SARGANGenerator, judge: Judge, count: Int = 24, canonicalTruth: Bool = false,
    threads: Int = 2, log: (String) -> Void = { _ in }
  ) -> SARGANEvaluation {
    var r = SARGANEvaluation()
    r.faces = count
    r.canonicalTruth = canonicalTruth
    let exprs = FaceExpression.allCases
    let e = exprs.count
    let size = g.config.imageSize
    // Explicitly neutral sources (an unset expression may smile through the Smiling attribute).
    let base = (0..<count).map {
      FaceSynth.params(index: $0, seed: 37, split: .test).with(.neutral, intensity: 1)
    }
    let sources = FaceSynth.render(base, size: size, threads: threads)
    let x = Image.batchTensor(sources.map { $0.face })
    let srcEmb = withNoGrad { judge(x).embedding }
    var gridTiles: [Image] = []
    for (k, expr) in exprs.enumerated() {
      let truth = FaceSynth.render(
        base.map { $0.with(expr, intensity: 1, canonical: canonicalTruth) }, size: size,
        threads: threads)
      let truthTensor = Image.batchTensor(truth.map { $0.face })
      let (y, mask) = withNoGrad {
        g(x, condition: oneHot([Int](repeating: k, count: count), count: e))
      }
      let (_, logits, emb) = withNoGrad { judge(y) }
      let lv = logits.scalars
      let truthLogits = withNoGrad { judge(truthTensor).expressions }.scalars
      var truthCorrect = 0.0
      var misreads = [Int](repeating: 0, count: e)
      var correct = 0.0
      var psnr = 0.0
      var ssim = 0.0
      var ident = 0.0
      var failed = [Bool](repeating: false, count: count)
      for i in 0..<count {
        let row = lv[(i * e)..<((i + 1) * e)]
        let read = row.indices.max(by: { row[$0] < row[$1] })! - i * e
        if read == k { correct += 1 } else { misreads[read] += 1 }
        failed[i] = read != k
        let t = truthLogits[(i * e)..<((i + 1) * e)]
        if t.indices.max(by: { t[$0] < t[$1] })! - i * e == k { truthCorrect += 1 }
        let out = Image(tensor: y, index: i)
        psnr += ImageMetrics.psnr(out, truth[i].face)
        ssim += ImageMetrics.ssim(out, truth[i].face)
        ident += cosine(srcEmb, i, emb, i)
      }
      let n = Double(count)
      let worst = misreads.indices.max(by: { misreads[$0] < misreads[$1] })!
      let misread =
        misreads[worst] > 0 ? (exprs[worst].description, Double(misreads[worst]) / n) : nil
      let region = ChangedRegion.mask(from: x, to: truthTensor, threshold: 0.02)
      var gain: Double? = nil
      if region.sum().item > 0 {
        let before = Double(Loss.l1(x, truthTensor, weights: region).item)
        let after = Double(Loss.l1(y, truthTensor, weights: region).item)
        gain = before > 0 ? 1 - after / before : nil
      }
      r.rows.append(
        Row(
          name: expr.description, accuracy: correct / n, truthAccuracy: truthCorrect / n,
          misread: misread, psnr: psnr / n, ssim: ssim / n, identity: ident / n,
          mask: Double(mask.mean().item), regionGain: gain,
          failures: failureSplit(
            failed: failed, labels: base.map(\.labels),
            names: Attribute.allCases.map(\.description))))
      log("\(expr.description): accuracy \(percent(correct / n))")
      for i in 0..<min(4, count) { gridTiles.append(Image(tensor: y, index: i)) }
    }
    // Same-identity reference: the judge's embedding of another render of the same person.
    let alt = FaceSynth.render(
      (0..<count).map { FaceSynth.params(index: $0, seed: 37, split: .test, variant: 3) },
      size: size,
      threads: threads)
    let altEmb = withNoGrad { judge(Image.batchTensor(alt.map { $0.face })).embedding }
    r.sameIdentityLevel =
      (0..<count).map { cosine(srcEmb, $0, altEmb, $0) }.reduce(0, +) / Double(count)
    // Reorder the grid: one row per identity, one column per expression.
    let rowsShown = min(4, count)
    var ordered: [Image] = []
    for i in 0..<rowsShown {
      ordered.append(sources[i].face)
      for k in 0..<e { ordered.append(gridTiles[k * rowsShown + i]) }
    }
    r.gridFigure = Image.grid(ordered, columns: e + 1)
    // Intensity: 0 must keep the input; the happy logit should grow with intensity.
    let steps: [Float] = [0, 0.25, 0.5, 0.75, 1]
    var sweepTiles: [Image] = []
    var mono = 0.0
    var zero = 0.0
    let happy = FaceExpression.happy.rawValue
    for i in 0..<count {
      let xi = x.slice(axis: 0, start: i, length: 1)
      var logits: [Float] = []
      for t in steps {
        let y = withNoGrad { g(xi, condition: oneHot([happy], count: e, scale: [t])).image }
        if t == 0 { zero += Double((y - xi).abs().mean().item) / 2 }
        logits.append(withNoGrad { judge(y).expressions.scalars[happy] })
        if i < 3 { sweepTiles.append(Image(tensor: y)) }
      }
      if zip(logits, logits.dropFirst()).allSatisfy({ $1 >= $0 - 0.05 }) { mono += 1 }
    }
    r.intensityMonotonic = mono / Double(count)
    r.zeroIntensityL1 = zero / Double(count)
    r.sweepFigure = Image.grid(sweepTiles, columns: steps.count)
    return r
  }

  /// The results as markdown.
  public func markdown(record: String, figures: [String]) -> String {
    var s = "## SARGAN-lite\n\n"
    s +=
      "`visage eval sargan` on \(faces) neutral test-split faces, every target expression at intensity 1, against the renderer's ground truth for the same person (\(canonicalTruth ? "each expression's canonical variant, which these weights were trained to draw" : "the person's own variant of each expression")). Weights: \(record).\n\n"
    s +=
      "| target | judge accuracy | judge on the truth | most read instead | PSNR | SSIM | identity | mean attention | changed-region gain | fails most with |\n|---|---|---|---|---|---|---|---|---|---|\n"
    for row in rows {
      let gain = row.regionGain.map { String(format: "%.1f%%", 100 * $0) } ?? "–"
      let misread = row.misread.map { "\($0.name) (\(percent($0.share)))" } ?? "–"
      let split =
        row.failures.map {
          "\($0.attribute): \($0.failedWith)/\($0.facesWith) vs \($0.failedWithout)/\($0.facesWithout) without"
        } ?? "–"
      s +=
        "| \(row.name) | \(percent(row.accuracy)) | \(percent(row.truthAccuracy)) | \(misread) | \(String(format: "%.2f dB", row.psnr)) | \(String(format: "%.3f", row.ssim)) | \(String(format: "%.3f", row.identity)) | \(String(format: "%.3f", row.mask)) | \(gain) | \(split) |\n"
    }
    s +=
      "\nJudge on the truth: the judge's accuracy on the ground-truth renders, the score a perfect edit would get. Most read instead: the class the judge gives most often to the edits it does not read as the target, with its share of all edits. Fails most with: the source attribute (judge labels of the renderer's parameters) whose faces' edits are misread most often compared with the faces without it, as misread / faces with it against misread / faces without it (attributes held by at least 5 faces and missing on at least 5).\n"
    s +=
      "\nChanged-region gain: inside the pixels the expression changes in the ground truth, the share of the input's L1 error to the truth that the edit removed (0%: the input returned unchanged; 100%: the truth; negative: worse than the input). Identity: cosine of judge embeddings between source and edit; the same person in another render scores \(String(format: "%.3f", sameIdentityLevel)). Intensity sweep (happy, 0 → 1): judge logit monotonic for \(percent(intensityMonotonic)) of faces; at intensity 0 the output differs from the input by \(String(format: "%.4f", zeroIntensityL1)) mean absolute error (in [0, 1] units).\n"
    for f in figures { s += "\n![\(f)](\(f))\n" }
    return s
  }
}
