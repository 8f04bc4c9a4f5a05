// The face-parsing classes (CelebAMask-HQ order).

/// A face-parsing class in the CelebAMask-HQ 19-class order.
///
/// Convention: `l_` and `r_` refer to the image side (`lEye` is the eye on the image left).
/// Facial hair is labelled skin (as CelebAMask-HQ does); glasses frames and tinted lenses
/// (sunglasses) are `eyeG`, clear lenses take the class behind them.
public enum FaceClass: UInt8, Sendable, CaseIterable, Codable, CustomStringConvertible {
  case background = 0, skin, nose, eyeG, lEye, rEye, lBrow, rBrow, lEar, rEar, mouth, uLip, lLip
  case hair, hat, earR, neckL, neck, cloth

  /// The CelebAMask-HQ class name, such as `eye_g`.
  public var description: String {
    ParsingMap.names[Int(rawValue)]
  }
}
