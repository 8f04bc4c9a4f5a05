// The per-pixel 2.5D face rasterizer.

import Foundation
import Imaging

/// What one rasterization pass produces: the image, labels, line ink and landmarks.
struct RenderOutput: Sendable {
  /// The face, RGB in [0, 1] (after camera post-processing).
  var face: Image
  /// The parsing map, one `FaceClass` value per pixel.
  var parsing: [UInt8]
  /// Geometry line ink per pixel in [0, 1] (1 = full stroke), before sketch styling.
  var ink: [Float]
  /// Landmarks in pixel coordinates.
  var landmarks: [SIMD2<Float>]
}

/// Rasterizes a `FaceRig` into colour, parsing labels and sketch lines in one pass.
///
/// Layers from back to front: background, neck, clothes, back hair, ears, head skin (with
/// nose relief, wrinkles, eyes, brows, lips, facial hair), front hair and glasses. Every layer
/// is a signed-distance shape with analytic anti-aliasing; the label of a pixel is the top
/// layer whose coverage exceeds one half.
enum FaceRenderer {
  /// The image-space placement: pixels per IOD and the eye-midpoint position.
  struct Frame {
    let iod: Float, cx: Float, cy: Float, cosR: Float, sinR: Float

    init(size: Int, render r: RenderSettings) {
      let s = Float(size)
      iod = 0.19 * s * r.scale
      cx = 0.5 * s + r.shiftX * iod
      cy = 0.42 * s + r.shiftY * iod
      cosR = cosf(r.roll)
      sinR = sinf(r.roll)
    }

    /// Maps a face-frame point to pixel coordinates.
    func toPixel(_ u: Float, _ v: Float) -> SIMD2<Float> {
      SIMD2(cx + (u * cosR - v * sinR) * iod, cy + (u * sinR + v * cosR) * iod)
    }
  }

  static func render(_ p: FaceParams, size: Int) -> RenderOutput {
    let g = FaceRig(p)
    let frame = Frame(size: size, render: p.render)
    let gain = meteringGain(p)
    var raster = rasterized(g, p, frame, size, backdropGain: 1 / gain)
    postProcess(&raster.rgb, size: size, p.render, faceGain: gain)
    let face = Image(width: size, height: size, channels: 3, pixels: raster.rgb)
    let marks = Landmarks.compute(g, frame: frame)
    return RenderOutput(face: face, parsing: raster.labels, ink: raster.ink, landmarks: marks)
  }

  /// The linear RGB (`[S·S·3]`), parsing labels and ink (`[S·S]` each) of a face, before the
  /// camera's post-processing.
  ///
  /// `backdropGain` scales the backdrop's linear colour. The renderer passes the inverse of
  /// the metering gain, so the backdrop keeps its sampled brightness in the final image: a
  /// gain that lifts a dark face no longer lifts its backdrop with it, which had put most
  /// dark faces on bright, low-contrast backdrops (a skin-tone cue, and a face a real-photo
  /// detector missed half the time).
  static func rasterized(
    _ g: FaceRig, _ p: FaceParams, _ frame: Frame, _ size: Int, backdropGain: Float = 1
  ) -> (
    rgb: [Float], labels: [UInt8], ink: [Float]
  ) {
    let n = size * size
    var rgb = [Float](repeating: 0, count: n * 3)
    var labels = [UInt8](repeating: 0, count: n)
    var ink = [Float](repeating: 0, count: n)
    rgb.withUnsafeMutableBufferPointer { rgbp in
      labels.withUnsafeMutableBufferPointer { labp in
        ink.withUnsafeMutableBufferPointer { inkp in
          rasterize(g, p, frame, size, rgbp, labp, inkp, backdropGain: backdropGain)
        }
      }
    }
    return (rgb, labels, ink)
  }

