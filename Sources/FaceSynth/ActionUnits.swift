// Facial action units (FACS) and the expression prototypes built from them.

/// Intensities in [0, 1] of the facial action units FaceSynth renders.
///
/// AU12 and AU14 can be one-sided: `side` is 0 for both sides, +1 for the image-right corner
/// only and -1 for the image-left corner only (contempt picks a side at random).
public struct ActionUnits: Sendable, Equatable {
  /// The AU numbers, in the order of `values`.
  public static let numbers: [Int] = [
    1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 16, 17, 20, 23, 25, 26, 43,
  ]

  /// Inner brow raiser.
  public var au1: Float = 0
  /// Outer brow raiser.
  public var au2: Float = 0
  /// Brow lowerer.
  public var au4: Float = 0
  /// Upper lid raiser.
  public var au5: Float = 0
  /// Cheek raiser.
  public var au6: Float = 0
  /// Lid tightener.
  public var au7: Float = 0
  /// Nose wrinkler.
  public var au9: Float = 0
  /// Upper lip raiser.
  public var au10: Float = 0
  /// Lip corner puller (smile).
  public var au12: Float = 0
  /// Dimpler.
  public var au14: Float = 0
  /// Lip corner depressor.
  public var au15: Float = 0
  /// Lower lip depressor.
  public var au16: Float = 0
  /// Chin raiser.
  public var au17: Float = 0
  /// Lip stretcher.
  public var au20: Float = 0
  /// Lip tightener.
  public var au23: Float = 0
  /// Lips part.
  public var au25: Float = 0
  /// Jaw drop.
  public var au26: Float = 0
  /// Eyes closing (lid droop).
  public var au43: Float = 0
  /// Side of the one-sided AU12/AU14: 0 both, +1 image-right, -1 image-left.
  public var side: Float = 0

  /// Creates all-zero action units.
  public init() {}

  /// The intensities in the order of `ActionUnits.numbers`.
  public var values: [Float] {
    [
      au1, au2, au4, au5, au6, au7, au9, au10, au12, au14, au15, au16, au17, au20, au23, au25,
      au26, au43,
    ]
  }

  /// The AU pattern of `expression` at peak, scaled by `intensity`.
  ///
  /// `noise` draws the identity's small AU noise (at most 0.05, shared by all expressions, so
  /// intensity 0 renders exactly the neutral face); `rng` draws the expression's variant. With
  /// `canonical`, the variant is the canonical one instead: the middle of every intensity range,
  /// the likelier branch of every optional action unit, and the image-left side for one-sided
  /// units (contempt). An editor asked only for an expression and an intensity can return that
  /// one; a random variant it cannot know from the face (which corner, teeth or not).
  public static func prototype(
    _ expression: FaceExpression, intensity: Float, noise: inout SplitMix64,
    rng: inout SplitMix64, canonical: Bool = false
  ) -> ActionUnits {
    var draw = VariantDraw(rng: rng, canonical: canonical)
    defer { rng = draw.rng }
    var a = ActionUnits()
    a.au1 = noise.uniform(0, 0.05)
    a.au4 = noise.uniform(0, 0.05)
    a.au12 = noise.uniform(0, 0.05)
    a.au15 = noise.uniform(0, 0.05)
    var p = ActionUnits()
    switch expression {
    case .neutral:
      break
    case .happy:
      p.au6 = draw.uniform(0.6, 1)
      p.au12 = draw.uniform(0.8, 1)
      if draw.chance(0.65) { p.au25 = draw.uniform(0.5, 0.9) }
      if draw.chance(0.3) { p.au26 = draw.uniform(0.2, 0.4) }
    case .sad:
      p.au1 = draw.uniform(0.75, 1)
      p.au4 = draw.uniform(0.5, 0.8)
      p.au15 = draw.uniform(0.7, 1)
      if draw.chance(0.5) { p.au17 = draw.uniform(0.3, 0.7) }
      p.au43 = draw.uniform(0.2, 0.35)
    case .angry:
      p.au4 = draw.uniform(0.85, 1)
      p.au5 = draw.uniform(0.2, 0.5)
      p.au7 = draw.uniform(0.6, 1)
      p.au23 = draw.uniform(0.7, 1)
      if draw.chance(0.3) { p.au10 = draw.uniform(0.2, 0.4) }
      if draw.chance(0.3) { p.au17 = draw.uniform(0.3, 0.6) }
    case .surprised:
      p.au1 = draw.uniform(0.8, 1)
      p.au2 = draw.uniform(0.8, 1)
      p.au5 = draw.uniform(0.6, 0.9)
      p.au25 = 1
      p.au26 = draw.chance(0.85) ? draw.uniform(0.6, 1) : 0.3
    case .fearful:
      p.au1 = draw.uniform(0.7, 1)
      p.au2 = draw.uniform(0.5, 0.8)
      p.au4 = draw.uniform(0.6, 0.9)
      p.au5 = draw.uniform(0.8, 1)
      p.au20 = draw.uniform(0.8, 1)
      p.au25 = 1
      p.au26 = draw.chance(0.7) ? draw.uniform(0.2, 0.45) : 0
      if draw.chance(0.3) { p.au7 = draw.uniform(0.2, 0.4) }
    case .disgusted:
      p.au9 = draw.uniform(0.7, 1)
      p.au10 = draw.uniform(0.6, 1)
      p.au15 = draw.uniform(0.3, 0.6)
      p.au16 = draw.uniform(0.3, 0.6)
      p.au25 = draw.uniform(0.3, 0.6)
      p.au4 = draw.uniform(0.3, 0.6)
      p.au7 = draw.uniform(0.3, 0.6)
      if draw.chance(0.4) { p.au17 = draw.uniform(0.2, 0.5) }
    case .contemptuous:
      p.au12 = draw.uniform(0.6, 0.9)
      p.au14 = draw.uniform(0.6, 1)
      p.side = draw.chance(0.5) ? 1 : -1
    }
    let s = max(0, min(1, intensity))
    a.au1 = max(a.au1, p.au1 * s)
    a.au2 = p.au2 * s
    a.au4 = max(a.au4, p.au4 * s)
    a.au5 = p.au5 * s
    a.au6 = p.au6 * s
    a.au7 = p.au7 * s
    a.au9 = p.au9 * s
    a.au10 = p.au10 * s
    a.au12 = max(a.au12, p.au12 * s)
    a.au14 = p.au14 * s
    a.au15 = max(a.au15, p.au15 * s)
    a.au16 = p.au16 * s
    a.au17 = p.au17 * s
    a.au20 = p.au20 * s
    a.au23 = p.au23 * s
    a.au25 = p.au25 * s
    a.au26 = p.au26 * s
    a.au43 = p.au43 * s
    a.side = s > 0 ? p.side : 0
    return a
  }
}

/// The draws of an expression's variant: from `rng`, or the canonical ones (see
/// ``ActionUnits/prototype(_:intensity:noise:rng:canonical:)``).
struct VariantDraw {
  var rng: SplitMix64
  let canonical: Bool

  /// Uniform in [lo, hi), or its middle.
  mutating func uniform(_ lo: Float, _ hi: Float) -> Float {
    canonical ? (lo + hi) / 2 : rng.uniform(lo, hi)
  }

  /// True with probability `p`, or when `p` is above one half.
  mutating func chance(_ p: Float) -> Bool { canonical ? p > 0.5 : rng.chance(p) }
}
