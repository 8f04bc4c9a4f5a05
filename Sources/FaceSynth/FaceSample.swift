// One rendered training sample.

import Imaging

/// A rendered sample: image, sketch, parsing map, landmarks and labels, all from one
/// `FaceParams`.
public struct FaceSample: Sendable {
  /// The parameters the sample was rendered from (edit them and re-render for pairs).
  public let params: FaceParams
  /// The face, RGB in [0, 1].
  public let face: Image
  /// The sketch, gray (one channel), dark strokes on white.
  public let sketch: Image
  /// The sketch style used.
  public let sketchStyle: SketchStyle
  /// The parsing map (`FaceClass` raw values, CelebAMask-HQ order), row-major.
  public let parsing: [UInt8]
  /// The 35 landmarks in pixel coordinates (see `Landmarks`).
  public let landmarks: [SIMD2<Float>]
  /// Continuous attribute latents as rendered, indexed by `Attribute.rawValue`.
  public let attributes: [Float]
  /// Binary attribute labels, indexed by `Attribute.rawValue`.
  public let labels: [Bool]
  /// The expression.
  public let expression: FaceExpression
  /// The expression intensity in [0, 1].
  public let intensity: Float
  /// The action-unit intensities, in the order of `ActionUnits.numbers`.
  public let actionUnits: [Float]

  /// The image side length in pixels.
  public var size: Int { face.width }
  /// The identity seed (its hash determines the split).
  public var identitySeed: UInt64 { params.identitySeed }
}
