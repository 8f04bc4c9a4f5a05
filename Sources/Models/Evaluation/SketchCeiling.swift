// How close any deterministic sketch → face model can come to the paired render.

import FaceSynth
import Foundation
import Imaging

/// The SSIM a deterministic sketch → face model could reach at best against FaceSynth's paired
/// renders, estimated from the renderer itself.
///
/// A sketch shows the geometry, pose and framing of a face but not the light, the backdrop or
/// the camera (white balance, exposure, contrast, vignette, noise), which the paired render draws
/// at random. The best a deterministic model can return is about the mean over those unknowns,
/// so each face is rendered under `lightings` other render settings that keep its pose, framing
/// and gaze, and the mean image is scored against the paired render. The estimate is generous:
/// the model is also given the skin, hair and eye colours, which a line drawing does not show.
public struct SketchCeiling: Sendable {
  /// SSIM (luminance) of the mean image against the paired render, whole image.
  public var ssim = 0.0
  /// The same inside the person (parsing map not backdrop).
  public var ssimPerson = 0.0
  /// SSIM of a single other lighting against the paired render: what a model that guesses one
  /// plausible lighting would get.
  public var ssimOneLighting = 0.0
  public var faces = 0
  public var lightings = 0

  /// Estimates the ceiling on `params` (the evaluation's faces) at `size`.
  public static func estimate(
    params: [FaceParams], size: Int, lightings: Int = 16, threads: Int = 2
  ) -> SketchCeiling {
    precondition(lightings >= 1, "at least one lighting")
    var r = SketchCeiling()
    r.faces = params.count
    r.lightings = lightings
    for (i, p) in params.enumerated() {
      let truth = FaceSynth.render(p, size: size)
      let variants = (0..<lightings).map { j -> FaceParams in
        var q = p
        var s = RenderSettings(renderSeed: 0x5EED_0000 &+ UInt64(i * 997 + j))
        s.yaw = p.render.yaw
        s.pitch = p.render.pitch
        s.roll = p.render.roll
        s.scale = p.render.scale
        s.shiftX = p.render.shiftX
        s.shiftY = p.render.shiftY
        s.gazeX = p.render.gazeX
        s.gazeY = p.render.gazeY
        q.render = s
        return q
      }
      let faces = FaceSynth.render(variants, size: size, threads: threads).map(\.face)
      var mean = [Float](repeating: 0, count: truth.face.pixels.count)
      for f in faces {
        for t in mean.indices { mean[t] += f.pixels[t] }
      }
      let inv = 1 / Float(lightings)
      let meanImage = Image(
        width: size, height: size, channels: 3, pixels: mean.map { $0 * inv })
      let person = truth.parsing.map { $0 != FaceClass.background.rawValue }
      r.ssim += ImageMetrics.ssim(meanImage, truth.face)
      r.ssimPerson += ImageMetrics.ssim(meanImage, truth.face, within: person)
      r.ssimOneLighting += ImageMetrics.ssim(faces[0], truth.face)
    }
    let n = Double(max(params.count, 1))
    r.ssim /= n
    r.ssimPerson /= n
    r.ssimOneLighting /= n
    return r
  }
}
