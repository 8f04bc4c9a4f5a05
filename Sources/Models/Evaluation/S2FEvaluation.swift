// Evaluation of S2FGAN-lite on held-out identities: reconstruction, edits, sliders, identity.

import FaceSynth
import Foundation
import Imaging
import Tensor

/// Figures of one S2FGAN evaluation.
public struct S2FEvaluation {
  public struct AttributeRow {
    public var name: String
    public var success: Double
    public var preservation: Double
    public var monotonic: Double
    public var identity: Double
    /// Share of all test faces whose decoded face (no edit, from the latent the edits start
    /// from) the judge reads with the render's own label: how much of the attribute survives
    /// encoding and decoding at all.
    public var reconstructed: Double
    /// Standard deviation across all test faces of the DIS score of the latents the edits
    /// start from: near 0 when the global latent carries nothing about the attribute.
    public var scoreSpread = 0.0
    /// With a layout latent: how far the edit moves the layout maps of photo latents, as a
    /// fraction of how far the photo encoder's maps move between the render and the render with
    /// the attribute flipped (RMS over the edit faces), and the cosine between the two moves
    /// (nil without a layout latent).
    public var layoutMove: LayoutMove?
  }

  /// How an edit moves the layout maps, against the move the encoder makes for the real change.
  public struct LayoutMove: Equatable, Sendable {
    /// RMS of the edit's move over the RMS of the encoder's move.
    public var ratio: Double
    /// Cosine between the two moves (all faces together); 0 when the edit does not move.
    public var alignment: Double

    public init(ratio: Double, alignment: Double) {
      self.ratio = ratio
      self.alignment = alignment
    }

    /// Compares the edited maps with the encoder's maps of the changed renders, both relative to
    /// the maps the edit started from (three equal-length arrays).
    public static func measure(start: [Float], edited: [Float], encoded: [Float]) -> LayoutMove {
      var editSq = 0.0
      var trueSq = 0.0
      var dot = 0.0
      for k in start.indices {
        let e = Double(edited[k] - start[k])
        let t = Double(encoded[k] - start[k])
        editSq += e * e
        trueSq += t * t
        dot += e * t
      }
      let norms = (editSq * trueSq).squareRoot()
      return LayoutMove(
        ratio: trueSq > 0 ? (editSq / trueSq).squareRoot() : 0,
        alignment: norms > 0 ? dot / norms : 0)
    }
  }

  public var variant: EditVariant
  /// True when the edits start from photo latents (the image encoder) instead of sketch latents.
  public var editsFromPhotos = false
  public var faces = 0
  public var sketchSSIM = 0.0
  public var sketchPSNR = 0.0
  public var sketchL1 = 0.0
  public var photoSSIM = 0.0
  /// SSIM inside the person (parsing map not backdrop): the part a sketch can determine.
  public var sketchSSIMPerson = 0.0
  public var photoSSIMPerson = 0.0
  public var photoPSNR = 0.0
  /// The best a deterministic sketch → face model could do on these faces (`SketchCeiling`).
  public var ceiling: SketchCeiling?
  public var rows: [AttributeRow] = []
  public var sameIdentityLevel = 0.0
  public var otherIdentityLevel = 0.0
  /// Per-pixel standard deviation across the test faces (values in [0, 1], averaged over
  /// pixels and channels) of the renders, the faces decoded from photos and those decoded from
  /// sketches: a decoder that draws one template face for every input has little spread.
  public var renderSpread = 0.0
  public var photoSpread = 0.0
  public var sketchSpread = 0.0
  /// Per-dimension standard deviation across the test faces of the global latents from photos
  /// and from sketches (a collapsed encoder gives every input one latent).
  public var photoLatentSpread = 0.0
  public var sketchLatentSpread = 0.0
  public var reconstructionFigure: Image?
  public var sweepFigure: Image?

