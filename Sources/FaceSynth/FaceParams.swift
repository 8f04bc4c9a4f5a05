// The single parameter vector from which every output of a sample is rendered.

/// All parameters of one rendered sample, derived from hierarchical seeds.
///
/// Seeds: the identity seed fixes traits and attribute latents; the render seed (identity and
/// variant) fixes pose, light, background and sensor noise; the expression seed (identity and
/// expression) fixes the action-unit variant. Image, sketch, parsing map, landmarks and labels
/// are all rendered from this value, so they agree by construction.
///
/// To make paired edits, copy the parameters and change one attribute or the expression:
/// ```
/// var edited = params
/// edited.setAttribute(.eyeglasses, 1)
/// ```
public struct FaceParams: Sendable, Equatable {
  /// The identity seed (its hash decides the split).
  public let identitySeed: UInt64
  /// The render variant of this identity (0 for the default pose, light and background).
  public let variant: Int
  /// Attribute-independent identity traits.
  public var identity: IdentityTraits
  /// Camera, light, background and post-processing.
  public var render: RenderSettings
  /// Continuous attribute latents in [0, 1], indexed by `Attribute.rawValue`.
  public private(set) var attributes: [Float]
  /// True when the attributes were drawn independently (the decorrelated slice).
  public let decorrelated: Bool
  /// The expression.
  public private(set) var expression: FaceExpression
  /// The expression intensity in [0, 1].
  public private(set) var intensity: Float
  /// The action units of the expression (the Smiling attribute adds AU6/AU12 on top).
  public private(set) var actionUnits: ActionUnits
  /// The sketch style.
  public var sketchStyle: SketchStyle

  /// Fraction of identities whose attributes are sampled independently of each other.
  public static let decorrelatedFraction: Float = 0.15

  /// Draws the parameters of an identity, in `split` (which only affects the sketch style).
  public init(identitySeed: UInt64, variant: Int = 0, split: Split? = nil) {
    self.identitySeed = identitySeed
    self.variant = variant
    var g = SplitMix64(seed: identitySeed, stream: 0xA77)
    decorrelated = g.chance(FaceParams.decorrelatedFraction)
    attributes = FaceParams.sampleAttributes(&g, decorrelated: decorrelated)
    identity = IdentityTraits(
      identitySeed: identitySeed, maleLatent: attributes[Attribute.male.rawValue],
      decorrelated: decorrelated)
    let renderSeed = SplitMix64.mix(identitySeed, 0x4E0 &+ UInt64(variant))
    render = RenderSettings(renderSeed: renderSeed)
    expression = .neutral
    intensity = 1
    var noise = SplitMix64(seed: identitySeed, stream: 0xE0)
    var e = SplitMix64(seed: identitySeed, stream: 0xE100)
    actionUnits = ActionUnits.prototype(.neutral, intensity: 1, noise: &noise, rng: &e)
    sketchStyle = SketchStyle.sampled(
      split: split ?? Split.of(identitySeed: identitySeed), u: render.sketchPick)
  }

  /// The latent of one attribute.
  public func attribute(_ a: Attribute) -> Float { attributes[a.rawValue] }

  /// Sets attribute `a` to `value` (clamped to [0, 1]); everything else stays the same.
  ///
  /// For a hair colour above 0.5 the other hair colours are capped at `1 - value`.
  public mutating func setAttribute(_ a: Attribute, _ value: Float) {
    let v = max(0, min(1, value))
    attributes[a.rawValue] = v
    if a.isHairColour && v > 0.5 {
      for other in Attribute.hairColours where other != a {
        attributes[other.rawValue] = min(attributes[other.rawValue], 1 - v)
      }
    }
  }

  /// Sets the attribute with raw index `index` (`Attribute.rawValue`) to `value`.
  public mutating func setAttribute(index: Int, _ value: Float) {
    setAttribute(Attribute(rawValue: index)!, value)
  }

  /// A copy with attribute `a` set to `value`.
  public func with(_ a: Attribute, _ value: Float) -> FaceParams {
    var p = self
    p.setAttribute(a, value)
    return p
  }

