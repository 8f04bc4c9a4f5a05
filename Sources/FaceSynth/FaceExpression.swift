// The eight RaFD expressions.

/// One of RaFD's eight expressions, rendered from facial action units.
///
/// (Named `FaceExpression` because Foundation has its own `Expression` type.)
public enum FaceExpression: Int, Sendable, CaseIterable, Codable, CustomStringConvertible {
  case neutral, happy, sad, angry, surprised, disgusted, fearful, contemptuous

  /// The lower-case name, such as `contemptuous`.
  public var description: String {
    switch self {
    case .neutral: "neutral"
    case .happy: "happy"
    case .sad: "sad"
    case .angry: "angry"
    case .surprised: "surprised"
    case .disgusted: "disgusted"
    case .fearful: "fearful"
    case .contemptuous: "contemptuous"
    }
  }

  /// Parses a name such as `happy`.
  public init?(name: String) {
    guard let e = FaceExpression.allCases.first(where: { $0.description == name.lowercased() })
    else { return nil }
    self = e
  }
}