  /// Runs the evaluation on `count` test identities (edits on the first `editCount`).
  public static func run(
    model m: S2FGAN, judge: Judge, variant: EditVariant, count: Int = 32, editCount: Int = 12,
    editsFromPhotos: Bool = false, ceilingLightings: Int = 16, threads: Int = 2,
    log: (String) -> Void = { _ in }
  ) -> S2FEvaluation {
    var r = S2FEvaluation(variant: variant)
    r.editsFromPhotos = editsFromPhotos
    let size = m.config.imageSize
    let params = (0..<count).map { FaceSynth.params(index: $0, seed: 31, split: .test) }
    let samples = FaceSynth.render(params, size: size, threads: threads)
    r.faces = count
    var figureTiles: [Image] = []
    var sketchLatents: [Tensor] = []
    var decodedFromPhotos: [[Float]] = []
    var decodedFromSketches: [[Float]] = []
    var photoGlobals: [[Float]] = []
    var sketchGlobals: [[Float]] = []
    for (i, s) in samples.enumerated() {
      withNoGrad {
        let sk = (1 - s.sketch.converted(channels: 1).tensor()) * 0.5
        let rs = m.encode(sketch: sk)
        let rp = m.encode(photo: s.face.tensor())
        sketchLatents.append(editsFromPhotos ? rp : rs)
        let fromSketch = Image(tensor: m.decode(rs))
        let fromPhoto = Image(tensor: m.decode(rp))
        decodedFromSketches.append(fromSketch.pixels)
        decodedFromPhotos.append(fromPhoto.pixels)
        sketchGlobals.append(m.global(rs).scalars)
        photoGlobals.append(m.global(rp).scalars)
        r.sketchSSIM += ImageMetrics.ssim(fromSketch, s.face)
        r.sketchPSNR += ImageMetrics.psnr(fromSketch, s.face)
        r.sketchL1 += ImageMetrics.l1(fromSketch, s.face)
        r.photoSSIM += ImageMetrics.ssim(fromPhoto, s.face)
        let person = s.parsing.map { $0 != FaceClass.background.rawValue }
        r.sketchSSIMPerson += ImageMetrics.ssim(fromSketch, s.face, within: person)
        r.photoSSIMPerson += ImageMetrics.ssim(fromPhoto, s.face, within: person)
        r.photoPSNR += ImageMetrics.psnr(fromPhoto, s.face)
        if i < 6 {
          figureTiles += [s.sketch.converted(channels: 3), fromSketch, s.face, fromPhoto]
        }
      }
    }
    let n = Double(count)
    r.sketchSSIM /= n
    r.sketchPSNR /= n
    r.sketchL1 /= n
    r.photoSSIM /= n
    r.sketchSSIMPerson /= n
    r.photoSSIMPerson /= n
    r.photoPSNR /= n
    r.renderSpread = spread(samples.map { $0.face.pixels })
    r.photoSpread = spread(decodedFromPhotos)
    r.sketchSpread = spread(decodedFromSketches)
    r.photoLatentSpread = spread(photoGlobals)
    r.sketchLatentSpread = spread(sketchGlobals)
    r.reconstructionFigure = Image.grid(figureTiles, columns: 8)
    if ceilingLightings > 0 {
      r.ceiling = SketchCeiling.estimate(
        params: params, size: size, lightings: ceilingLightings, threads: threads)
    }
    log("reconstruction: SSIM \(String(format: "%.3f", r.sketchSSIM))")

    // Identity reference levels from the judge's embedding on the renders themselves.
    let alt = FaceSynth.render(
      (0..<count).map { FaceSynth.params(index: $0, seed: 31, split: .test, variant: 3) },
      size: size,
      threads: threads)
    let embA = withNoGrad { judge(Image.batchTensor(samples.map { $0.face })).embedding }
    let embB = withNoGrad { judge(Image.batchTensor(alt.map { $0.face })).embedding }
    r.sameIdentityLevel = (0..<count).map { cosine(embA, $0, embB, $0) }.reduce(0, +) / n
    r.otherIdentityLevel =
      (0..<count).map { cosine(embA, $0, embB, ($0 + 1) % count) }.reduce(0, +) / n

    let attrs = Attribute.allCases
    // The judge's reading of every decoded (unedited) face against the render's labels.
    var readAsRendered = [Double](repeating: 0, count: attrs.count)
    for (i, s) in samples.enumerated() {
      let read = withNoGrad { judge(m.decode(sketchLatents[i])).attributes }.scalars
      for j in attrs.indices where j < read.count && (read[j] > 0) == s.labels[j] {
        readAsRendered[j] += 1
      }
    }
    let startScores = withNoGrad { sketchLatents.map { m.scores($0).scalars } }
    let sweep: [Float] = [-1, -0.5, 0, 0.5, 1]
    var sweepTiles: [Image] = []
    let k = min(editCount, count)
    for (j, a) in attrs.enumerated() where j < m.config.attributeCount {
      var success = 0.0
      var preserved = 0.0
      var monotone = 0.0
      var ident = 0.0
      for i in 0..<k {
        withNoGrad {
          let rs = sketchLatents[i]
          let base = m.decode(rs)
          let (baseAttr, _, baseEmb) = judge(base)
          let baseLabels = baseAttr.scalars.map { $0 > 0 }
          let target: Float = baseLabels[j] ? -1 : 1
          var targets = [Float?](repeating: nil, count: m.config.attributeCount)
          targets[j] = target
          let edited = m.decode(m.edit(rs, targets: targets, variant: variant))
          let (ea, _, ee) = judge(edited)
          let labels = ea.scalars.map { $0 > 0 }
          if labels[j] == (target > 0) { success += 1 }
          let others = attrs.indices.filter { $0 != j }
          preserved +=
            Double(others.filter { labels[$0] == baseLabels[$0] }.count) / Double(others.count)
          ident += cosine(baseEmb, 0, ee, 0)
          var logits: [Float] = []
          var images: [Tensor] = []
          for t in sweep {
            targets[j] = t
            let y = m.decode(m.edit(rs, targets: targets, variant: variant))
            logits.append(judge(y).attributes.scalars[j])
            images.append(y)
          }
          if zip(logits, logits.dropFirst()).allSatisfy({ $1 >= $0 - 0.05 }) { monotone += 1 }
          if i == 0 && j < 8 { sweepTiles += images.map { Image(tensor: $0) } }
        }
      }
      let kk = Double(k)
      var row = AttributeRow(
        name: a.description, success: success / kk, preservation: preserved / kk,
        monotonic: monotone / kk, identity: ident / kk, reconstructed: readAsRendered[j] / n)
      row.scoreSpread = spread(startScores.map { [$0[j]] })
      if m.config.layoutChannels > 0 {
        row.layoutMove = layoutMove(
          m, attribute: a, params: Array(params[0..<k]), samples: Array(samples[0..<k]),
          variant: variant, threads: threads)
      }
      r.rows.append(row)
      log("\(a.description): success \(percent(success / kk))")
    }
    if !sweepTiles.isEmpty { r.sweepFigure = Image.grid(sweepTiles, columns: sweep.count) }
    return r
  }

