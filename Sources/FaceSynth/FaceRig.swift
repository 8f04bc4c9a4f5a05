// The resolved geometry of a face: traits, attributes, expression and pose combined.

import Foundation

/// The geometry and colours of one face in the face frame, ready to rasterize.
///
/// The face frame has its origin between the pupils, x to the image right, y down, and the
/// inter-pupil distance (IOD) as unit. Attribute latents, action units and the small yaw and
/// pitch (as depth parallax) are all applied here, so the rasterizer only evaluates shapes.
/// Index 0 of per-side arrays is the image-left feature, index 1 the image-right one.
struct FaceRig: Sendable {
  // Head outline: a cranium ellipse smoothly joined to a jaw superellipse.
  var headX: Float = 0
  var craniumY: Float = 0, craniumRX: Float = 0, craniumRY: Float = 0
  var jawY: Float = 0, jawRX: Float = 0, jawRY: Float = 0, jawN: Float = 2.3
  var chinY: Float = 0
  /// The chin height without jaw drop (the neck shadow stays put across expressions).
  var restChinY: Float = 0
  var faceHalfWidth: Float = 0
  var cheekPuff: Float = 0, cheekRaise: Float = 0
  // Ears and neck.
  var earX: SIMD2<Float> = .zero
  var earY: Float = 0, earRX: Float = 0, earRY: Float = 0
  var neckX: Float = 0, neckHalfWidth: Float = 0
  var shoulderY: Float = 0
  var neckline: Int = 0
  // Eyes.
  var eyeX: SIMD2<Float> = .zero, eyeY: Float = 0
  var eyeHalfWidth: Float = 0, eyeTilt: Float = 0
  var upperLid: SIMD2<Float> = .zero, lowerLid: SIMD2<Float> = .zero
  var irisDX: Float = 0, irisDY: Float = 0, irisR: Float = 0, pupilR: Float = 0
  var lashWeight: Float = 0
  // Brows: inner and tail points, arch and thickness per side.
  var browInX: SIMD2<Float> = .zero, browInY: SIMD2<Float> = .zero
  var browOutX: SIMD2<Float> = .zero, browOutY: SIMD2<Float> = .zero
  var browArch: SIMD2<Float> = .zero
  var browThickness: Float = 0
  // Nose.
  var noseTopX: Float = 0, noseTipX: Float = 0, noseTopY: Float = 0, noseTipY: Float = 0
  var noseHalfWidth: Float = 0, noseTipR: Float = 0, nostrilRX: Float = 0, nostrilRY: Float = 0
  var alaLift: Float = 0, noseRelief: Float = 1
  // Mouth.
  var mouthLX: Float = 0, mouthLY: Float = 0, mouthRX: Float = 0, mouthRY: Float = 0
  var mouthMidY: Float = 0
  var upperLip: Float = 0, lowerLip: Float = 0
  var gapTop: Float = 0, gapBottom: Float = 0
  var teeth: Float = 0, lowerTeeth: Float = 0
  var dimple: SIMD2<Float> = .zero
  // Wrinkles and folds (strengths in [0, 1]).
  var foreheadLines: Float = 0, glabella: Float = 0, nasolabial: Float = 0
  var crowsFeet: Float = 0, eyeBags: Float = 0, noseRoot: Float = 0, marionette: Float = 0
  var chinDimple: Float = 0, doubleChin: Float = 0
  // Hair.
  var hairStyle: Int = 0
  var hairVolume: Float = 0, hairPart: Float = 0, hairlineY: Float = 0
  var fringe: Float = 0, fringeY: Float = 0, bangStyle: Int = 0
  var hairBottom: Float = 0, hairWidth: Float = 0, hairWave: Float = 0
  var hairColour: SIMD3<Float> = .zero
  var browColour: SIMD3<Float> = .zero
  // Facial hair.
  var stubble: Float = 0
  var beard: Float = 0, beardStyle: Int = 0, mustache: Float = 0, mustacheStyle: Int = 0
  /// Beard and mustache colour (linear), kept apart from the skin's luminance.
  var facialHair: SIMD3<Float> = .zero
  // Glasses.
  var glasses: Float = 0, glassesShape: Int = 0
  var frameColour: SIMD3<Float> = .zero, frameThickness: Float = 0, lensTint: Float = 0
  // Colours (linear RGB).
  var skin: SIMD3<Float> = .zero
  var lip: SIMD3<Float> = .zero
  var iris: SIMD3<Float> = .zero
  var cloth: SIMD3<Float> = .zero, cloth2: SIMD3<Float> = .zero
  var clothPattern: Int = 0
  var blush: Float = 0, eyeshadow: SIMD3<Float> = .zero, eyeshadowAmount: Float = 0
  var redness: Float = 0, freckles: Float = 0, age: Float = 0
  var flush: Float = 0