  // swiftlint:disable:next function_body_length cyclomatic_complexity
  static func rasterize(
    _ g: FaceRig, _ p: FaceParams, _ frame: Frame, _ size: Int,
    _ rgb: UnsafeMutableBufferPointer<Float>, _ labels: UnsafeMutableBufferPointer<UInt8>,
    _ inkOut: UnsafeMutableBufferPointer<Float>, backdropGain: Float
  ) {
    let r = p.render
    let sh = Shading(r)
    let tex = Noise(p.identity.textureSeed)
    let hairTex = Noise(p.identity.textureSeed &+ 0x4A1)
    let bgTex = Noise(r.postSeed &+ 0xB6)
    let px = 1 / frame.iod
    let lineW = 0.75 * px
    let cosA = cosf(r.backgroundAngle), sinA = sinf(r.backgroundAngle)
    let lightXY = SIMD2(r.light.x, r.light.y)
    let crownY = g.craniumY - g.craniumRY - 0.9
    let longHair = g.hairStyle >= 2 && g.hairStyle <= 4
    let skinLin = g.skin
    let mcx = (g.mouthLX + g.mouthRX) * 0.5
    let mhw = (g.mouthRX - g.mouthLX) * 0.5
    let tint = SIMD3<Float>(0.05, 0.06, 0.05)

    for y in 0..<size {
      for x in 0..<size {
        let dx = (Float(x) + 0.5 - frame.cx) * px
        let dy = (Float(y) + 0.5 - frame.cy) * px
        let u = dx * frame.cosR + dy * frame.sinR
        let v = -dx * frame.sinR + dy * frame.cosR
        let hx = u - g.headX

        // Background.
        let gt = max(0, min(1, 0.5 + 0.2 * (u * cosA + v * sinA)))
        var col = r.background0 * (1 - gt) + r.background1 * gt
        if r.backgroundNoise > 0 {
          col *= 1 + r.backgroundNoise * (bgTex.value(u * 0.9, v * 0.9) - 0.5) * 2
        }
        col *= col * backdropGain
        var label: UInt8 = 0
        var ink: Float = 0

        // Neck.
        let flare = 0.5 * Rasterizer.smoothstep(g.shoulderY - 0.3, g.shoulderY + 0.5, v)
        let dNeck = max(abs(u - g.neckX) - g.neckHalfWidth - flare, g.jawY - v)
        if dNeck < px {
          let a = Rasterizer.coverage(dNeck, px)
          let below = max(0, v - g.restChinY + 0.15)
          let shadow = 1 - 0.55 * expf(-below * 6)
          let nx = (u - g.neckX) / (g.neckHalfWidth + flare + 0.3)
          let n = Shading.normal(nx, 0.1)
          let lit = sh.irradiance(n, shadow: shadow, ao: 0.8) * skinLin * 0.92
          col = col + (lit - col) * a
          if a > 0.5 { label = FaceClass.neck.rawValue }
          ink = max(ink * (1 - a), Rasterizer.stroke(dNeck, lineW * 0.8, px) * 0.8)
        }

        // Clothes with a neckline cut.
        let dShoulder = Rasterizer.ellipse(u, v, g.neckX * 0.5, g.shoulderY + 1.45, 2.6, 1.45)
        if dShoulder < px {
          let au = abs(u - g.neckX)
          var cut: Float
          switch g.neckline {
          case 0: cut = g.shoulderY + 0.05 + 0.4 * max(0, 1 - (au * au) / 0.6)
          case 1: cut = g.shoulderY + 1.0 - 1.6 * au
          default: cut = g.shoulderY - 0.05 + 0.15 * max(0, 1 - au * au / 0.5)
          }
          let dCloth = max(dShoulder, cut - v)
          let a = Rasterizer.coverage(dCloth, px)
          if a > 0 {
            let n = Shading.normal((u - g.neckX) / 3.2, -0.3 + 0.1 * (v - g.shoulderY))
            let fold = 0.9 + 0.2 * tex.value(u * 3, v * 1.2)
            var c = g.cloth * fold
            if g.clothPattern == 1 {
              let st = Rasterizer.stroke(sinf(v * 18 + u * 2), 0.35, 0.25)
              c = c + (g.cloth2 * fold - c) * st
            } else if g.clothPattern == 2 {
              let fx = u * 5 - (u * 5).rounded(), fy = v * 5 - (v * 5).rounded()
              let dot = Rasterizer.coverage((fx * fx + fy * fy).squareRoot() - 0.18, 0.08)
              c = c + (g.cloth2 * fold - c) * dot
            }
            if g.neckline == 2 {
              let collar = max(0, 1 - abs(v - cut - 0.12) / 0.12) * (au < 0.7 ? 1 : 0)
              c = c * (1 - 0.4 * collar) + SIMD3<Float>(repeating: 0.7) * (0.4 * collar)
            }
            let lit = sh.irradiance(n, shadow: 1, ao: 0.9) * c
            col = col + (lit - col) * a
            if a > 0.5 { label = FaceClass.cloth.rawValue }
            ink = max(ink * (1 - a), Rasterizer.stroke(dCloth, lineW, px) * 0.85)
          }
        }

        // Head outline (needed by several layers).
        let dHead = g.headDistance(u, v)

        // Back hair (long styles and the bun), behind the head but in front of the shoulders.
        if longHair || g.hairStyle == 5 {
          var dBack: Float = 10
          if longHair {
            let outer = g.craniumRX + g.hairVolume + 0.1
            let grow = Rasterizer.smoothstep(g.craniumY, g.hairBottom, v)
            var half = outer + g.hairWidth * grow
            half += g.hairWave * 0.06 * sinf(v * 9 + hairTex.value(u * 2) * 3) * grow
            let ends =
              g.hairBottom - 0.25 * (hx * hx) / (half * half)
              - 0.15 * hairTex.value(u * 9)
            let dHang = max(max(abs(hx) - half, g.craniumY - v), v - ends)
            let dTop = Rasterizer.ellipse(
              u, v, g.headX, g.craniumY, outer, g.craniumRY + g.hairVolume)
            dBack = min(dHang, dTop)
            // The neck column hides the hair behind it.
            let column = g.neckHalfWidth + 0.02 - abs(u - g.neckX)
            if v > g.chinY - 0.2 && column > 0 { dBack = max(dBack, column) }
          } else {
            dBack = Rasterizer.ellipse(
              u, v, g.headX + g.hairPart * 0.3, g.craniumY - g.craniumRY - 0.05, 0.5, 0.38)
          }
          dBack +=
            0.04 * (hairTex.value(u * 14, v * 14) - 0.5)
            + 0.06 * (hairTex.value(u * 5 + 11, v * 5 + 3) - 0.5)
          if dBack < px {
            let a = Rasterizer.coverage(dBack, px)
            let c = hairColour(
              g, sh, hairTex, u, v, crownY: crownY, dark: 0.72, edge: dBack)
            col = col + (c - col) * a
            if a > 0.5 { label = FaceClass.hair.rawValue }
            ink = max(ink * (1 - a), Rasterizer.stroke(dBack, lineW, px))
            ink = max(ink, a * strandInk(hairTex, u, v, crownY: crownY, g) * 0.6)
          }
        }

        // Ears (the head covers their inner half).
        for i in 0..<2 {
          let ex = g.earX[i]
          if abs(u - ex) > g.earRX + 0.1 || abs(v - g.earY) > g.earRY + 0.1 { continue }
          let dEar = Rasterizer.ellipse(u, v, ex, g.earY, g.earRX, g.earRY)
          let a = Rasterizer.coverage(dEar, px)
          if a <= 0 { continue }
          let side: Float = i == 0 ? -1 : 1
          let n = Shading.normal(side * 0.5, (v - g.earY) / (g.earRY * 2))
          let inner = Rasterizer.ellipse(
            u, v, ex + side * 0.02, g.earY + 0.02, g.earRX * 0.55, g.earRY * 0.7)
          let fold: Float = inner < 0 ? 0.75 : 1
          var c = sh.irradiance(n, shadow: 1, ao: fold) * skinLin
          c *= SIMD3<Float>(1, 1 - 0.08 * g.redness, 1 - 0.06 * g.redness)
          col = col + (c - col) * a
          if a > 0.5 { label = i == 0 ? FaceClass.lEar.rawValue : FaceClass.rEar.rawValue }
          ink = max(ink * (1 - a), Rasterizer.stroke(dEar, lineW, px))
          ink = max(ink, Rasterizer.stroke(inner, lineW * 0.6, px) * 0.5 * a)
        }

        let capD = frontHairDistance(g, u, v, hx, dHead, longHair: longHair)

        // Head skin and the features on it.
        if dHead < px {
          let a = Rasterizer.coverage(dHead, px)
          var lab = FaceClass.skin.rawValue
          var featureInk: Float = 0
          // Albedo with blotches, pores, redness, freckles and makeup.
          var albedo = skinLin
          let blot = tex.fbm2(u * 3.5, v * 3.5) - 0.5
          let pore = tex.value(u * 40, v * 40) - 0.5
          let blotAmp: Float = 0.1 + 0.2 * g.age
          let poreAmp: Float = 0.04 + 0.06 * g.age
          let texture: Float = 1 + blot * blotAmp + pore * poreAmp
          albedo *= texture
          let cheekL = (u - g.eyeX.x - 0.02) * (u - g.eyeX.x - 0.02)
          let cheekR = (u - g.eyeX.y + 0.02) * (u - g.eyeX.y + 0.02)
          let cv = (v - 0.62) * (v - 0.62)
          let cheeks = expf(-(cheekL + cv) * 9) + expf(-(cheekR + cv) * 9)
          let redAmount: Float = 0.1 * g.redness + g.blush * 0.5
          let red: Float = cheeks * redAmount + max(0, g.flush) * 0.6
          let redTint = SIMD3<Float>(1 + 0.02 * red, 1 - 0.16 * red, 1 - 0.12 * red)
          albedo *= redTint
          if g.flush < 0 {
            // Fear pallor: paler and less red.
            let pal = -g.flush
            albedo = albedo * (1 - 0.25 * pal) + SIMD3<Float>(repeating: albedo.y) * (0.25 * pal)
            albedo *= 1 + 0.12 * pal
          }
          if g.freckles > 0 && cheeks > 0.2 {
            let f = tex.value(u * 55 + 3, v * 55 + 1)
            if f > 0.82 { albedo *= 1 - 0.35 * g.freckles * cheeks * (f - 0.82) * 5 }
          }

          // Relief: head curvature, rim, nose, cheeks.
          let rim = Rasterizer.smoothstep(-0.35, 0.02, dHead)
          let hw = g.faceHalfWidth + 0.15
          let sideX: Float = hx / (abs(hx) + 0.25)
          let sideY: Float = (v - 0.3) / (abs(v - 0.3) + 0.5)
          var nx = hx / (hw * 1.35) + sideX * rim * 0.55
          var ny = (v - 0.1) / 2.6 + sideY * rim * 0.35
          var shadow: Float = 1
          var ao: Float = 1
          var gloss: Float = 0.6
          // Cheek bumps (larger when chubby).
          let cb = (0.1 + 0.24 * g.cheekPuff + 0.1 * g.cheekRaise)
          let cvr = (v - 0.62 + 0.08 * g.cheekRaise) * (v - 0.62 + 0.08 * g.cheekRaise)
          let footL = expf(-(cheekL + cvr) * 7), footR = expf(-(cheekR + cvr) * 7)
          let cl = footL * cb, cr = footR * cb
          nx += cl * (u - g.eyeX.x) * 8 + cr * (u - g.eyeX.y) * 8
          ny += (cl + cr) * (v - 0.62 + 0.08 * g.cheekRaise) * 8
          // Nose height field with a soft cast shadow.
          let nyMin = g.noseTopY - 0.15, nyMax = g.noseTipY + 0.3
          let noseCX =
            g.noseTopX + (g.noseTipX - g.noseTopX)
            * max(0, min(1, (v - g.noseTopY) / (g.noseTipY - g.noseTopY)))
          if v > nyMin && v < nyMax && abs(u - noseCX) < g.noseHalfWidth + 0.35 {
            let h0 = noseHeight(g, u, v)
            let e: Float = 0.02
            let hxp = noseHeight(g, u + e, v), hyp = noseHeight(g, u, v + e)
            nx -= (hxp - h0) / e * 0.45
            ny -= (hyp - h0) / e * 0.45
            let hs = noseHeight(g, u + lightXY.x * 0.12, v + lightXY.y * 0.12) - h0
            shadow = 1 - 0.6 * max(0, min(1, hs * 4))
            gloss += 1.2 * min(1, h0 * 5)
            // Side walls of the nose: darker, most on the side away from the key light.
            let kk = max(0, min(1, (v - g.noseTopY) / (g.noseTipY - g.noseTopY)))
            let wallW = 0.07 + 0.07 * kk + 0.15 * (g.noseHalfWidth - 0.27) * kk
            let side = (abs(u - noseCX) - wallW * 1.2) / 0.05
            let env =
              Rasterizer.smoothstep(g.noseTopY, g.noseTopY + 0.25, v)
              * (1 - Rasterizer.smoothstep(g.noseTipY - 0.08, g.noseTipY + 0.02, v))
            let away: Float = (u - noseCX) * r.light.x < 0 ? 1 : 0.45
            ao *= 1 - min(0.45, 0.32 * expf(-side * side) * env * away * g.noseRelief)
            // Nostrils.
            let sideSign: Float = u < g.noseTipX ? -1 : 1
            let nosX = g.noseTipX + sideSign * g.noseHalfWidth * 0.42
            let nosY = g.noseTipY + 0.05 - g.alaLift
            let dN = Rasterizer.ellipse(u, v, nosX, nosY, g.nostrilRX, g.nostrilRY)
            let nA = Rasterizer.coverage(dN, px)
            if nA > 0 { albedo = albedo * (1 - 0.85 * nA) }
            featureInk = max(featureInk, nA * 0.8)
            // Alar creases (sketch lines and a darker groove).
            let alaX = g.noseTipX + sideSign * g.noseHalfWidth * 0.72
            let dAla = Rasterizer.ellipse(
              u, v, alaX, g.noseTipY - 0.01 - g.alaLift, g.noseHalfWidth * 0.36, 0.11)
            if (u - alaX) * sideSign > -0.02 && v > g.noseTipY - 0.12 {
              let crease = Rasterizer.stroke(dAla, max(lineW * 0.7, 0.02), px)
              albedo *= 1 - 0.5 * crease
              featureInk = max(featureInk, crease * 0.85)
            }
            let dTip = Rasterizer.ellipse(
              u, v, g.noseTipX, g.noseTipY - 0.02, g.noseTipR * 1.1, g.noseTipR * 0.9)
            if v > g.noseTipY + 0.01 && abs(u - g.noseTipX) < g.noseTipR * 0.8 {
              featureInk = max(featureInk, Rasterizer.stroke(dTip, lineW * 0.6, px) * 0.6)
            }
            // Nose label: from the bridge to the alae.
            let k = max(0, min(1, (v - g.noseTopY) / (g.noseTipY - g.noseTopY)))
            let halfW = 0.09 + (g.noseHalfWidth + 0.02 - 0.09) * k * k
            if v > g.noseTopY + 0.05 && v < g.noseTipY + 0.09 && abs(u - noseCX) < halfW {
              lab = FaceClass.nose.rawValue
            }
          }
          // Soft shadow and occlusion from the front hair onto the forehead and temples.
          if capD < 0.35 && v < 0.9 {
            let su = u + lightXY.x * 0.1, sv = v + lightXY.y * 0.1
            let cast = frontHairDistance(g, su, sv, su - g.headX, dHead, longHair: longHair)
            shadow *= 1 - 0.5 * Rasterizer.smoothstep(0.06, -0.06, cast)
            ao *= 1 - 0.3 * Rasterizer.smoothstep(0.3, 0, capD)
          }
          // Eye sockets and brow ridge.
          for i in 0..<2 {
            let ex = u - g.eyeX[i], ey = v - g.eyeY + 0.02
            let q = ex * ex * 5 + ey * ey * 12
            if q < 4 {
              ao *= 1 - 0.38 * expf(-q * 1.5)
              // The brow ridge and the cheek hide part of the key light from the recessed socket
              // (up to half of it at the socket's centre).
              shadow *= 1 - 0.5 * expf(-q * 2)
              ny -= 0.25 * ey * expf(-q)
              if g.eyeshadowAmount > 0 {
                let ez: Float = ey + 0.12
                let lidArea: Float = expf(-(ex * ex * 9 + ez * ez * 60))
                let w: Float = g.eyeshadowAmount * 0.5 * lidArea
                albedo = albedo * (1 - w) + g.eyeshadow * w
              }
            }
          }
          // Hollow cheeks with age.
          if g.age > 0.02 {
            let hl = (u - g.eyeX.x + 0.05) * (u - g.eyeX.x + 0.05)
            let hr = (u - g.eyeX.y - 0.05) * (u - g.eyeX.y - 0.05)
            let hv = (v - 0.95) * (v - 0.95)
            ao *= 1 - 0.13 * g.age * (expf(-(hl + hv) * 22) + expf(-(hr + hv) * 22))
          }
          // Subnasal and under-lip shading.
          let under = v - (g.mouthMidY + g.gapBottom + g.lowerLip + 0.04)
          if under > 0 && under < 0.15 && abs(u - mcx) < mhw {
            let mxr: Float = (u - mcx) / mhw
            let fall: Float = 1 - under / 0.15
            ao *= 1 - 0.2 * fall * max(0, 1 - mxr * mxr)
          }

          // Wrinkles and folds.
          let wr = wrinkles(g, u, v, px)
          albedo *= 1 - 0.55 * wr.x + 0.18 * wr.z * (1 - wr.x)
          featureInk = max(featureInk, wr.y)

          // Facial hair (beard) under the lips.
          var beardA: Float = 0
          if g.beard > 0.01 && v > 0.2 {
            let dB = beardDistance(g, u, v, dHead, mcx: mcx, mhw: mhw)
            if dB < px {
              let dens = 0.8 + 0.2 * hairTex.value(u * 45, v * 15)
              beardA =
                Rasterizer.coverage(dB + 0.03 * (hairTex.value(u * 12, v * 12) - 0.5), px)
                * g.beard * dens
            }
          }

          // Shaved-beard shadow on male faces (a faint tint, not a beard).
          if g.stubble > 0.01 && v > 0.55 {
            let hxr = hx / g.faceHalfWidth
            var top = 0.8 + 0.3 * max(0, 1 - hxr * hxr)
            if abs(u - mcx) < mhw + 0.1 { top = min(top, g.noseTipY + 0.12) }
            let sd = max(dHead + 0.02, top - v)
            let sa = Rasterizer.smoothstep(0.08, -0.08, sd) * g.stubble
            albedo = albedo * (1 - sa) + (albedo * 0.45 + g.hairColour * 0.2) * sa
          }
          let n = Shading.normal(nx, ny)
          var c = sh.irradiance(n, shadow: shadow, ao: ao) * albedo
          c += sh.highlight(n, power: 32, gloss: gloss)
          // A broad sheen on the cheekbones, as in photographs: lifts the cheek band above the
          // shaded eye band that face detectors look for (see docs/facesynth.md).
          c += sh.sheen(n) * (0.12 * min(1, footL + footR))
          if beardA > 0 {
            let bc = hairColour(
              g, sh, hairTex, u, v, crownY: crownY, dark: 1, edge: -1, colour: g.facialHair)
            c = c + (bc - c) * beardA
            featureInk = max(featureInk, beardA * 0.45 * hairTex.value(u * 70, v * 22))
          }

          // Brows.
          for i in 0..<2 {
            let x0 = g.browInX[i], x1 = g.browOutX[i]
            let tb = (u - x0) / (x1 - x0)
            if tb < -0.15 || tb > 1.15 { continue }
            let tc = max(0, min(1, tb))
            let bump = tc < 0.62 ? (tc / 0.62) * (2 - tc / 0.62) : 1 - powf((tc - 0.62) / 0.38, 2)
            let yc = g.browInY[i] + (g.browOutY[i] - g.browInY[i]) * tc - g.browArch[i] * bump
            let ht = g.browThickness * (0.62 - 0.38 * tc)
            var dB = abs(v - yc) - ht
            let len = abs(x1 - x0)
            if tb < 0 { dB = max(dB, -tb * len) }
            if tb > 1 { dB = max(dB, (tb - 1) * len) }
            dB += 0.015 * (hairTex.value(u * 50, v * 50) - 0.5)
            let bA =
              Rasterizer.coverage(dB, px)
              * (0.7 + 0.3 * hairTex.value(u * 80 + 5, v * 25))
            if bA > 0 {
              // Brow hairs lie on the skin: they get its light, the hair's cast shadow included.
              let bc = g.browColour * sh.irradiance(n, shadow: shadow, ao: ao)
              c = c + (bc - c) * bA
              if bA > 0.45 { lab = i == 0 ? FaceClass.lBrow.rawValue : FaceClass.rBrow.rawValue }
              featureInk = max(featureInk, bA * 0.9)
            }
          }

          // Eyes.
          for i in 0..<2 {
            let ex = g.eyeX[i]
            let t = (u - ex) / g.eyeHalfWidth
            if abs(t) > 1.5 || abs(v - g.eyeY) > 0.35 { continue }
            let o: Float = i == 0 ? -1 : 1
            let bell = max(0, 1 - t * t)
            let line = g.eyeY - g.eyeTilt * t * o
            let upY = line - g.upperLid[i] * bell * (1 - 0.15 * t * o)
            let loY = line + g.lowerLid[i] * bell * (1 + 0.12 * t * o)
            var dEye = max(upY - v, v - loY)
            if abs(t) > 1 { dEye = max(dEye, (abs(t) - 1) * g.eyeHalfWidth) }
            let eA = Rasterizer.coverage(dEye, px)
            // Lash line, liner and crease. Every upper lid has a lash line of some weight (a
            // real lid's lashes and their shadow read as a dark line at this scale).
            let lw = 0.032 + 0.016 * g.lashWeight
            let wing = g.lashWeight * 0.05 * max(0, t * o - 0.7)
            let dLash = abs(v - (upY - lw * 0.6 - wing)) - lw
            let lashA =
              abs(t) < 1.08 + g.lashWeight * 0.15
              ? Rasterizer.coverage(dLash, px) : 0
            let crease =
              abs(t) < 0.95
              ? Rasterizer.stroke(v - (upY - 0.07 - 0.03 * bell), 0.012, px) * bell : 0
            let lowerLine = abs(t) < 1 ? Rasterizer.stroke(v - loY, 0.01, px) * 0.35 : 0
            let bag =
              g.eyeBags > 0 && abs(t) < 1.1
              ? Rasterizer.stroke(v - (loY + 0.09 * bell + 0.03), 0.014, px) * g.eyeBags * bell
              : 0
            c *= 1 - 0.25 * crease - 0.3 * lowerLine - 0.3 * bag
            if eA > 0 {
              // Sclera, iris, pupil, catchlight and lid shadow.
              let pinkness = max(0, abs(t) - 0.6) * 1.5
              var e =
                SIMD3<Float>(0.78, 0.76, 0.74) * (1 - pinkness)
                + SIMD3<Float>(0.7, 0.45, 0.42) * pinkness
              let ix = u - ex - g.irisDX, iy = v - g.eyeY - g.irisDY
              let ir = (ix * ix + iy * iy).squareRoot()
              let dIris = ir - g.irisR
              let iA = Rasterizer.coverage(dIris, px)
              if iA > 0 {
                let fib = 0.75 + 0.5 * hairTex.value(atan2f(iy, ix) * 6 + Float(i) * 9, ir * 20)
                let ring = 1 - 0.6 * Rasterizer.smoothstep(0.6, 1.0, ir / g.irisR)
                var ic = g.iris * fib * ring
                let pA = Rasterizer.coverage(ir - g.pupilR, px)
                ic = ic * (1 - pA) + SIMD3<Float>(repeating: 0.003) * pA
                e = e + (ic - e) * iA
              }
              let lx = ix + r.light.x * 0.045, ly = iy + 0.035
              let catchA = Rasterizer.coverage((lx * lx + ly * ly).squareRoot() - 0.022, px)
              e = e + (SIMD3<Float>(repeating: 1.4) - e) * catchA * 0.9
              // The upper lid and its lashes shade the top of the eyeball.
              let lidShadow = 1 - 0.85 * expf(-max(0, v - upY) / 0.1)
              // The eye sits in the socket: it gets the socket's light, not the open face's.
              let light = sh.irradiance(SIMD3<Float>(0, 0, 1), shadow: shadow, ao: ao)
              e = e * light * lidShadow
              c = c + (e - c) * eA
              if eA > 0.5 { lab = i == 0 ? FaceClass.lEye.rawValue : FaceClass.rEye.rawValue }
              featureInk = max(featureInk, Rasterizer.stroke(dIris, lineW * 0.7, px) * eA * 0.9)
              featureInk = max(featureInk, Rasterizer.coverage(ir - g.pupilR, px) * eA)
            }
            if lashA > 0 {
              c = c + (SIMD3<Float>(repeating: 0.004) - c) * lashA * 0.92
              featureInk = max(featureInk, lashA)
            }
            featureInk = max(featureInk, lowerLine * 1.4, crease * 0.5, bag * 0.6)
          }

          // Mouth: lips, interior and teeth.
          if u > g.mouthLX - 0.05 && u < g.mouthRX + 0.05 {
            let m = mouthShape(g, u)
            if m.inside && v > m.upperTop - 0.06 && v < m.lowerBottom + 0.06 {
              let dMouth = max(m.upperTop - v, v - m.lowerBottom)
              let mA = Rasterizer.coverage(dMouth, px)
              if mA > 0 {
                let dGap = max(m.gapTop - v, v - m.gapBottom)
                let gapA = Rasterizer.coverage(dGap, px)
                let isUpper = v < (m.gapTop + m.gapBottom) * 0.5
                var lc = g.lip * (isUpper ? 0.78 : 1.0)
                let lipN = Shading.normal(nx * 0.5, isUpper ? -0.35 : 0.3)
                var lipC = sh.irradiance(lipN, shadow: 1, ao: 1) * lc
                if !isUpper {
                  let mid = m.gapBottom + (m.lowerBottom - m.gapBottom) * 0.35
                  let glossBand = expf(-((v - mid) / 0.025) * ((v - mid) / 0.025)) * m.bell
                  lipC += sh.key * (glossBand * (0.08 + 0.15 * g.blush))
                }
                if gapA > 0 {
                  lc = SIMD3<Float>(0.09, 0.015, 0.02)
                  var inner = lc * sh.irradiance(SIMD3<Float>(0, 0, 1), shadow: 1, ao: 1)
                  let teethBot = m.gapTop + 0.075
                  if g.teeth > 0 && v < teethBot && abs(u - mcx) < mhw * 0.8 {
                    let edge = Rasterizer.coverage(v - teethBot, px)
                    var tc = SIMD3<Float>(0.72, 0.68, 0.6) * (0.85 + 0.15 * m.bell)
                    let gap = Rasterizer.stroke(
                      (u - mcx) - (((u - mcx) / 0.075).rounded()) * 0.075, 0.004, px)
                    tc *= 1 - 0.3 * gap
                    inner =
                      inner
                      + (tc * sh.irradiance(SIMD3<Float>(0, 0, 1), shadow: 1, ao: 1)
                        - inner) * edge * g.teeth
                  }
                  let lowTop = m.gapBottom - 0.06
                  if g.lowerTeeth > 0 && v > lowTop && abs(u - mcx) < mhw * 0.7 {
                    let edge = Rasterizer.coverage(lowTop - v, px) * g.lowerTeeth
                    let lt =
                      SIMD3<Float>(0.62, 0.58, 0.5)
                      * sh.irradiance(
                        SIMD3<Float>(0, 0, 1), shadow: 1, ao: 0.8)
                    inner = inner + (lt - inner) * edge
                  }
                  lipC = lipC + (inner - lipC) * gapA
                }
                c = c + (lipC - c) * mA
                if mA > 0.5 {
                  if gapA > 0.5 {
                    lab = FaceClass.mouth.rawValue
                  } else {
                    lab = isUpper ? FaceClass.uLip.rawValue : FaceClass.lLip.rawValue
                  }
                }
                featureInk = max(featureInk, Rasterizer.stroke(dMouth, lineW * 0.8, px) * 0.8)
                let seam =
                  gapA > 0
                  ? Rasterizer.stroke(dGap, lineW, px)
                  : Rasterizer.stroke(v - m.gapTop, lineW, px)
                featureInk = max(featureInk, seam * mA)
              }
            }
            // Mustache over the upper lip.
            if g.mustache > 0.01 {
              let dM = mustacheDistance(g, m, u, v, mcx: mcx, mhw: mhw)
              if dM < px {
                let dens = 0.75 + 0.25 * hairTex.value(u * 90, v * 30)
                let muA =
                  Rasterizer.coverage(dM + 0.02 * (hairTex.value(u * 30, v * 30) - 0.5), px)
                  * g.mustache * dens
                let mc = hairColour(
                  g, sh, hairTex, u, v, crownY: crownY, dark: 0.9, edge: -1, colour: g.facialHair)
                c = c + (mc - c) * muA
                if muA > 0.5 { lab = FaceClass.skin.rawValue }
                featureInk = max(featureInk, muA * 0.7)
              }
            }
          }

          col = col + (c - col) * a
          if a > 0.5 { label = lab }
          ink = max(ink * (1 - a), Rasterizer.stroke(dHead, lineW, px), featureInk * a)
        }

        // Front hair: the cap over the skull and the fringe.
        if capD < 2 * px {
          let dF =
            capD + 0.035 * (hairTex.value(u * 16, v * 16) - 0.5)
            + 0.05 * (hairTex.value(u * 6 + 11, v * 6 + 3) - 0.5)
          let a = Rasterizer.coverage(dF, px)
          if a > 0 {
            let c = hairColour(g, sh, hairTex, u, v, crownY: crownY, dark: 1, edge: dF)
            col = col + (c - col) * a
            if a > 0.5 { label = FaceClass.hair.rawValue }
            ink = max(ink * (1 - a), Rasterizer.stroke(dF, lineW, px))
            ink = max(ink, a * strandInk(hairTex, u, v, crownY: crownY, g) * 0.6)
          }
        }

        // Glasses.
        if g.glasses > 0.01 && abs(v - g.eyeY) < 0.45 {
          var frameD: Float = 10
          var lensD: Float = 10
          var lensC: Float = 0
          for i in 0..<2 {
            let gx = g.eyeX[i], gy = g.eyeY + 0.03
            var d: Float
            switch g.glassesShape {
            case 0: d = ((u - gx) * (u - gx) + (v - gy) * (v - gy)).squareRoot() - 0.3
            case 1: d = Rasterizer.roundedBox(u, v, gx, gy, 0.35, 0.22, 0.07)
            default: d = Rasterizer.ellipse(u, v, gx, gy + 0.03, 0.36, 0.28)
            }
            if d < lensD { lensD = d; lensC = gx }
            frameD = min(frameD, abs(d) - g.frameThickness * 0.5)
            let o: Float = i == 0 ? -1 : 1
            let temple = Rasterizer.segment(
              u, v, gx + o * 0.34, g.eyeY - 0.05, o * (g.faceHalfWidth + 0.05) + g.headX,
              g.eyeY - 0.03)
            frameD = min(frameD, temple - g.frameThickness * 0.4)
          }
          let bridge = Rasterizer.segment(
            u, v, g.eyeX.x + 0.29, g.eyeY - 0.04, g.eyeX.y - 0.29, g.eyeY - 0.04)
          frameD = min(frameD, bridge - g.frameThickness * 0.45)
          if lensD < px {
            let la = Rasterizer.coverage(lensD, px) * g.glasses
            let s = (u - lensC) * 0.7 + (v - g.eyeY) * 0.7
            // A faint reflection (stronger ones hid the eyes from real-photo face detectors).
            let glare = expf(-((s + 0.08) / 0.05) * ((s + 0.08) / 0.05)) * 0.05
            let tinted = col * (1 - g.lensTint) + tint * g.lensTint
            col = col + (tinted - col) * la + sh.key * (glare * la)
            if la > 0.5 && g.lensTint > 0.5 { label = FaceClass.eyeG.rawValue }
            if g.lensTint > 0.5 { ink = max(ink, la * 0.5) }
          }
          if frameD < px {
            let fa = Rasterizer.coverage(frameD, px) * g.glasses
            let n = Shading.normal(0, -0.2)
            // A faint sheen keeps dark frames visible on dark skin.
            let fc =
              sh.irradiance(n, shadow: 1, ao: 1) * g.frameColour
              + sh.highlight(n, power: 64, gloss: 2) + sh.key * 0.035
            col = col + (fc - col) * fa
            if fa > 0.5 { label = FaceClass.eyeG.rawValue }
            ink = max(ink, fa)
          }
        }

        let idx = y * size + x
        rgb[idx * 3] = col.x
        rgb[idx * 3 + 1] = col.y
        rgb[idx * 3 + 2] = col.z
        labels[idx] = label
        inkOut[idx] = min(1, ink)
      }
    }
  }

