// Sketch styles: geometry lines, XDoG, rough (degraded) lines and pencil dodge.

import Foundation
import Imaging

/// Draws the sketch of a sample: dark strokes on white, one gray channel.
///
/// `lines` come straight from the rasterizer's ink; `xdog` filters the rendered face;
/// `rough` degrades the lines (wobble, missing strokes, thickness, doubled strokes, erased
/// patches); `pencil` is a dodge-blend tonal sketch, held out for the test split.
public enum SketchRenderer {
  /// The sketch of `style` from the line ink and the rendered face.
  static func sketch(
    style: SketchStyle, ink: [Float], face: Image, size: Int, seed: UInt64
  ) -> Image {
    var g = SplitMix64(seed: seed)
    let scale = Float(size) / 128
    switch style {
    case .lines:
      let opacity = g.uniform(0.8, 1)
      return Image(width: size, height: size, channels: 1, pixels: ink.map { 1 - $0 * opacity })
    case .xdog:
      return xdog(
        stretched(luminance(face)), size: size, sigma: max(1, g.uniform(0.9, 1.3) * scale), k: 1.6,
        tau: g.uniform(0.98, 0.995), epsilon: g.uniform(-0.012, -0.004), phi: g.uniform(100, 250))
    case .rough:
      return rough(ink, size: size, rng: &g)
    case .pencil:
      var lum = blur(luminance(face), size: size, sigma: 0.8 * scale)
      lum = warp(lum, size: size, amplitude: 0.8 * scale, wavelength: 30 * scale, rng: &g, fill: 1)
      return pencil(lum, size: size, radius: g.uniform(0.02, 0.04) * Float(size))
    }
  }

  /// The luminance (BT.601 weights) of an RGB image.
  static func luminance(_ face: Image) -> [Float] {
    let n = face.width * face.height
    var out = [Float](repeating: 0, count: n)
    face.pixels.withUnsafeBufferPointer { p in
      for i in 0..<n {
        out[i] = 0.299 * p[i * 3] + 0.587 * p[i * 3 + 1] + 0.114 * p[i * 3 + 2]
      }
    }
    return out
  }

  /// Auto-levels: maps the 2nd and 98th luminance percentiles to 0 and 1 (gain at most 2).
  static func stretched(_ lum: [Float]) -> [Float] {
    var hist = [Int](repeating: 0, count: 256)
    for v in lum { hist[Int(max(0, min(255, v * 255)))] += 1 }
    let cut = lum.count / 50
    var lo = 0, hi = 255, acc = 0
    while lo < 255 && acc + hist[lo] < cut { acc += hist[lo]; lo += 1 }
    acc = 0
    while hi > 0 && acc + hist[hi] < cut { acc += hist[hi]; hi -= 1 }
    let a = Float(lo) / 255, b = max(Float(hi) / 255, a + 0.5)
    return lum.map { max(0, min(1, ($0 - a) / (b - a))) }
  }

  /// Separable Gaussian blur with clamped borders.
  public static func blur(_ src: [Float], size: Int, sigma: Float) -> [Float] {
    let radius = max(1, Int((sigma * 3).rounded(.up)))
    var kernel = [Float](repeating: 0, count: 2 * radius + 1)
    var sum: Float = 0
    for i in -radius...radius {
      let w = expf(-Float(i * i) / (2 * sigma * sigma))
      kernel[i + radius] = w
      sum += w
    }
    for i in kernel.indices { kernel[i] /= sum }
    var tmp = [Float](repeating: 0, count: src.count)
    var out = [Float](repeating: 0, count: src.count)
    src.withUnsafeBufferPointer { s in
      tmp.withUnsafeMutableBufferPointer { t in
        kernel.withUnsafeBufferPointer { k in
          for y in 0..<size {
            let row = y * size
            for x in 0..<size {
              var acc: Float = 0
              for j in -radius...radius {
                let xx = min(size - 1, max(0, x + j))
                acc += s[row + xx] * k[j + radius]
              }
              t[row + x] = acc
            }
          }
        }
      }
    }
    tmp.withUnsafeBufferPointer { t in
      out.withUnsafeMutableBufferPointer { o in
        kernel.withUnsafeBufferPointer { k in
          for y in 0..<size {
            for x in 0..<size {
              var acc: Float = 0
              for j in -radius...radius {
                let yy = min(size - 1, max(0, y + j))
                acc += t[yy * size + x] * k[j + radius]
              }
              o[y * size + x] = acc
            }
          }
        }
      }
    }
    return out
  }

  /// XDoG after Winnemöller and others (2012): `D = G_σ − τ·G_kσ`, soft-thresholded.
  public static func xdog(
    _ lum: [Float], size: Int, sigma: Float, k: Float, tau: Float, epsilon: Float, phi: Float
  ) -> Image {
    let g1 = blur(lum, size: size, sigma: sigma)
    let g2 = blur(lum, size: size, sigma: sigma * k)
    var out = [Float](repeating: 1, count: lum.count)
    for i in 0..<lum.count {
      let d = g1[i] - tau * g2[i]
      out[i] = d >= epsilon ? 1 : max(0, 1 + tanhf(phi * (d - epsilon)))
    }
    return Image(width: size, height: size, channels: 1, pixels: out)
  }

