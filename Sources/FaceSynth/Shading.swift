// The lighting model shared by skin, hair and clothes.

/// Wrapped-Lambert diffuse, hemispherical ambient and Blinn–Phong specular lighting.
struct Shading: Sendable {
  /// Unit direction toward the key light (y down, z toward the camera).
  let light: SIMD3<Float>
  /// Key-light colour times intensity.
  let key: SIMD3<Float>
  /// Ambient colour times intensity.
  let ambient: SIMD3<Float>
  /// Diffuse wrap factor.
  let wrap: Float
  /// Specular strength.
  let specular: Float
  /// Rim-light strength and side (-1 image left, +1 image right).
  let rim: Float
  let rimSide: Float
  /// Blinn half vector between the light and the view direction (0, 0, 1).
  let half: SIMD3<Float>

  init(_ r: RenderSettings) {
    light = r.light
    key = r.keyColour
    ambient = r.ambientColour
    wrap = r.wrap
    specular = r.specular
    rim = r.rimLight
    rimSide = r.rimSide
    let h = r.light + SIMD3(0, 0, 1)
    half = h / (h * h).sum().squareRoot()
  }

  /// Normalizes a normal built from (nx, ny) with a positive z.
  @inline(__always) static func normal(_ nx: Float, _ ny: Float) -> SIMD3<Float> {
    let z2 = max(0.02, 1 - nx * nx - ny * ny)
    let n = SIMD3(nx, ny, z2.squareRoot())
    return n / (n * n).sum().squareRoot()
  }

  /// Diffuse and ambient irradiance for normal `n`, with key-light visibility `shadow`
  /// and ambient occlusion `ao`.
  @inline(__always) func irradiance(_ n: SIMD3<Float>, shadow: Float, ao: Float)
    -> SIMD3<Float>
  {
    let ndl = (n * light).sum()
    let diffuse = max(0, (ndl + wrap) / (1 + wrap)) * shadow
    let sky = 0.75 - 0.25 * n.y
    let rimTerm = rim > 0 ? rim * max(0, n.x * rimSide) * (1 - n.z) * 2 : 0
    return key * (diffuse + rimTerm) + ambient * (sky * ao)
  }

  /// Specular highlight for normal `n` with exponent `power` and strength scale `gloss`.
  @inline(__always) func highlight(_ n: SIMD3<Float>, power: Float, gloss: Float) -> SIMD3<Float> {
    let ndh = max(0, (n * half).sum())
    // Integer-ish power by repeated squaring keeps this cheap: ndh^32 or ndh^64.
    var s = ndh * ndh
    s *= s
    s *= s
    s *= s
    s *= s
    if power > 40 { s *= s }
    return key * (s * specular * gloss)
  }

  /// A broad key-light sheen for normal `n`: the key colour times (n·h)⁴, where h is the half
  /// vector (no specular strength: it lights matte skin too).
  @inline(__always) func sheen(_ n: SIMD3<Float>) -> SIMD3<Float> {
    let ndh = max(0, (n * half).sum())
    let s = ndh * ndh
    return key * (s * s)
  }
}