  /// The height of the nose relief (bridge ridge, tip and alae) at a face-frame point.
  @inline(__always) static func noseHeight(_ g: FaceRig, _ u: Float, _ v: Float) -> Float {
    let span = g.noseTipY - g.noseTopY
    let k = max(0, min(1, (v - g.noseTopY) / span))
    let cx = g.noseTopX + (g.noseTipX - g.noseTopX) * k
    let env =
      Rasterizer.smoothstep(g.noseTopY - 0.12, g.noseTopY + 0.1, v)
      * (1 - Rasterizer.smoothstep(g.noseTipY - 0.02, g.noseTipY + 0.1, v))
    let w = 0.07 + 0.07 * k + 0.15 * (g.noseHalfWidth - 0.27) * k
    let dx = (u - cx) / w
    var h = (0.1 + 0.14 * k) * expf(-dx * dx) * env * g.noseRelief
    let tx = (u - g.noseTipX) / g.noseTipR, ty = (v - g.noseTipY + 0.03) / (g.noseTipR * 0.9)
    h += 0.2 * expf(-(tx * tx + ty * ty))
    let ay = (v - g.noseTipY + 0.01 + g.alaLift) / 0.09
    let awx = g.noseHalfWidth * 0.4
    let al = (u - g.noseTipX + g.noseHalfWidth * 0.7) / awx
    let ar = (u - g.noseTipX - g.noseHalfWidth * 0.7) / awx
    h += 0.09 * (expf(-(al * al + ay * ay)) + expf(-(ar * ar + ay * ay)))
    return h
  }

