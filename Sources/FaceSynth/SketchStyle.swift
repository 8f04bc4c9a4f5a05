// The sketch styles FaceSynth draws.

/// A sketch style; `pencil` is held out of train and val and used only in the test split.
public enum SketchStyle: Int, Sendable, CaseIterable, Codable, CustomStringConvertible {
  /// Clean line drawing straight from the geometry.
  case lines
  /// XDoG (extended difference of Gaussians) of the rendered face.
  case xdog
  /// Geometry lines degraded: wobble, missing strokes, varied thickness.
  case rough
  /// Pencil-by-dodge tonal sketch with a light wobble (held out for testing).
  case pencil

  /// The lower-case name.
  public var description: String {
    switch self {
    case .lines: "lines"
    case .xdog: "xdog"
    case .rough: "rough"
    case .pencil: "pencil"
    }
  }

  /// The style drawn for a sample of `split`, from a uniform `u` in [0, 1).
  ///
  /// Train and val: 40% lines, 30% XDoG, 30% rough. Test: 25% each, including pencil.
  public static func sampled(split: Split, u: Float) -> SketchStyle {
    if split == .test { return SketchStyle(rawValue: min(3, Int(u * 4)))! }
    return u < 0.4 ? .lines : (u < 0.7 ? .xdog : .rough)
  }
}
