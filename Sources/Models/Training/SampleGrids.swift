// Sample grids written during training.

import FaceSynth
import Imaging
import Tensor

/// Fixed validation inputs and the grids drawn from them.
public enum SampleGrids {
  /// One row per validation identity: the source, then every expression at full intensity.
  public static func sargan(_ g: SARGANGenerator, size: Int, rows: Int = 4) -> Image {
    var tiles: [Image] = []
    let e = FaceExpression.allCases.count
    for i in 0..<rows {
      let src = FaceSynth.sample(index: i, seed: 99, split: .val, size: size).face
      let x = src.tensor()
      tiles.append(src)
      withNoGrad {
        let xs = Tensor.concat([Tensor](repeating: x, count: e), axis: 0)
        let c = oneHot(Array(0..<e), count: e)
        let y = g(xs, condition: c).image
        for k in 0..<e { tiles.append(Image(tensor: y, index: k)) }
      }
    }
    return Image.grid(tiles, columns: e + 1)
  }

  /// One row per validation identity: sketch, photo, face from the sketch, face from the photo,
  /// then a few attribute flips from the sketch latent.
  public static func s2f(_ m: S2FGAN, size: Int, rows: Int = 4, variant: EditVariant = .dis)
    -> Image
  {
    var tiles: [Image] = []
    let flips: [Attribute] = [.smiling, .male, .eyeglasses, .young, .blondHair]
    for i in 0..<rows {
      let sample = FaceSynth.sample(index: i, seed: 98, split: .val, size: size)
      let sketch = sample.sketch.converted(channels: 1)
      tiles.append(sketch.converted(channels: 3))
      tiles.append(sample.face)
      withNoGrad {
        let s = (1 - sketch.tensor()) * 0.5
        let rs = m.encode(sketch: s)
        let r = m.encode(photo: sample.face.tensor())
        var latents = [rs, r]
        let scores = m.scores(rs).scalars
        for a in flips {
          var targets = [Float?](repeating: nil, count: m.config.attributeCount)
          if a.rawValue < targets.count { targets[a.rawValue] = scores[a.rawValue] > 0 ? -1 : 1 }
          latents.append(m.edit(rs, targets: targets, variant: variant))
        }
        let y = m.decode(Tensor.concat(latents, axis: 0))
        for k in 0..<latents.count { tiles.append(Image(tensor: y, index: k)) }
      }
    }
    return Image.grid(tiles, columns: 4 + flips.count)
  }
}
