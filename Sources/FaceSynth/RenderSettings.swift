// Per-image camera, pose, light, background and post-processing settings.

import Foundation

/// The rendering settings of one image, drawn from the render seed (identity and variant).
///
/// All expressions and attribute edits of an identity share these settings, including the
/// sensor-noise seed, so paired images differ only where the edit acts.
public struct RenderSettings: Sendable, Equatable {
  /// Head yaw, pitch and roll in radians (a few degrees).
  public var yaw: Float, pitch: Float, roll: Float
  /// Scale jitter around 1 and translation in IOD units.
  public var scale: Float, shiftX: Float, shiftY: Float
  /// Key-light direction (unit vector, y down, z toward the camera).
  public var light: SIMD3<Float>
  /// Key-light colour and intensity (linear RGB).
  public var keyColour: SIMD3<Float>
  /// Ambient (sky) colour and intensity (linear RGB).
  public var ambientColour: SIMD3<Float>
  /// Wrap factor of the diffuse term.
  public var wrap: Float
  /// Specular strength.
  public var specular: Float
  /// Background colours (linear RGB) and gradient angle.
  public var background0: SIMD3<Float>, background1: SIMD3<Float>
  /// Background gradient direction.
  public var backgroundAngle: Float
  /// Background blob-noise amplitude.
  public var backgroundNoise: Float
  /// White-balance gains and exposure multiplier.
  public var whiteBalance: SIMD3<Float>
  /// Exposure multiplier.
  public var exposure: Float
  /// Contrast of the tone curve.
  public var contrast: Float
  /// Vignetting strength.
  public var vignette: Float
  /// Sensor noise sigma (in [0, 1] units).
  public var noise: Float
  /// Gaze offset of the irises, in IOD.
  public var gazeX: Float, gazeY: Float
  /// Rim (back) light strength, 0 for most images.
  public var rimLight: Float
  /// Side of the rim light: -1 image left, +1 image right.
  public var rimSide: Float
  /// Uniform used to pick the sketch style.
  public var sketchPick: Float
  /// Seed of the sketch degradations.
  public var sketchSeed: UInt64
  /// Seed of the sensor noise (post-processing).
  public var postSeed: UInt64

  /// Draws the settings of `renderSeed`.
  public init(renderSeed: UInt64) {
    var g = SplitMix64(seed: renderSeed, stream: 10)
    let deg = Float.pi / 180
    yaw = g.uniform(-6, 6) * deg
    pitch = g.uniform(-4, 4) * deg
    roll = g.uniform(-3, 3) * deg
    scale = g.uniform(0.95, 1.05)
    shiftX = g.uniform(-0.06, 0.06)
    shiftY = g.uniform(-0.06, 0.06)
    let az = g.uniform(-65, 65) * deg
    let el = g.uniform(10, 55) * deg
    light = SIMD3(cosf(el) * sinf(az), -sinf(el), cosf(el) * cosf(az))
    let overcast = g.chance(0.2)
    let temp = g.uniform(-1, 1)
    let tint = SIMD3<Float>(1 + 0.12 * temp, 1, 1 - 0.15 * temp)
    let key = overcast ? g.uniform(0.3, 0.45) : g.uniform(0.6, 0.85)
    keyColour = tint * key
    let amb = overcast ? g.uniform(0.5, 0.62) : g.uniform(0.22, 0.38)
    ambientColour = SIMD3(1 - 0.05 * temp, 1, 1 + 0.05 * temp) * amb
    wrap = g.uniform(0.2, 0.5)
    specular = g.uniform(0.03, 0.12)
    func randomColour(_ g: inout SplitMix64) -> SIMD3<Float> {
      let v = g.uniform(0.08, 0.85)
      let sat = g.uniform(0, 0.5)
      let c = SIMD3(g.uniform(), g.uniform(), g.uniform())
      let grey = SIMD3<Float>(repeating: v)
      return grey + (c - SIMD3(repeating: 0.5)) * sat * v * 1.5
    }
    background0 = simd_clamp01(randomColour(&g))
    background1 = g.chance(0.4) ? background0 : simd_clamp01(randomColour(&g))
    backgroundAngle = g.uniform(0, 2 * Float.pi)
    backgroundNoise = g.chance(0.5) ? g.uniform(0.02, 0.12) : 0
    whiteBalance = SIMD3(g.uniform(0.93, 1.07), 1, g.uniform(0.93, 1.07))
    exposure = powf(2, g.uniform(-0.35, 0.35))
    contrast = g.uniform(0.9, 1.15)
    vignette = g.chance(0.5) ? g.uniform(0, 0.3) : 0
    noise = g.uniform(0, 0.025)
    gazeX = g.chance(0.6) ? g.uniform(-0.02, 0.02) : g.uniform(-0.05, 0.05)
    gazeY = g.uniform(-0.015, 0.015)
    sketchPick = g.uniform()
    rimLight = g.chance(0.3) ? g.uniform(0.15, 0.4) : 0
    rimSide = g.chance(0.5) ? 1 : -1
    sketchSeed = SplitMix64.mix(renderSeed, 0x5C7)
    postSeed = SplitMix64.mix(renderSeed, 0x9057)
  }
}

@inline(__always) func simd_clamp01(_ v: SIMD3<Float>) -> SIMD3<Float> {
  SIMD3(max(0, min(1, v.x)), max(0, min(1, v.y)), max(0, min(1, v.z)))
}
