// The attributes a face carries, as continuous latents with binary labels.

/// A face attribute: a continuous latent in [0, 1] whose binary label is `latent > 0.5`.
///
/// Sampled latents are bimodal (negatives in [0, 0.35], positives in [0.65, 1]) so labels
/// have a margin; any value in [0, 1] can be set through `FaceParams.setAttribute`.
/// The four hair colours are one-of-four: setting one above 0.5 pushes the others below it.
public enum Attribute: Int, Sendable, CaseIterable, Codable, CustomStringConvertible {
  case smiling, male, noBeard, eyeglasses, young, bangs, narrowEyes, paleSkin
  case bigLips, bigNose, mustache, chubby
  case blackHair, blondHair, brownHair, grayHair

  /// The CelebA-style name, such as `No_Beard`.
  public var description: String {
    switch self {
    case .smiling: "Smiling"
    case .male: "Male"
    case .noBeard: "No_Beard"
    case .eyeglasses: "Eyeglasses"
    case .young: "Young"
    case .bangs: "Bangs"
    case .narrowEyes: "Narrow_Eyes"
    case .paleSkin: "Pale_Skin"
    case .bigLips: "Big_Lips"
    case .bigNose: "Big_Nose"
    case .mustache: "Mustache"
    case .chubby: "Chubby"
    case .blackHair: "Black_Hair"
    case .blondHair: "Blond_Hair"
    case .brownHair: "Brown_Hair"
    case .grayHair: "Gray_Hair"
    }
  }

  /// The hair-colour attributes, in order.
  public static let hairColours: [Attribute] = [.blackHair, .blondHair, .brownHair, .grayHair]

  /// True for the four hair-colour attributes.
  public var isHairColour: Bool { rawValue >= Attribute.blackHair.rawValue }

  /// The latent threshold that separates negative from positive labels.
  public static let threshold: Float = 0.5
}
