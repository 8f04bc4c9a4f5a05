// The attribute-independent traits of one identity.

/// Everything about an identity that is not an attribute latent: proportions, colours,
/// styles and texture seeds, all drawn from the identity seed.
///
/// Attribute latents modulate these traits in `FaceRig`, so overriding an attribute keeps
/// the rest of the identity unchanged.
public struct IdentityTraits: Sendable, Equatable {
  // Head.
  /// Half width of the face at the cheekbones, in IOD (inter-pupil distance) units.
  public var faceHalfWidth: Float
  /// Chin height below the eye line, in IOD.
  public var chinY: Float
  /// Jaw half width over cheek half width.
  public var jawRatio: Float
  /// Superellipse exponent of the jaw (2 oval, 3 square).
  public var jawExponent: Float
  /// Top of the skull above the eye line (negative y), in IOD.
  public var craniumTop: Float
  // Eyes.
  /// Half width of one eye fissure, in IOD.
  public var eyeHalfWidth: Float
  /// Aperture height over fissure width for an eye that is not narrow.
  public var eyeAperture: Float
  /// Upward tilt of the outer eye corners, in IOD.
  public var eyeTilt: Float
  /// Iris colour in sRGB.
  public var irisColour: SIMD3<Float>
  /// Iris radius in IOD.
  public var irisRadius: Float
  // Brows.
  /// Height of the brows above the eye line, in IOD (positive).
  public var browHeight: Float
  /// Brow thickness in IOD.
  public var browThickness: Float
  /// Height of the brow arch over the straight chord, in IOD.
  public var browArch: Float
  // Nose and mouth.
  /// Nose tip height below the eye line, in IOD.
  public var noseY: Float
  /// Half the alar width, in IOD.
  public var noseHalfWidth: Float
  /// Mouth (stomion) height below the eye line, in IOD.
  public var mouthY: Float
  /// Half the mouth width, in IOD.
  public var mouthHalfWidth: Float
  /// Upper-lip height, in IOD.
  public var upperLip: Float
  /// Lower-lip height, in IOD.
  public var lowerLip: Float
  /// Whether the smile of this identity shows teeth.
  public var smileTeeth: Bool
  // Ears and neck.
  /// Ear size factor around 1.
  public var earSize: Float
  /// Neck half width, in IOD.
  public var neckHalfWidth: Float
  // Skin.
  /// Position within the skin-tone band (0 lightest, 1 darkest).
  public var skinTone: Float
  /// Undertone: negative cool/pink, positive warm/yellow.
  public var undertone: Float
  /// Redness (haemoglobin) of cheeks, nose and lips.
  public var redness: Float
  /// Freckle density (0 for most identities).
  public var freckles: Float
  // Hair.
  /// Hair style: 0 short crop, 1 side-part short, 2 bob, 3 long straight, 4 long wavy, 5 bun.
  public var hairStyle: Int
  /// Extra hair volume around the skull, in IOD.
  public var hairVolume: Float
  /// Horizontal position of the part, in IOD.
  public var hairPart: Float
  /// Hairline height above the eye line when there are no bangs, in IOD (positive).
  public var hairline: Float
  /// Fringe style: 0 straight, 1 side-swept, 2 jagged.
  public var bangStyle: Int
  /// Shade within the hair-colour class, 0 light to 1 dark.
  public var hairShade: Float
  /// Hue jitter of the hair colour.
  public var hairHue: Float
  // Facial hair, glasses, makeup, clothes.
  /// Beard style: 0 full, 1 goatee, 2 chin strap.
  public var beardStyle: Int
  /// Mustache style: 0 chevron, 1 pencil, 2 horseshoe.
  public var mustacheStyle: Int
  /// Glasses frame: 0 round, 1 rectangle, 2 aviator.
  public var glassesShape: Int
  /// Frame colour in sRGB.
  public var frameColour: SIMD3<Float>
  /// Frame thickness in IOD.
  public var frameThickness: Float
  /// Lens tint opacity (sunglasses above 0.5).
  public var lensTint: Float
  /// Makeup amount in [0, 1].
  public var makeup: Float
  /// Lipstick colour in sRGB.
  public var lipstick: SIMD3<Float>
  /// Eyeshadow colour in sRGB.
  public var eyeshadow: SIMD3<Float>
  /// Clothing colour in sRGB.
  public var clothColour: SIMD3<Float>
  /// Neckline: 0 round, 1 V, 2 collar.
  public var neckline: Int
  /// Strength of the shaved-beard shadow on male-latent faces, in [0.4, 1].
  public var stubble: Float
  /// Clothing pattern: 0 plain, 1 stripes, 2 dots.
  public var clothPattern: Int
  /// Second clothing colour (stripes, dots) in sRGB.
  public var clothColour2: SIMD3<Float>
  /// Seed of all identity textures (skin noise, hair strands, freckles).
  public var textureSeed: UInt64