  init(_ p: FaceParams) {
    let t = p.identity
    let a = p.attributes
    func s(_ x: Attribute) -> Float { visibility(a[x.rawValue]) }
    let male = s(.male), old = 1 - s(.young), chubby = s(.chubby)
    let narrow = s(.narrowEyes), bigNose = s(.bigNose), bigLips = s(.bigLips)
    let smile = p.smileStrength
    var u = p.actionUnits
    u.au12 = max(u.au12, 0.95 * smile)
    u.au6 = max(u.au6, 0.7 * smile)
    if t.smileTeeth { u.au25 = max(u.au25, 0.75 * smile) }
    age = old

    let r = p.render
    let sy = sinf(r.yaw), sp = sinf(r.pitch)
    func px(_ z: Float) -> Float { z * sy }
    func py(_ z: Float) -> Float { z * sp }

    // Head.
    faceHalfWidth = t.faceHalfWidth - 0.02 + 0.09 * male + 0.18 * chubby
    headX = px(0.3)
    craniumRX = faceHalfWidth * 1.0
    craniumY = -0.2 + py(0.3)
    craniumRY = -0.2 - t.craniumTop
    restChinY = t.chinY + 0.05 * chubby + 0.03 * old + py(0.5)
    chinY = restChinY + 0.16 * u.au26
    jawY = 0.25 + py(0.35)
    jawRX =
      faceHalfWidth
      * min(0.99, 0.8 + (t.jawRatio - 0.76) + 0.17 * male + 0.08 * chubby + 0.04 * old)
    jawRY = chinY - jawY
    jawN = min(3.0, t.jawExponent - 0.25 + 0.8 * male - 0.1 * chubby + 0.1 * old)
    cheekPuff = chubby
    cheekRaise = u.au6

    earX = SIMD2(-faceHalfWidth * 0.97, faceHalfWidth * 0.97) + SIMD2(repeating: px(-0.3))
    earY = 0.42 + py(-0.2)
    earRX = 0.15 * t.earSize
    earRY = 0.36 * t.earSize
    neckX = px(0)
    neckHalfWidth = t.neckHalfWidth * (0.92 + 0.25 * male + 0.12 * chubby)
    shoulderY = t.chinY + 0.75
    neckline = t.neckline

    // Eyes.
    eyeX = SIMD2(-0.5, 0.5) + SIMD2(repeating: px(0.45))
    eyeY = py(0.45)
    eyeHalfWidth = t.eyeHalfWidth * (1 - 0.04 * old)
    eyeTilt = t.eyeTilt
    let ratio = t.eyeAperture * (1 - 0.56 * narrow) * (1 - 0.06 * old) * (1.06 - 0.08 * male)
    let height = ratio * 2 * eyeHalfWidth
    var up = height * 0.6, low = height * 0.4
    up *= (1 + 0.7 * u.au5) * (1 - 0.55 * u.au43) * (1 - 0.15 * u.au6) * (1 - 0.12 * u.au7)
    up *= 1 - 0.22 * old
    low *= (1 - 0.45 * u.au6) * (1 - 0.5 * u.au7) * (1 + 0.2 * u.au5)
    upperLid = SIMD2(repeating: up)
    lowerLid = SIMD2(repeating: low)
    irisR = t.irisRadius
    pupilR = irisR * (0.42 - 0.08 * u.au5)
    irisDX = r.gazeX
    irisDY = r.gazeY - 0.01
    lashWeight = (1 - male) * 0.9 + t.makeup * 0.4
    iris = t.irisColour * t.irisColour

    // Brows.
    let browH = t.browHeight - 0.05 * male + 0.02 * narrow
    let browYBase = eyeY - browH + py(0.1)
    browThickness = t.browThickness * (0.68 + 1.05 * male - 0.12 * old)
    let arch = t.browArch * (1.3 - 0.9 * male) + 0.06 * u.au2 + 0.02 * u.au1
    browArch = SIMD2(repeating: arch)
    let inner = -0.18 * u.au1 + 0.13 * u.au4 + 0.04 * u.au9
    let outer = -0.17 * u.au2 + 0.05 * u.au4 - 0.03 * u.au1 + 0.02 * u.au1 * (1 - u.au2)
    let inward = 0.06 * u.au4
    browInX = SIMD2(eyeX.x + 0.26 + inward, eyeX.y - 0.26 - inward)
    browOutX = SIMD2(eyeX.x - 0.36, eyeX.y + 0.36)
    browInY = SIMD2(repeating: browYBase + 0.01 + inner)
    browOutY = SIMD2(repeating: browYBase + 0.04 + outer)

    // Nose.
    noseTopX = px(0.6)
    noseTipX = px(1.0)
    noseTopY = 0.12 + py(0.6)
    noseTipY = t.noseY + 0.13 * bigNose + py(1.0)
    noseHalfWidth = t.noseHalfWidth * (0.92 + 0.75 * bigNose + 0.1 * male + 0.05 * chubby)
    noseTipR = 0.085 * (1 + 1.0 * bigNose)
    nostrilRX = 0.056 * (1 + 0.9 * bigNose)
    nostrilRY = 0.028 * (1 + 0.7 * bigNose)
    alaLift = 0.05 * u.au9 + 0.02 * u.au10
    noseRelief = 1 + 0.6 * bigNose

    // Mouth.
    let mcx = px(0.75)
    let my = t.mouthY + 0.02 * chubby + 0.03 * old + py(0.75) - 0.02 * u.au10 + 0.015 * u.au17
    var mw = t.mouthHalfWidth * (1 + 0.1 * bigLips - 0.03 * male) * (1 - 0.1 * u.au23)
    mw *= (1 - 0.06 * u.au14)
    let sideL: Float = u.side > 0 ? 0 : 1, sideR: Float = u.side < 0 ? 0 : 1
    func corner(_ k: Float) -> (Float, Float) {
      let lift = 0.2 * u.au12 * k + 0.06 * u.au14 * k
      let out = 0.12 * u.au12 * k + 0.09 * u.au20
      let down = 0.15 * u.au15 + 0.04 * u.au20 + 0.03 * u.au16
      return (out, down - lift)
    }
    let (oL, dL) = corner(sideL), (oR, dR) = corner(sideR)
    mouthLX = mcx - mw - oL
    mouthRX = mcx + mw + oR
    mouthLY = my + dL
    mouthRY = my + dR
    mouthMidY = my - 0.015 * u.au15
    var ul = t.upperLip * (1 + 0.9 * bigLips) * (1.1 - 0.3 * male) * (1 - 0.25 * old)
    var ll = t.lowerLip * (1 + 0.9 * bigLips) * (1.1 - 0.3 * male) * (1 - 0.25 * old)
    ul *= (1 - 0.45 * u.au23) * (1 - 0.2 * u.au12)
    ll *= (1 - 0.45 * u.au23) * (1 - 0.15 * u.au12) * (1 + 0.2 * u.au16)
    upperLip = ul
    lowerLip = ll
    let open = 0.08 * u.au25 + 0.26 * u.au26
    gapTop = 0.3 * open + 0.07 * u.au10
    gapBottom = 0.7 * open + 0.06 * u.au16 + 0.02 * u.au20 * u.au25
    teeth = min(1, (gapTop + gapBottom) * 20)
    dimple = SIMD2(u.au14 * sideL, u.au14 * sideR)

    // Wrinkles.
    foreheadLines = max(0.9 * old, 0.9 * max(u.au1, u.au2))
    glabella = max(0.3 * old, u.au4)
    nasolabial = max(0.9 * old, 0.85 * max(u.au12, u.au10, u.au9 * 0.7))
    crowsFeet = max(0.8 * old, 0.8 * u.au6)
    eyeBags = old
    noseRoot = u.au9
    marionette = 0.9 * old
    chinDimple = u.au17
    doubleChin = chubby
    switch p.expression {
    case .angry: flush = 0.5 * p.intensity
    case .fearful: flush = -0.4 * p.intensity
    default: flush = 0
    }
    lowerTeeth = min(1, max(0, (gapBottom - 0.1) * 12))

    // Hair.
    hairStyle = t.hairStyle
    hairVolume = t.hairVolume
    hairPart = t.hairPart + px(0.2)
    hairlineY = -(t.hairline + 0.12 * old * (1 - male * 0.3)) + py(0.3)
    fringe = s(.bangs)
    fringeY = eyeY - browH - 0.12
    bangStyle = t.bangStyle
    switch t.hairStyle {
    case 2: hairBottom = t.chinY - 0.05; hairWidth = 0.3
    case 3: hairBottom = t.chinY + 1.7; hairWidth = 0.42
    case 4: hairBottom = t.chinY + 1.5; hairWidth = 0.55
    default: hairBottom = 0; hairWidth = 0
    }
    hairWave = t.hairStyle == 4 ? 1 : 0
    hairColour = FaceRig.hairColour(a, shade: t.hairShade, hue: t.hairHue, old: old)

    beard = visibility(1 - a[Attribute.noBeard.rawValue])
    stubble = 0.22 * male * t.stubble
    beardStyle = t.beardStyle
    mustache = s(.mustache)
    mustacheStyle = t.mustacheStyle
    glasses = max(0, min(1, (a[Attribute.eyeglasses.rawValue] - 0.4) * 5))
    glassesShape = t.glassesShape
    frameColour = t.frameColour * t.frameColour
    frameThickness = t.frameThickness
    lensTint = t.lensTint

    // Skin colour from the Monk scale; pale skin sits in its own light band.
    let pale = s(.paleSkin)
    let monk = (3.6 + 5.7 * t.skinTone) * (1 - pale) + (1 + 0.6 * t.skinTone) * pale
    var base = Palette.monk(monk)
    base += SIMD3(0.02, 0.0, -0.03) * t.undertone * (1 - 0.7 * pale)
    base *= SIMD3(1, 1 - 0.03 * old, 1 - 0.04 * old)
    if pale > 0 {
      let grey = (base.x + base.y + base.z) / 3
      base = base * (1 - 0.1 * pale) + SIMD3(repeating: grey) * (0.1 * pale)
      base *= SIMD3(1, 1 - 0.03 * pale, 1 - 0.03 * pale)
    }
    skin = base * base
    facialHair = FaceRig.facialHairColour(hair: hairColour * 0.45, skin: skin)
    browColour = FaceRig.browColour(hair: hairColour, skin: skin)
    redness = t.redness * (1 - 0.6 * pale)
    freckles = t.freckles
    // Lips: redder than skin; on dark skin they get a lighter pink-brown so mouth shapes
    // stay visible.
    let dark = Rasterizer.smoothstep(5, 9.5, monk)
    let lipTint = SIMD3<Float>(base.x * 0.85, base.y * 0.5, base.z * 0.52) * (1 - 0.1 * male)
    let lipBase =
      lipTint + SIMD3<Float>(0.1, 0.0, 0.02) * (1 - male) + SIMD3<Float>(0.2, 0.08, 0.09) * dark
    let lipstickAmount = t.makeup * 0.85
    let lipMix = lipBase * (1 - lipstickAmount) + t.lipstick * lipstickAmount
    lip = lipMix * lipMix
    blush = t.makeup * 0.5
    eyeshadow = t.eyeshadow * t.eyeshadow
    eyeshadowAmount = t.makeup * 0.6
    cloth = t.clothColour * t.clothColour
    cloth2 = t.clothColour2 * t.clothColour2
    clothPattern = t.clothPattern
  }