  /// The shape of the mouth in the column at `u`.
  struct MouthColumn {
    var inside: Bool
    var bell: Float
    var upperTop: Float, gapTop: Float, gapBottom: Float, lowerBottom: Float
  }

  @inline(__always) static func mouthShape(_ g: FaceRig, _ u: Float) -> MouthColumn {
    let t = 2 * (u - g.mouthLX) / (g.mouthRX - g.mouthLX) - 1
    let bell = max(0, 1 - t * t)
    let s = (t + 1) * 0.5
    let baseLine = g.mouthLY + (g.mouthRY - g.mouthLY) * s
    let yb = baseLine + (g.mouthMidY - (g.mouthLY + g.mouthRY) * 0.5) * bell
    let sb = bell.squareRoot()
    let top = yb - g.gapTop * bell
    let bottom = yb + g.gapBottom * bell
    let cupid = sb * (1 - 0.32 * expf(-(t / 0.14) * (t / 0.14)))
    return MouthColumn(
      inside: abs(t) < 1, bell: bell, upperTop: top - g.upperLip * cupid, gapTop: top,
      gapBottom: bottom, lowerBottom: bottom + g.lowerLip * sb)
  }

  /// Distance to the beard region (full, goatee or chin strap).
  @inline(__always) static func beardDistance(
    _ g: FaceRig, _ u: Float, _ v: Float, _ dHead: Float, mcx: Float, mhw: Float
  ) -> Float {
    let hx = (u - g.headX) / g.faceHalfWidth
    let grow = 0.07 * g.beard
    let dOuter = v > g.mouthMidY ? dHead - grow : dHead
    switch g.beardStyle {
    case 1:
      let top = g.mouthMidY + 0.1
      let chin = Rasterizer.ellipse(u, v, mcx, g.chinY - 0.12, 0.3, 0.4)
      return max(max(dOuter, top - v), chin)
    case 2:
      return max(max(dOuter, -(dHead + 0.17)), 0.45 - v)
    default:
      var top = 0.72 + 0.32 * max(0, 1 - hx * hx)
      if abs(hx) > 0.86 { top = min(top, 0.25) }
      // Shaved around the mouth, rising diagonally from its corners, so a full beard
      // without a mustache never reads as one.
      let beside = max(0, abs(u - mcx) - mhw - 0.12)
      top = max(top, g.mouthMidY + 0.12 - 0.8 * beside)
      return max(dOuter, top - v)
    }
  }