  /// The edit's move of the layout maps of photo latents against the encoder's move between
  /// each render and the render with attribute `a` flipped (its label's other side); the edit
  /// asks for that side (amount: ±1 minus the DIS score).
  ///
  /// `calibrated` applies the layout editor's gains, as the slider path does.
  static func layoutMove(
    _ m: S2FGAN, attribute a: Attribute, params: [FaceParams], samples: [FaceSample],
    variant: EditVariant, calibrated: Bool = true, threads: Int
  ) -> LayoutMove {
    let j = a.rawValue
    let flipped = FaceSynth.render(
      zip(params, samples).map { p, s in p.with(a, s.labels[j] ? 0.1 : 0.9) },
      size: m.config.imageSize,
      threads: threads)
    return withNoGrad {
      let start = m.encode(photo: Image.batchTensor(samples.map { $0.face }))
      let encoded = m.encode(photo: Image.batchTensor(flipped.map { $0.face }))
      let scores = m.scores(start).scalars
      let count = m.config.attributeCount
      var amounts = [Float](repeating: 0, count: samples.count * count)
      for (i, s) in samples.enumerated() {
        amounts[i * count + j] = (s.labels[j] ? -1 : 1) - scores[i * count + j]
      }
      let edited = m.edit(
        start, amounts: Tensor(amounts, shape: [samples.count, count]), variant: variant,
        calibrated: calibrated)
      return LayoutMove.measure(
        start: m.layout(start).scalars, edited: m.layout(edited).scalars,
        encoded: m.layout(encoded).scalars)
    }
  }

  /// The mean over positions of the standard deviation across `rows` (equal lengths): how much
  /// the rows differ from one another; 0 when they are all equal.
  public static func spread(_ rows: [[Float]]) -> Double {
    guard rows.count > 1, let width = rows.first?.count, width > 0 else { return 0 }
    let n = Double(rows.count)
    var total = 0.0
    for j in 0..<width {
      var sum = 0.0
      var sumSquares = 0.0
      for row in rows {
        let v = Double(row[j])
        sum += v
        sumSquares += v * v
      }
      let mean = sum / n
      total += max(sumSquares / n - mean * mean, 0).squareRoot()
    }
    return total / Double(width)
  }