  /// Hair colour (linear RGB) from the four hair-colour latents, blended by weight.
  static func hairColour(_ a: [Float], shade: Float, hue: Float, old: Float) -> SIMD3<Float> {
    let h = hue * 0.04
    // Luminance ranges overlap between classes (gray spans blond and light brown); the
    // classes differ in chroma and relative darkness, not by a fixed colour.
    let protos: [SIMD3<Float>] = [
      SIMD3(0.06 + 0.1 * (1 - shade), 0.055 + 0.075 * (1 - shade), 0.05 + 0.06 * (1 - shade)),
      SIMD3(0.95 - 0.3 * shade + h, 0.83 - 0.3 * shade, 0.55 - 0.24 * shade - h),
      SIMD3(0.52 - 0.3 * shade + h, 0.34 - 0.21 * shade, 0.19 - 0.12 * shade - h),
      SIMD3(0.86 - 0.4 * shade, 0.86 - 0.4 * shade, 0.87 - 0.39 * shade + h * 0.5),
    ]
    var sum = SIMD3<Float>.zero
    var total: Float = 0
    for (i, attr) in Attribute.hairColours.enumerated() {
      let w = powf(max(0, a[attr.rawValue] - 0.15), 3)
      sum += protos[i] * w
      total += w
    }
    let c = total > 0 ? sum / total : protos[2]
    return c * c
  }