  /// Distance to the mustache region above the upper lip.
  @inline(__always) static func mustacheDistance(
    _ g: FaceRig, _ m: MouthColumn, _ u: Float, _ v: Float, mcx: Float, mhw: Float
  ) -> Float {
    let ax = abs(u - mcx)
    let lipTop = m.inside ? m.upperTop : g.mouthMidY
    let bottom = lipTop + 0.02
    switch g.mustacheStyle {
    case 1:
      return max(max(bottom - 0.11 - v, v - bottom), ax - mhw - 0.04)
    case 2:
      let bar = max(
        max(ax - mhw - 0.09, mhw - 0.02 - ax),
        max(
          g.noseTipY + 0.14 - v,
          v - g.mouthMidY - 0.3))
      let top = g.noseTipY + 0.12 + 0.08 * ax
      return min(bar, max(max(top - v, v - bottom), ax - mhw - 0.06))
    default:
      let top = g.noseTipY + 0.11 + 0.1 * ax
      return max(max(top - v, v - bottom - 0.02 * (1 - ax / (mhw + 0.06))), ax - mhw - 0.06)
    }
  }

  /// Distance to the front hair: the cap above the hairline (lowered by the fringe).
  @inline(__always) static func frontHairDistance(
    _ g: FaceRig, _ u: Float, _ v: Float, _ hx: Float, _ dHead: Float, longHair: Bool
  ) -> Float {
    let vol = g.hairVolume
    let sideShift: Float = g.hairStyle == 1 ? (g.hairPart > 0 ? -0.08 : 0.08) : 0
    let dOuter = Rasterizer.ellipse(
      u, v, g.headX + sideShift, g.craniumY - vol * 0.3, g.craniumRX + vol,
      g.craniumRY + vol * 0.8)
    if dOuter > 0.2 && !longHair { return dOuter }
    let ax = abs(hx) / g.faceHalfWidth
    var line = g.hairlineY + (-0.35 - g.hairlineY) * Rasterizer.smoothstep(0.45, 0.95, ax)
    if ax > 0.9 { line = max(line, longHair ? 0.7 : 0.2) }
    // Part dip.
    let pd = (u - g.hairPart) / 0.08
    line -= 0.06 * expf(-pd * pd)
    if g.fringe > 0 {
      var f = g.fringeY
      switch g.bangStyle {
      case 0: f += 0.03 * sinf(u * 40)
      case 1: f += 0.22 * (u - g.hairPart) * (g.hairPart > 0 ? -1 : 1) - 0.05
      default: f += 0.07 * abs(sinf(u * 11)) - 0.03
      }
      f -= 0.12 * Rasterizer.smoothstep(0.55, 0.95, ax)
      let fr = max(line, f)
      line += (fr - line) * g.fringe
    }
    var d = max(dOuter, v - line)
    if longHair {
      // Side curtains over the ears.
      // Side curtains: a band along the face outline, over the ears, ending at the jaw.
      let ahx = abs(hx)
      let band = -(dHead + 0.05 + 0.04 * g.hairVolume / 0.2)
      let across = max(band, ahx - (g.faceHalfWidth + vol + 0.15))
      let bottom: Float = 0.92
      let ends = max(v - bottom, 0.35 - ahx)
      d = min(d, max(max(across, ends), g.craniumY - 0.3 - v))
    }
    return d
  }

