// Image-similarity figures: PSNR, SSIM on luminance, L1.

import Foundation
import Imaging
import Tensor

/// Full-reference image metrics on images in [0, 1].
public enum ImageMetrics {
  /// Mean absolute difference over all samples.
  public static func l1(_ a: Image, _ b: Image) -> Double {
    precondition(a.pixels.count == b.pixels.count, "l1 of different sizes")
    var s = 0.0
    for i in a.pixels.indices { s += Double(Swift.abs(a.pixels[i] - b.pixels[i])) }
    return s / Double(max(a.pixels.count, 1))
  }

  /// Peak signal-to-noise ratio in dB (peak 1).
  public static func psnr(_ a: Image, _ b: Image) -> Double {
    var s = 0.0
    for i in a.pixels.indices {
      let d = Double(a.pixels[i] - b.pixels[i])
      s += d * d
    }
    let mse = max(s / Double(max(a.pixels.count, 1)), 1e-12)
    return 10 * log10(1 / mse)
  }

  /// SSIM of the luminance (Rec.
  ///
  /// 601 luma) with an 11×11 Gaussian window (σ = 1.5), K1 = 0.01, K2 = 0.03, averaged over
  /// positions where the window fits, and only over those where `mask` (row-major, one flag
  /// per pixel) is true when a mask is given.
  public static func ssim(_ a: Image, _ b: Image, within mask: [Bool]? = nil) -> Double {
    let x = luma(a)
    let y = luma(b)
    let (w, h) = (a.width, a.height)
    let r = 5
    var k = [Double](repeating: 0, count: 2 * r + 1)
    for i in -r...r { k[i + r] = exp(-Double(i * i) / (2 * 1.5 * 1.5)) }
    let ks = k.reduce(0, +)
    k = k.map { $0 / ks }
    func blur(_ v: [Double]) -> [Double] {
      var t = [Double](repeating: 0, count: w * h)
      for yy in 0..<h {
        for xx in r..<(w - r) {
          var s = 0.0
          for i in -r...r { s += k[i + r] * v[yy * w + xx + i] }
          t[yy * w + xx] = s
        }
      }
      var o = [Double](repeating: 0, count: w * h)
      for yy in r..<(h - r) {
        for xx in r..<(w - r) {
          var s = 0.0
          for i in -r...r { s += k[i + r] * t[(yy + i) * w + xx] }
          o[yy * w + xx] = s
        }
      }
      return o
    }
    let mx = blur(x)
    let my = blur(y)
    let sxx = blur(x.map { $0 * $0 })
    let syy = blur(y.map { $0 * $0 })
    let sxy = blur(zip(x, y).map { $0 * $1 })
    let c1 = 0.0001
    let c2 = 0.0009
    var total = 0.0
    var n = 0
    for yy in r..<(h - r) {
      for xx in r..<(w - r) {
        let i = yy * w + xx
        if let mask, !mask[i] { continue }
        let vx = sxx[i] - mx[i] * mx[i]
        let vy = syy[i] - my[i] * my[i]
        let cxy = sxy[i] - mx[i] * my[i]
        total +=
          ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2))
          / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2))
        n += 1
      }
    }
    return total / Double(max(n, 1))
  }

  static func luma(_ img: Image) -> [Double] {
    let c = img.channels
    return (0..<(img.width * img.height)).map { i in
      if c < 3 { return Double(img.pixels[i * c]) }
      return 0.299 * Double(img.pixels[i * c]) + 0.587 * Double(img.pixels[i * c + 1])
        + 0.114 * Double(img.pixels[i * c + 2])
    }
  }
}