  /// Brow colour (linear RGB): darker than light hair, and always darker than the skin.
  ///
  /// Blond and gray heads rarely have brows as light as the hair, and brows on dark skin are
  /// darker than the skin whatever the hair colour: a light brow on dark skin made the brow
  /// band brighter than the cheeks, the opposite of a real face.
  static func browColour(hair: SIMD3<Float>, skin: SIMD3<Float>) -> SIMD3<Float> {
    func luminance(_ c: SIMD3<Float>) -> Float { 0.2126 * c.x + 0.7152 * c.y + 0.0722 * c.z }
    let lightBrow: SIMD3<Float> = hair * 0.7
    let darkBrow: SIMD3<Float> = hair * 0.3 + SIMD3<Float>(0.04, 0.028, 0.018)
    let brow = pointwiseMin(lightBrow, darkBrow) + SIMD3<Float>(repeating: 0.003)
    let cap = 0.45 * luminance(skin)
    let b = max(luminance(brow), 1e-4)
    return b > cap ? brow * (cap / b) : brow
  }

  /// Facial-hair colour (linear RGB) with a luminance contrast floor against the skin.
  ///
  /// Hair darker than the skin is kept at most 0.3× its luminance, hair lighter than it at
  /// least 2.2×: black beards on dark skin and blond ones on tanned skin otherwise vanished
  /// at 128×128, and the judge could not tell a mustache from none.
  static func facialHairColour(hair: SIMD3<Float>, skin: SIMD3<Float>) -> SIMD3<Float> {
    func luminance(_ c: SIMD3<Float>) -> Float { 0.2126 * c.x + 0.7152 * c.y + 0.0722 * c.z }
    let h = max(luminance(hair), 1e-4)
    let s = luminance(skin)
    if h >= s {
      return pointwiseMin(hair * max(1, 2.2 * s / h), SIMD3(repeating: 0.9))
    }
    return hair * min(1, 0.3 * s / h)
  }

  /// Signed distance to the head outline (cranium ellipse smoothly joined to the jaw).
  @inline(__always) func headDistance(_ u: Float, _ v: Float) -> Float {
    let dCranium = Rasterizer.ellipse(u, v, headX, craniumY, craniumRX, craniumRY)
    if v < jawY - 0.6 { return dCranium }
    let dJaw = Rasterizer.superellipse(u, v, headX, jawY, jawRX, jawRY, jawN)
    return Rasterizer.smin(dCranium, dJaw, 0.3)
  }
}