  /// The results as markdown.
  public func markdown(record: String, figures: [String]) -> String {
    let from = editsFromPhotos ? "photo" : "sketch"
    var s =
      "## S2FGAN-lite, variant \(variant.rawValue.uppercased()), edits from \(from) latents\n\n"
    s +=
      "`visage eval s2f --variant \(variant.rawValue) --from \(from)` on \(faces) test-split identities (edits on the first \(min(faces, 12)), starting from the \(from) encoder's latent). Weights: \(record).\n\n"
    s += "| sketch → face vs paired render | value |\n|---|---|\n"
    s += "| SSIM (luminance) | \(String(format: "%.3f", sketchSSIM)) |\n"
    s +=
      "| SSIM inside the person (backdrop excluded) | \(String(format: "%.3f", sketchSSIMPerson)) |\n"
    s += "| PSNR | \(String(format: "%.2f dB", sketchPSNR)) |\n"
    s += "| L1 | \(String(format: "%.4f", sketchL1)) |\n"
    s +=
      "| photo → face SSIM / PSNR | \(String(format: "%.3f / %.2f dB", photoSSIM, photoPSNR)) |\n"
    s +=
      "| photo → face SSIM inside the person | \(String(format: "%.3f", photoSSIMPerson)) |\n"
    s +=
      "| spread across faces (per-pixel SD): renders / decoded from photos / from sketches | \(String(format: "%.3f / %.3f / %.3f", renderSpread, photoSpread, sketchSpread)) |\n"
    s +=
      "| latent spread across faces (per-dimension SD of the global latent): photos / sketches | \(String(format: "%.3f / %.3f", photoLatentSpread, sketchLatentSpread)) |\n"
    if let c = ceiling {
      s +=
        "| ceiling: mean of \(c.lightings) other lightings of the same face and pose, SSIM / inside the person | \(String(format: "%.3f / %.3f", c.ssim, c.ssimPerson)) |\n"
      s +=
        "| one other lighting of the same face and pose, SSIM | \(String(format: "%.3f", c.ssimOneLighting)) |\n"
    }
    s += "\n"
    if let c = ceiling {
      s +=
        "The ceiling rows score the renderer against itself: a sketch does not show the light, the backdrop or the camera settings that the paired render draws at random, so the best a deterministic model can return is about their mean (`SketchCeiling`). That model is even given the true skin, hair and eye colours, which a line drawing lacks, so \(String(format: "%.3f", c.ssim)) is a generous estimate of the best whole-image SSIM that any sketch → face model can reach on this data.\n\n"
    }
    s +=
      "Edits flip each attribute to the other side (judge labels). Success: the judge sees the new side. Preservation: the other attributes keep their judge labels. Monotonic: the judge logit does not decrease along the slider sweep −1, −0.5, 0, 0.5, 1. Identity: cosine of judge embeddings before and after the edit (same identity, other render: \(String(format: "%.3f", sameIdentityLevel)); other identities: \(String(format: "%.3f", otherIdentityLevel))). Decoded as rendered: on all \(faces) faces, the share whose decoded face before any edit the judge reads with the render's own label (an attribute the decoder does not draw cannot be edited either).\n\n"
    s +=
      "Score spread: the standard deviation across the \(faces) faces of the DIS score the edits start from (near 0: the global latent says nothing about the attribute, and every face gets the same amount). Layout move and alignment (photo latents of the edit faces, with a layout latent only): the edit's move of the layout maps as a fraction of the photo encoder's move between the render and the render with the attribute flipped, and the cosine between the two moves (1: the edit moves the maps the way the real change does); both with the layout editor's calibrated gains when the weights have them, as the sliders use them.\n\n"
    s +=
      "| attribute | success | preservation | monotonic | identity | decoded as rendered | score spread | layout move | alignment |\n|---|---|---|---|---|---|---|---|---|\n"
    for row in rows {
      let move = row.layoutMove.map { String(format: "%.2f", $0.ratio) } ?? "–"
      let align = row.layoutMove.map { String(format: "%.2f", $0.alignment) } ?? "–"
      s +=
        "| \(row.name) | \(percent(row.success)) | \(percent(row.preservation)) | \(percent(row.monotonic)) | \(String(format: "%.3f", row.identity)) | \(percent(row.reconstructed)) | \(String(format: "%.3f", row.scoreSpread)) | \(move) | \(align) |\n"
    }
    for f in figures { s += "\n![\(f)](\(f))\n" }
    return s
  }
}

/// Cosine similarity of row `i` of `a` and row `j` of `b` (rows already normalized).
func cosine(_ a: Tensor, _ i: Int, _ b: Tensor, _ j: Int) -> Double {
  let d = a.shape[1]
  let av = a.scalars
  let bv = b.scalars
  var s = 0.0
  for k in 0..<d { s += Double(av[i * d + k] * bv[j * d + k]) }
  return s
}
