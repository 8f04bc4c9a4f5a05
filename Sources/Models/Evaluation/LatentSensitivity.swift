// What the photo encoder's latents respond to: colour, backdrop, or a line drawing.

import FaceSynth
import Foundation
import Imaging
import NN
import Tensor

/// Measures how much of the photo latents' spread over faces each change to the input explains.
///
/// Encodes validation renders (`[N, 3, S, S]`) and, for each variant of the same renders (grey
/// photo, flat grey backdrop, the paired sketch drawn as an image), reports the mean squared
/// change of the latents as a share of their variance across faces, and the variants' own
/// spread. A latent that mostly follows the backdrop cannot be predicted from a sketch.
public struct LatentSensitivity {
  /// One input variant.
  public struct Row {
    public var name: String
    /// Mean squared latent change (per dimension) against the unchanged photos.
    public var change: Double
    /// Mean squared deviation of the variant's latents from their own mean.
    public var spread: Double
  }

  public var faces: Int
  /// Mean squared deviation of the photo latents from their mean, per dimension.
  public var variance: Double
  public var rows: [Row]

  /// Encodes `count` (at least 2) validation renders and their variants with `model`'s photo
  /// encoder.
  public static func run(model: S2FGAN, count: Int, threads: Int) -> LatentSensitivity {
    precondition(count >= 2, "a spread needs at least two faces")
    let size = model.config.imageSize
    let params = (0..<count).map {
      FaceSynth.params(index: $0, seed: 1, split: .val, variant: 0)
    }
    let samples = FaceSynth.render(params, size: size, threads: threads)
    let r = encode(model, samples.map(\.face))
    let variance = spread(r)
    let variants: [(String, (FaceSample) -> Image)] = [
      ("grey photo", { $0.face.converted(channels: 1).converted(channels: 3) }),
      ("flat grey backdrop", flatBackdrop),
      ("sketch drawn as a photo", { $0.sketch.converted(channels: 3) }),
    ]
    let rows = variants.map { name, make in
      let q = encode(model, samples.map(make))
      return Row(name: name, change: Double((q - r).squared().mean().item), spread: spread(q))
    }
    return LatentSensitivity(faces: count, variance: variance, rows: rows)
  }

  /// A markdown table of the measurement.
  public func markdown(record: String) -> String {
    var md = "## S2FGAN-lite: what the photo latents follow\n\n"
    md += "`visage eval latents` on \(faces) validation renders. Weights: \(record).\n\n"
    md += String(
      format: "Variance of the photo latents across faces: %.4f per dimension.\n\n", variance)
    md +=
      "| input instead of the photo | latent change (share of the variance) | its own spread |\n"
    md += "|---|---|---|\n"
    for row in rows {
      md += String(
        format: "| %@ | %.4f (%.0f%%) | %.4f |\n", row.name, row.change,
        100 * row.change / max(variance, 1e-12), row.spread)
    }
    return md
  }

  static func encode(_ model: S2FGAN, _ images: [Image]) -> Tensor {
    var parts: [Tensor] = []
    for start in stride(from: 0, to: images.count, by: 32) {
      let batch = Image.batchTensor(Array(images[start..<min(images.count, start + 32)]))
      parts.append(withNoGrad { model.encode(photo: batch) })
    }
    return Tensor.concat(parts, axis: 0)
  }

  static func spread(_ r: Tensor) -> Double {
    Double((r - r.mean(axes: [0], keepDims: true)).squared().mean().item)
  }

  static func flatBackdrop(_ s: FaceSample) -> Image {
    var g = s.face
    for p in 0..<(g.width * g.height) where s.parsing[p] == FaceClass.background.rawValue {
      for c in 0..<3 { g.pixels[3 * p + c] = 0.5 }
    }
    return g
  }
}