  /// Sets the expression and its intensity; the AU variant comes from the expression seed, or
  /// is the canonical variant with `canonical` (see ``ActionUnits/prototype(_:intensity:noise:rng:canonical:)``).
  ///
  /// The Smiling latent is lowered to at most 0.15, so every expression (neutral included)
  /// starts from a non-smiling mouth; set Smiling afterwards to add a smile on top.
  public mutating func setExpression(
    _ e: FaceExpression, intensity: Float = 1, canonical: Bool = false
  ) {
    expression = e
    let smile = Attribute.smiling.rawValue
    attributes[smile] = min(attributes[smile], 0.15)
    self.intensity = max(0, min(1, intensity))
    var noise = SplitMix64(seed: identitySeed, stream: 0xE0)
    var g = SplitMix64(seed: identitySeed, stream: 0xE100 &+ UInt64(e.rawValue))
    actionUnits = ActionUnits.prototype(
      e, intensity: self.intensity, noise: &noise, rng: &g, canonical: canonical)
  }

  /// A copy with another expression (its canonical variant with `canonical`).
  public func with(_ e: FaceExpression, intensity: Float = 1, canonical: Bool = false)
    -> FaceParams
  {
    var p = self
    p.setExpression(e, intensity: intensity, canonical: canonical)
    return p
  }

  /// The latents as rendered: Smiling is at least the intensity of a happy expression.
  public var effectiveAttributes: [Float] {
    var a = attributes
    if expression == .happy {
      a[Attribute.smiling.rawValue] = max(a[Attribute.smiling.rawValue], intensity)
    }
    return a
  }

  /// Binary labels (`latent > 0.5`), indexed by `Attribute.rawValue`.
  public var labels: [Bool] { effectiveAttributes.map { $0 > Attribute.threshold } }

  /// The smile strength the renderer applies on top of a neutral expression.
  var smileStrength: Float {
    ramp(attributes[Attribute.smiling.rawValue])
  }

  /// Draws bimodal latents with soft correlations (independent in the decorrelated slice).
  static func sampleAttributes(_ g: inout SplitMix64, decorrelated: Bool) -> [Float] {
    var a = [Float](repeating: 0, count: Attribute.allCases.count)
    func draw(_ p: Float) -> Float {
      let positive = g.chance(decorrelated ? 0.5 : p)
      return positive ? g.uniform(0.65, 1) : g.uniform(0, 0.35)
    }
    let male = draw(0.5)
    let isMale = male > 0.5
    a[Attribute.male.rawValue] = male
    let young = draw(0.55)
    a[Attribute.young.rawValue] = young
    a[Attribute.smiling.rawValue] = draw(0.48)
    a[Attribute.eyeglasses.rawValue] = draw(0.3)
    a[Attribute.bangs.rawValue] = draw(isMale ? 0.22 : 0.45)
    a[Attribute.narrowEyes.rawValue] = draw(0.35)
    a[Attribute.paleSkin.rawValue] = draw(0.3)
    a[Attribute.bigLips.rawValue] = draw(isMale ? 0.25 : 0.45)
    a[Attribute.bigNose.rawValue] = draw(isMale ? 0.45 : 0.25)
    a[Attribute.chubby.rawValue] = draw(0.3)
    let beard = draw(isMale ? 0.45 : 0.04)
    a[Attribute.noBeard.rawValue] = 1 - beard
    a[Attribute.mustache.rawValue] = draw(isMale ? (beard > 0.5 ? 0.6 : 0.25) : 0.04)
    let weights: [Float] =
      decorrelated
      ? [1, 1, 1, 1] : (young > 0.5 ? [0.35, 0.25, 0.33, 0.07] : [0.22, 0.15, 0.23, 0.4])
    let winner = g.pick(weights)
    for (i, colour) in Attribute.hairColours.enumerated() {
      a[colour.rawValue] = i == winner ? g.uniform(0.65, 1) : g.uniform(0, 0.3)
    }
    return a
  }
}

/// The effect strength of a latent: 0 below 0.2, 1 above 0.8, linear between.
@inline(__always) func ramp(_ latent: Float) -> Float { max(0, min(1, (latent - 0.2) / 0.6)) }

/// The effect strength of an attribute latent: a smoothstep from 0.25 to 0.75.
///
/// Sampled latents sit in [0, 0.35] (label off) or [0.65, 1] (label on); this curve maps
/// them to at most 0.10 and at least 0.90, so the faintest positive is clearly stronger than
/// the strongest negative (a linear ramp gave 0.25 against 0.75, and faint mustaches or
/// slightly full lips were a coin toss at 128×128). Values in between stay continuous for
/// sliders.
@inline(__always) func visibility(_ latent: Float) -> Float {
  let t = max(0, min(1, (latent - 0.25) / 0.5))
  return t * t * (3 - 2 * t)
}