  /// Hair colour at a point: strands along a flow from the crown, sheen and shading.
  @inline(__always) static func hairColour(
    _ g: FaceRig, _ sh: Shading, _ tex: Noise, _ u: Float, _ v: Float, crownY: Float,
    dark: Float, edge: Float, colour: SIMD3<Float>? = nil
  ) -> SIMD3<Float> {
    let s = (u - g.hairPart) / (v - crownY) + g.hairWave * 0.04 * sinf(v * 10)
    let strand = 0.55 * tex.value(s * 40, v * 0.8) + 0.45 * tex.value(s * 120, v * 2.5)
    let rr = ((u - g.headX) * (u - g.headX) + (v - g.craniumY) * (v - g.craniumY)).squareRoot()
    let band = (rr - g.craniumRX * 0.85) / 0.14
    let sheen = expf(-band * band) * (0.35 + 0.65 * strand) * max(0, -v) * 0.25
    let n = Shading.normal((u - g.headX) / 2.2, (v - g.craniumY) / 3)
    let occl = edge > -0.9 ? 1 - 0.3 * Rasterizer.smoothstep(-0.15, 0, edge) : 1
    let light = sh.irradiance(n, shadow: 1, ao: occl)
    let base = (colour ?? g.hairColour) * (0.55 + 0.7 * strand) * dark
    let tintSpec = (g.hairColour.squareRoot() + SIMD3<Float>(repeating: 0.25)) * sheen
    return base * light + sh.key * tintSpec
  }