  /// Pencil sketch by colour dodge of the blurred inverse.
  static func pencil(_ lum: [Float], size: Int, radius: Float) -> Image {
    let inv = lum.map { 1 - $0 }
    let b = blur(inv, size: size, sigma: radius / 2)
    var out = [Float](repeating: 1, count: lum.count)
    for i in 0..<lum.count {
      let d = min(1, lum[i] / max(1e-3, 1 - b[i]))
      out[i] = powf(d, 3)
    }
    return Image(width: size, height: size, channels: 1, pixels: out)
  }

  /// Geometry lines with wobble, dropout, thickness changes, doubled strokes and erasures.
  static func rough(_ ink: [Float], size: Int, rng g: inout SplitMix64) -> Image {
    let scale = Float(size) / 128
    var a = ink
    // Thickness: dilate (thicker) or fade (thinner) with a spatially varying mix.
    let thick = g.uniform(-0.6, 1)
    let mask = Noise(g.next())
    if thick > 0 {
      let d = dilate(a, size: size)
      let f = 12 / Float(size)
      for y in 0..<size {
        for x in 0..<size {
          let i = y * size + x
          let w = thick * mask.value(Float(x) * f, Float(y) * f)
          a[i] = a[i] + (d[i] - a[i]) * w
        }
      }
    } else {
      for i in a.indices { a[i] *= 1 + thick * 0.5 }
    }
    // Missing strokes: a low-frequency mask removes 5–15% of the ink.
    let drop = Noise(g.next())
    let cut = g.uniform(0.78, 0.9)
    let fd = 9 / Float(size)
    for y in 0..<size {
      for x in 0..<size {
        let m = drop.value(Float(x) * fd, Float(y) * fd)
        if m > cut { a[y * size + x] *= max(0, 1 - (m - cut) * 25) }
      }
    }
    // Wobble.
    a = warp(
      a, size: size, amplitude: g.uniform(0.6, 2) * scale,
      wavelength: g.uniform(20, 40) * scale, rng: &g, fill: 0)
    // Doubled sketchy strokes.
    if g.chance(0.25) {
      let shifted = warp(
        a, size: size, amplitude: 1.2 * scale, wavelength: 25 * scale,
        rng: &g, fill: 0)
      for i in a.indices { a[i] = max(a[i], shifted[i] * 0.5) }
    }
    // Erased patches (DeepPS-style).
    for _ in 0..<g.index(3) {
      let w = Int(g.uniform(0.12, 0.25) * Float(size))
      let x0 = g.index(size - w), y0 = g.index(size - w)
      for y in y0..<(y0 + w) { for x in x0..<(x0 + w) { a[y * size + x] = 0 } }
    }
    let opacity = g.uniform(0.7, 1)
    return Image(width: size, height: size, channels: 1, pixels: a.map { 1 - min(1, $0) * opacity })
  }

  /// 3×3 maximum filter.
  static func dilate(_ a: [Float], size: Int) -> [Float] {
    var out = a
    for y in 0..<size {
      for x in 0..<size {
        var m: Float = 0
        for j in max(0, y - 1)...min(size - 1, y + 1) {
          for i in max(0, x - 1)...min(size - 1, x + 1) { m = max(m, a[j * size + i]) }
        }
        out[y * size + x] = m
      }
    }
    return out
  }

  /// Resamples `a` through a smooth random displacement field (bilinear, clamped borders;
  /// `fill` initialises the output buffer).
  static func warp(
    _ a: [Float], size: Int, amplitude: Float, wavelength: Float, rng g: inout SplitMix64,
    fill: Float
  ) -> [Float] {
    let nx = Noise(g.next()), ny = Noise(g.next())
    let f = 1 / wavelength
    var out = [Float](repeating: fill, count: a.count)
    a.withUnsafeBufferPointer { s in
      for y in 0..<size {
        for x in 0..<size {
          let fx = Float(x), fy = Float(y)
          let sx = fx + (nx.value(fx * f, fy * f) - 0.5) * 2 * amplitude
          let sy = fy + (ny.value(fx * f + 7, fy * f + 3) - 0.5) * 2 * amplitude
          let cx = max(0, min(Float(size) - 1.001, sx)), cy = max(0, min(Float(size) - 1.001, sy))
          let x0 = Int(cx), y0 = Int(cy)
          let tx = cx - Float(x0), ty = cy - Float(y0)
          let i = y0 * size + x0
          let top = s[i] + (s[i + 1] - s[i]) * tx
          let bottom = s[i + size] + (s[i + size + 1] - s[i + size]) * tx
          out[y * size + x] = top + (bottom - top) * ty
        }
      }
    }
    return out
  }
}
