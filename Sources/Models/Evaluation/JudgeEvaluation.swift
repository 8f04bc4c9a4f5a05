// How visible each attribute and expression is: the judge on held-out identities.

import FaceSynth
import Foundation
import Imaging
import Tensor

/// Balanced accuracy of the judge per attribute and per expression on test identities, and the
/// identity-verification AUC of its embedding.
public struct JudgeEvaluation {
  public var attributeAccuracy: [(String, Double)] = []
  public var expressionAccuracy: [(String, Double)] = []
  public var verificationAUC = 0.0
  public var samples = 0

  /// Renders `count` test-split faces (random variants, expressions and attribute edits) and
  /// scores the judge on them.
  public static func run(
    _ judge: Judge, count: Int = 512, threads: Int = 2, progress: ((Int) -> Void)? = nil
  ) -> JudgeEvaluation {
    var rng = EngineRandom(seed: 4242)
    let exprs = FaceExpression.allCases
    let attrs = Attribute.allCases
    var attrStats = [[Int]](repeating: [0, 0, 0, 0], count: attrs.count)  // tp, fn, tn, fp
    var exprPred: [(Int, Int)] = []
    var embeddings: [(Int, [Float])] = []
    var done = 0
    let batch = 32
    while done < count {
      var params: [FaceParams] = []
      var explicit: [Bool] = []
      for k in 0..<min(batch, count - done) {
        let id = (done + k) / 2  // two renders per identity for verification
        var p = FaceSynth.params(
          index: id, seed: 777, split: .test,
          variant: (done + k) % 2 == 0 ? 0 : 1 + Int(rng.next() % 4))
        let withExpression = rng.uniform() < 0.6
        if withExpression {
          p.setExpression(
            exprs[Int(rng.next() % UInt64(exprs.count))], intensity: 0.7 + 0.3 * rng.uniform())
        }
        explicit.append(withExpression)
        params.append(p)
      }
      let samples = FaceSynth.render(params, size: 128, threads: threads)
      let (a, e, emb) = withNoGrad { judge(Image.batchTensor(samples.map { $0.face })) }
      let av = a.scalars
      let ev = e.scalars
      for (i, s) in samples.enumerated() {
        for j in attrs.indices {
          let pred = av[i * attrs.count + j] > 0
          let truth = s.labels[j]
          attrStats[j][truth ? (pred ? 0 : 1) : (pred ? 3 : 2)] += 1
        }
        if explicit[i] {
          let logits = ev[(i * exprs.count)..<((i + 1) * exprs.count)]
          exprPred.append(
            (
              s.expression.rawValue,
              logits.indices.max { logits[$0] < logits[$1] }! - i * exprs.count
            )
          )
        }
        embeddings.append(((done + i) / 2, Array(emb.scalars[(i * 64)..<((i + 1) * 64)])))
      }
      done += samples.count
      progress?(done)
    }
    var r = JudgeEvaluation()
    r.samples = done
    for (j, a) in attrs.enumerated() {
      let s = attrStats[j]
      let tpr = s[0] + s[1] > 0 ? Double(s[0]) / Double(s[0] + s[1]) : .nan
      let tnr = s[2] + s[3] > 0 ? Double(s[2]) / Double(s[2] + s[3]) : .nan
      r.attributeAccuracy.append((a.description, (tpr + tnr) / 2))
    }
    for (k, e) in exprs.enumerated() {
      let pos = exprPred.filter { $0.0 == k }
      let neg = exprPred.filter { $0.0 != k }
      let tpr =
        pos.isEmpty ? Double.nan : Double(pos.filter { $0.1 == k }.count) / Double(pos.count)
      let tnr =
        neg.isEmpty ? Double.nan : Double(neg.filter { $0.1 != k }.count) / Double(neg.count)
      r.expressionAccuracy.append((e.description, (tpr + tnr) / 2))
    }
    var same: [Double] = []
    var diff: [Double] = []
    for i in embeddings.indices {
      for j in (i + 1)..<min(embeddings.count, i + 40) {
        let c = zip(embeddings[i].1, embeddings[j].1).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        if embeddings[i].0 == embeddings[j].0 { same.append(c) } else { diff.append(c) }
      }
    }
    r.verificationAUC = rocAUC(positives: same, negatives: diff)
    return r
  }

  /// The visibility table as markdown.
  public func markdown(record: String) -> String {
    var s = "## FaceSynth visibility (judge on held-out identities)\n\n"
    s +=
      "`visage eval judge` — \(samples) test-split renders (random pose/light variants, 60% of them with an expression set at intensity 0.7–1; expression accuracy is measured on those only, since a face without one may smile through the Smiling attribute). Judge: \(record).\n\n"
    s += "| attribute | balanced accuracy |\n|---|---|\n"
    for (n, a) in attributeAccuracy { s += "| \(n) | \(percent(a)) |\n" }
    s += "\n| expression (one vs rest) | balanced accuracy |\n|---|---|\n"
    for (n, a) in expressionAccuracy { s += "| \(n) | \(percent(a)) |\n" }
    s +=
      "\nIdentity verification AUC (same identity, other variant/expression vs other identities): \(String(format: "%.3f", verificationAUC))\n"
    return s
  }
}