  /// Sparse strand lines for the geometric sketch.
  @inline(__always) static func strandInk(
    _ tex: Noise, _ u: Float, _ v: Float, crownY: Float, _ g: FaceRig
  ) -> Float {
    let s = (u - g.hairPart) / (v - crownY) + g.hairWave * 0.04 * sinf(v * 10)
    let f = s * 9 + 0.6 * tex.value(v * 2, s * 3)
    let d = abs(f - f.rounded())
    let gate = tex.value(s * 9, v * 1.5)
    return d < 0.05 && gate > 0.45 ? (1 - d / 0.05) : 0
  }

  /// Wrinkle darkening (x), sketch ink (y) and ridge highlight (z) from age and action units.
  @inline(__always) static func wrinkles(_ g: FaceRig, _ u: Float, _ v: Float, _ px: Float)
    -> SIMD3<Float>
  {
    var dark: Float = 0
    var ink: Float = 0
    var lift: Float = 0
    let w: Float = 0.022
    @inline(__always) func add(_ d: Float, _ s: Float) {
      guard s > 0.02 else { return }
      let a = Rasterizer.stroke(d, w, px) * s
      dark = max(dark, a)
      // A lit ridge beside each fold makes it read on dark skin too.
      lift = max(lift, Rasterizer.stroke(d - 2.2 * w, w, px) * s)
      if s > 0.35 { ink = max(ink, a * 0.8) }
    }
    let browTop = min(g.browInY.x, g.browOutY.x)
    // Forehead lines.
    if g.foreheadLines > 0.02 && v < browTop - 0.1 && v > browTop - 0.65 && abs(u) < 0.6 {
      for k in 0..<3 {
        let y0 = browTop - 0.2 - 0.13 * Float(k) + 0.12 * u * u
        add(v - y0, g.foreheadLines * (1 - 0.25 * Float(k)) * (1 - abs(u) / 0.6))
      }
    }
    // Glabellar lines.
    if g.glabella > 0.02 && abs(u) < 0.15 && v > browTop - 0.2 && v < browTop + 0.15 {
      add(abs(u) - 0.06, g.glabella * 0.9)
    }
    // Nasolabial folds and marionette lines.
    for i in 0..<2 {
      let o: Float = i == 0 ? -1 : 1
      let ax = g.noseTipX + o * (g.noseHalfWidth + 0.06), ay = g.noseTipY - 0.04
      let bx = (i == 0 ? g.mouthLX : g.mouthRX) + o * 0.09
      let by = (i == 0 ? g.mouthLY : g.mouthRY) + 0.05
      if g.nasolabial > 0.02 && v > ay - 0.05 && v < by + 0.1 && (u - ax) * o > -0.1 {
        let bow = o * 0.06 * sinf(Float.pi * max(0, min(1, (v - ay) / (by - ay))))
        add(Rasterizer.segment(u - bow, v, ax, ay, bx, by), g.nasolabial)
      }
      if g.marionette > 0.02 && v > by && v < by + 0.4 {
        add(Rasterizer.segment(u, v, bx - o * 0.04, by + 0.02, bx, by + 0.32), g.marionette * 0.8)
      }
      // Crow's feet.
      if g.crowsFeet > 0.02 {
        let cx = g.eyeX[i] + o * (g.eyeHalfWidth + 0.07)
        if abs(u - cx) < 0.12 && abs(v - g.eyeY) < 0.15 {
          for k in -1...1 {
            let fk = Float(k)
            add(
              Rasterizer.segment(
                u, v, cx - o * 0.02, g.eyeY + fk * 0.04,
                cx + o * 0.1, g.eyeY + fk * 0.09), g.crowsFeet * 0.8)
          }
        }
      }
      // Dimple (AU14).
      if g.dimple[i] > 0.02 {
        let dxp = u - ((i == 0 ? g.mouthLX : g.mouthRX) + o * 0.05)
        let dyp = v - (i == 0 ? g.mouthLY : g.mouthRY)
        add((dxp * dxp + dyp * dyp).squareRoot() - 0.025, g.dimple[i])
      }
    }
    // Nose-root wrinkles (AU9).
    if g.noseRoot > 0.02 && abs(u - g.noseTopX) < 0.18 && v > g.noseTopY - 0.1
      && v < g.noseTopY + 0.2
    {
      for k in 0..<3 {
        add(v - (g.noseTopY - 0.05 + 0.07 * Float(k)) - 0.3 * u * u, g.noseRoot * 0.9)
      }
    }
    // Double chin (Chubby).
    if g.doubleChin > 0.02 && abs(u - g.headX) < 0.45 && v > g.chinY - 0.3 {
      let cx = (u - g.headX) / 0.45
      add(v - (g.chinY - 0.13 - 0.12 * cx * cx), g.doubleChin * 0.8)
    }
    // Chin boss (AU17).
    if g.chinDimple > 0.02 && abs(u - g.headX) < 0.25 {
      add(v - (g.chinY - 0.22) - 0.6 * (u - g.headX) * (u - g.headX), g.chinDimple * 0.6)
    }
    return SIMD3(dark, ink, lift)
  }