  /// Draws the traits of `identitySeed`; `male` only shifts soft priors (makeup, hair).
  public init(identitySeed: UInt64, maleLatent: Float, decorrelated: Bool) {
    var g = SplitMix64(seed: identitySeed, stream: 1)
    let m = decorrelated ? 0.5 : maleLatent
    faceHalfWidth = g.normal(1.08, 0.045)
    chinY = g.normal(1.9, 0.07)
    jawRatio = g.normal(0.76, 0.03)
    jawExponent = g.normal(2.35, 0.12)
    craniumTop = g.normal(-1.6, 0.06)
    eyeHalfWidth = g.normal(0.245, 0.012)
    eyeAperture = g.normal(0.42, 0.025)
    eyeTilt = g.normal(0.015, 0.02)
    let irises: [SIMD3<Float>] = [
      [0.30, 0.18, 0.10], [0.18, 0.11, 0.07], [0.45, 0.35, 0.18], [0.30, 0.45, 0.28],
      [0.30, 0.48, 0.68], [0.45, 0.52, 0.58],
    ]
    let iris = irises[g.pick([3, 3, 1.5, 1, 1.5, 0.7])]
    irisColour = iris * g.uniform(0.85, 1.15)
    irisRadius = g.normal(0.105, 0.005)
    browHeight = g.normal(0.36, 0.025)
    browThickness = g.normal(0.065, 0.008)
    browArch = g.normal(0.055, 0.012)
    noseY = g.normal(0.8, 0.04)
    noseHalfWidth = g.normal(0.27, 0.015)
    mouthY = g.normal(1.25, 0.04)
    mouthHalfWidth = g.normal(0.41, 0.025)
    upperLip = g.normal(0.085, 0.008)
    lowerLip = g.normal(0.11, 0.01)
    smileTeeth = g.chance(0.55)
    earSize = g.normal(1, 0.06)
    neckHalfWidth = g.normal(0.6, 0.03)

    var s = SplitMix64(seed: identitySeed, stream: 2)
    skinTone = s.uniform()
    undertone = s.uniform(-1, 1)
    redness = s.uniform(0, 1)
    freckles = s.chance(0.1) ? s.uniform(0.3, 1) : 0

    var h = SplitMix64(seed: identitySeed, stream: 3)
    let longWeight: Float = 0.2 + 0.6 * (1 - m)
    hairStyle = h.pick([1 - longWeight, 1 - longWeight, 0.6, longWeight, longWeight, 0.4])
    hairVolume = h.uniform(0.06, 0.2)
    hairPart = h.uniform(-0.45, 0.45)
    hairline = h.normal(1.2, 0.06)
    bangStyle = h.index(3)
    hairShade = h.uniform()
    hairHue = h.uniform(-1, 1)

    var a = SplitMix64(seed: identitySeed, stream: 4)
    beardStyle = a.pick([0.6, 0.25, 0.15])
    mustacheStyle = a.index(3)
    glassesShape = a.index(3)
    // Black, tortoise, gold, silver, red, navy, white; mostly dark plastic, as in photographs
    // (light frames across the eyes of a dark face hid it from real-photo face detectors).
    // Metal (gold, silver) frames are thinner.
    let frames: [SIMD3<Float>] = [
      [0.05, 0.05, 0.05], [0.35, 0.2, 0.1], [0.75, 0.6, 0.3], [0.7, 0.7, 0.72], [0.6, 0.1, 0.1],
      [0.1, 0.15, 0.4], [0.9, 0.9, 0.9],
    ]
    let frame = a.pick([0.3, 0.2, 0.1, 0.15, 0.07, 0.1, 0.08])
    frameColour = frames[frame] * a.uniform(0.8, 1.2)
    frameThickness = a.uniform(0.055, 0.095) * (frame == 2 || frame == 3 ? 0.6 : 1)
    lensTint = a.chance(0.15) ? a.uniform(0.6, 0.85) : a.uniform(0, 0.12)
    makeup = a.chance(0.15 + 0.55 * (1 - m)) ? a.uniform(0.4, 1) : 0
    let lipsticks: [SIMD3<Float>] = [
      [0.75, 0.1, 0.15], [0.8, 0.35, 0.4], [0.5, 0.1, 0.2], [0.85, 0.3, 0.25], [0.6, 0.25, 0.3],
    ]
    lipstick = lipsticks[a.index(lipsticks.count)]
    let shadows: [SIMD3<Float>] = [
      [0.4, 0.3, 0.3], [0.3, 0.3, 0.45], [0.45, 0.35, 0.25], [0.3, 0.4, 0.35], [0.5, 0.3, 0.45],
    ]
    eyeshadow = shadows[a.index(shadows.count)]
    clothColour = SIMD3(a.uniform(0.05, 0.9), a.uniform(0.05, 0.9), a.uniform(0.05, 0.9))
    neckline = a.index(3)
    stubble = a.uniform(0.4, 1)
    clothPattern = a.pick([0.7, 0.2, 0.1])
    clothColour2 = SIMD3(a.uniform(0.05, 0.95), a.uniform(0.05, 0.95), a.uniform(0.05, 0.95))
    textureSeed = SplitMix64.mix(identitySeed, 0x7E47)
  }
}