  /// Linear skin luminance that face metering lifts darker faces to (sRGB ≈ 0.45 after the
  /// tone curve).
  static let meteredSkin: Float = 0.17

  /// The camera's face-metering gain: dark faces are brought up to ``meteredSkin`` (at most 3×),
  /// brighter ones are left alone.
  ///
  /// Without it the darkest skin tones under dim light came out at sRGB 0.1–0.3, darker than
  /// an auto-exposed photo, and a detector trained on photographs missed two faces in three
  /// below 0.4.
  ///
  /// The camera meters the person, not the moment: the gain comes from a small (32×32) render of
  /// the same face with a neutral expression, so that every expression of one identity gets the
  /// same exposure. Metering each render on its own made the gain follow the mouth (an open
  /// mouth hides skin), and the paired expression targets then differed from their source over
  /// the whole image, background included: an expression model learned that global shift
  /// instead of the mouth and brows.
  static func meteringGain(_ p: FaceParams) -> Float {
    // Bare skin only: a beard or mustache counts as skin in the parsing map, and metering it
    // made growing a beard brighten the whole picture.
    let q = p.with(.neutral, intensity: 0).with(.noBeard, 1).with(.mustache, 0)
    let raster = rasterized(FaceRig(q), q, Frame(size: 32, render: q.render), 32)
    return meteringGain(raster.rgb, raster.labels)
  }

  /// The metering gain of one raster (linear RGB and parsing labels).
  static func meteringGain(_ rgb: [Float], _ labels: [UInt8]) -> Float {
    var sum: Double = 0
    var count = 0
    let skin = FaceClass.skin.rawValue
    let nose = FaceClass.nose.rawValue
    for i in labels.indices where labels[i] == skin || labels[i] == nose {
      sum += Double(0.2126 * rgb[3 * i] + 0.7152 * rgb[3 * i + 1] + 0.0722 * rgb[3 * i + 2])
      count += 1
    }
    guard count > 0 else { return 1 }
    let metered = Float(sum / Double(count))
    return min(3, max(1, meteredSkin / max(metered, 1e-4)))
  }

  /// Camera post-processing: exposure (with `faceGain` from metering), white balance, tone
  /// curve, vignette, noise, gamma.
  static func postProcess(_ rgb: inout [Float], size: Int, _ r: RenderSettings, faceGain: Float = 1)
  {
    let noise = Noise(r.postSeed)
    let gain = r.whiteBalance * (r.exposure * faceGain)
    let inv = 1 / Float(size)
    rgb.withUnsafeMutableBufferPointer { buf in
      for y in 0..<size {
        for x in 0..<size {
          let i = (y * size + x) * 3
          let fx = (Float(x) + 0.5) * inv - 0.5, fy = (Float(y) + 0.5) * inv - 0.5
          let vig = 1 - r.vignette * (fx * fx + fy * fy) * 2
          let n =
            (noise.hash(Int32(x), Int32(y)) + noise.hash(Int32(x) &+ 911, Int32(y))
              - 1) * r.noise * 2.4
          for c in 0..<3 {
            var v = buf[i + c] * gain[c] * vig
            v = 1.25 * v / (1 + 0.25 * v)  // soft shoulder
            v = max(0, v).squareRoot()
            v = 0.5 + (v - 0.5) * r.contrast + n
            buf[i + c] = max(0, min(1, v))
          }
        }
      }
    }
  }
}
