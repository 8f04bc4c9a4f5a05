// Sketch extraction from photos (XDoG) and normalization of hand-drawn sketches.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// XDoG parameters for images in [0, 1], after Winnemöller and others (2012).
///
/// `D = G_σ − τ·G_kσ`, `T(D) = 1 if D ≥ ε else 1 + tanh(φ·(D − ε))`.
///
/// `sigma` is in pixels at a 256-pixel reference side and scales with the image.
/// A negative ε keeps flat regions white, dark or light; ε = −0.02 turns edges with a
/// contrast of about 0.25 or more into strokes. With `epsilon` nil (the default) ε adapts
/// to the photo: the `inkFraction` quantile of D, clamped to [−0.02, −0.003], so soft
/// photos still get lines and busy ones do not fill up.
public struct XDoGParameters: Sendable {
  public var sigma: Double = 1.0
  public var k: Double = 1.6
  public var tau: Double = 0.98
  public var epsilon: Double? = nil
  public var inkFraction: Double = 0.07
  public var phi: Double = 200
  /// Connected strokes smaller than this many pixels (at 256 px) are removed.
  public var minStrokeArea: Int = 8

  public init() {}
}

/// Sketches: extraction from photos and clean-up of user drawings.
public enum Sketch {
  /// Extracts dark line strokes on white from a photo with XDoG and speck removal.
  ///
  /// Output: 1 channel, same size, 1 = paper.
  public static func extract(from image: Image) -> Image {
    extract(from: image, parameters: XDoGParameters())
  }

  /// XDoG with explicit parameters; see `XDoGParameters`.
  public static func extract(from image: Image, parameters: XDoGParameters) -> Image {
    let gray = image.grayscale()
    let scale = max(0.5, Double(min(gray.width, gray.height)) / 256)
    let sigma = max(0.3, parameters.sigma * scale)
    let g1 = gaussianBlur(gray, sigma: sigma)
    let g2 = gaussianBlur(gray, sigma: sigma * parameters.k)
    var out = gray
    let tau = Float(parameters.tau), phi = Float(parameters.phi)
    out.pixels.withUnsafeMutableBufferPointer { dst in
      g1.pixels.withUnsafeBufferPointer { a in
        g2.pixels.withUnsafeBufferPointer { b in
          for i in 0..<dst.count { dst[i] = a[i] - tau * b[i] }
        }
      }
    }
    var eps: Float
    if let fixed = parameters.epsilon {
      eps = Float(fixed)
    } else {
      let sorted = out.pixels.sorted()
      let rank = min(sorted.count - 1, Int(Double(sorted.count) * parameters.inkFraction))
      eps = min(-0.003, max(-0.02, sorted[rank]))
    }
    out.pixels.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count {
        let d = p[i]
        p[i] = d >= eps ? 1 : max(0, 1 + tanh(phi * (d - eps)))
      }
    }
    let minArea = max(1, Int(Double(parameters.minStrokeArea) * scale * scale))
    return removeSpecks(out, minArea: minArea)
  }

  /// Normalizes a hand-drawn sketch to look like the training sketches.
  ///
  /// Steps: gray, with uneven paper lighting divided out; dark strokes on white (inverted if
  /// the paper is dark); cropped to the drawing with an 8 % margin and made square;
  /// resized to `size` × `size`; near-binary; strokes steered toward 2 px per 256 px.
  public static func normalize(_ image: Image, size: Int) -> Image {
    precondition(size > 0)
    var gray = flattenIllumination(image.grayscale())
    var threshold = otsuThreshold(gray)
    let darkCount = gray.pixels.reduce(0) { $0 + ($1 < threshold ? 1 : 0) }
    if darkCount * 2 > gray.pixels.count {
      gray.pixels = gray.pixels.map { 1 - $0 }
      threshold = 1 - threshold
    }
    // Bounding box of the ink.
    var x0 = gray.width, y0 = gray.height, x1 = -1, y1 = -1
    for y in 0..<gray.height {
      for x in 0..<gray.width where gray.pixels[y * gray.width + x] < threshold {
        x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
      }
    }
    if x1 < 0 { return Image(width: size, height: size, channels: 1, value: 1) }
    let margin = 0.08
    let bw = x1 - x0 + 1, bh = y1 - y0 + 1
    let side = max(1, Int((Double(max(bw, bh)) / (1 - 2 * margin)).rounded()))
    let box = CropBox.square(centerX: (x0 + x1 + 1) / 2, centerY: (y0 + y1 + 1) / 2, side: side)
    var out = gray.cropped(to: box, fill: 1).resized(width: size, height: size)
    // Near-binary contrast: a soft step of width 0.2 around the threshold.
    let lo = max(0, threshold - 0.1), hi = min(1, threshold + 0.1)
    out.pixels = out.pixels.map { min(1, max(0, ($0 - lo) / max(hi - lo, 1e-3))) }
    // Stroke width: 2 · area / perimeter, steered toward 2 px per 256 px.
    let target = max(1.0, 2.0 * Double(size) / 256)
    for _ in 0..<3 {
      guard let width = strokeWidth(out) else { break }
      // A 3×3 step changes the width by about 2 px: step only when that gets closer.
      if width >= target + 1.8 {
        out = morphology(out, takeMax: true)  // thins dark strokes
      } else if width <= target - 1.2 {
        out = morphology(out, takeMax: false)  // thickens dark strokes
      } else {
        break
      }
    }
    return out
  }

  // MARK: - Building blocks

  /// Divides a gray image by an estimate of the paper brightness.
  ///
  /// The paper is estimated at ≤ 256 px by a max filter (radius 6, which removes strokes up
  /// to about 12 px wide) and a blur (σ 6). Images whose paper estimate varies by less than
  /// 0.08 are returned unchanged. Dark filled areas wider than the filter lighten.
  public static func flattenIllumination(_ gray: Image) -> Image {
    precondition(gray.channels == 1)
    let side = max(gray.width, gray.height)
    guard side >= 32 else { return gray }
    let scale = min(1, 256 / Double(side))
    let sw = max(1, Int(Double(gray.width) * scale)), sh = max(1, Int(Double(gray.height) * scale))
    var paper = gray.resized(width: sw, height: sh, filter: .area)
    paper = maxFilter(paper, radius: 6)
    paper = gaussianBlur(paper, sigma: 6)
    let lo = paper.pixels.min() ?? 1, hi = paper.pixels.max() ?? 1
    if hi - lo < 0.08 { return gray }
    paper = paper.resized(width: gray.width, height: gray.height, filter: .bilinear)
    var out = gray
    out.pixels.withUnsafeMutableBufferPointer { dst in
      paper.pixels.withUnsafeBufferPointer { p in
        for i in 0..<dst.count { dst[i] = min(1, dst[i] / max(p[i], 0.05)) }
      }
    }
    return out
  }

  /// Separable max filter of a gray image over a (2r+1)² square, edges clamped.
  static func maxFilter(_ gray: Image, radius: Int) -> Image {
    let w = gray.width, h = gray.height
    var temp = gray.pixels
    var out = gray.pixels
    gray.pixels.withUnsafeBufferPointer { src in
      temp.withUnsafeMutableBufferPointer { dst in
        for y in 0..<h {
          for x in 0..<w {
            var v: Float = 0
            for t in max(0, x - radius)...min(w - 1, x + radius) { v = max(v, src[y * w + t]) }
            dst[y * w + x] = v
          }
        }
      }
    }
    temp.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<h {
          for x in 0..<w {
            var v: Float = 0
            for t in max(0, y - radius)...min(h - 1, y + radius) { v = max(v, src[t * w + x]) }
            dst[y * w + x] = v
          }
        }
      }
    }
    return Image(width: w, height: h, channels: 1, pixels: out)
  }

  /// Separable Gaussian blur with clamped edges (any channel count).
  public static func gaussianBlur(_ image: Image, sigma: Double) -> Image {
    let radius = max(1, Int((3 * sigma).rounded(.up)))
    var kernel = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
    let total = kernel.reduce(0, +)
    kernel = kernel.map { $0 / total }
    let w = image.width, h = image.height, c = image.channels
    var temp = [Float](repeating: 0, count: image.pixels.count)
    var out = temp
    kernel.withUnsafeBufferPointer { k in
      image.pixels.withUnsafeBufferPointer { src in
        temp.withUnsafeMutableBufferPointer { dst in
          for y in 0..<h {
            for x in 0..<w {
              for ch in 0..<c {
                var sum: Float = 0
                for t in -radius...radius {
                  let sx = min(max(x + t, 0), w - 1)
                  sum += k[t + radius] * src[(y * w + sx) * c + ch]
                }
                dst[(y * w + x) * c + ch] = sum
              }
            }
          }
        }
      }
      temp.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
          let row = w * c
          for y in 0..<h {
            for t in -radius...radius {
              let sy = min(max(y + t, 0), h - 1)
              let weight = k[t + radius]
              for i in 0..<row { dst[y * row + i] += weight * src[sy * row + i] }
            }
          }
        }
      }
    }
    return Image(width: w, height: h, channels: c, pixels: out)
  }

  /// Otsu's threshold of a gray image (in [0, 1], 256 bins).
  public static func otsuThreshold(_ gray: Image) -> Float {
    var histogram = [Int](repeating: 0, count: 256)
    for v in gray.pixels { histogram[min(255, max(0, Int(v * 255 + 0.5)))] += 1 }
    let total = gray.pixels.count
    var sumAll = 0.0
    for i in 0..<256 { sumAll += Double(i * histogram[i]) }
    // The midpoint of the range of thresholds with the largest between-class variance.
    var sumBelow = 0.0, countBelow = 0, best = -1.0, bestLo = 128, bestHi = 128
    for t in 0..<256 {
      countBelow += histogram[t]
      sumBelow += Double(t * histogram[t])
      let countAbove = total - countBelow
      if countBelow == 0 || countAbove == 0 { continue }
      let m0 = sumBelow / Double(countBelow), m1 = (sumAll - sumBelow) / Double(countAbove)
      let between = Double(countBelow) * Double(countAbove) * (m0 - m1) * (m0 - m1)
      if between > best * (1 + 1e-9) {
        best = between
        bestLo = t
        bestHi = t
      } else if between >= best * (1 - 1e-9) {
        bestHi = t
      }
    }
    return (Float(bestLo + bestHi) / 2 + 0.5) / 255
  }

  /// Mean stroke width of ink (< 0.5) as 2 · area / boundary length; nil without ink.
  static func strokeWidth(_ gray: Image) -> Double? {
    let w = gray.width, h = gray.height
    var area = 0, boundary = 0
    for y in 0..<h {
      for x in 0..<w {
        let ink = gray.pixels[y * w + x] < 0.5
        if ink { area += 1 }
        if x + 1 < w && ink != (gray.pixels[y * w + x + 1] < 0.5) { boundary += 1 }
        if y + 1 < h && ink != (gray.pixels[(y + 1) * w + x] < 0.5) { boundary += 1 }
      }
    }
    return area == 0 || boundary == 0 ? nil : 2 * Double(area) / Double(boundary)
  }

  /// 3×3 max filter (`takeMax`, thins dark strokes) or min filter (thickens them).
  static func morphology(_ gray: Image, takeMax: Bool) -> Image {
    let w = gray.width, h = gray.height
    var out = gray
    for y in 0..<h {
      for x in 0..<w {
        var v = gray.pixels[y * w + x]
        for dy in -1...1 {
          for dx in -1...1 {
            let sx = min(max(x + dx, 0), w - 1), sy = min(max(y + dy, 0), h - 1)
            let s = gray.pixels[sy * w + sx]
            v = takeMax ? max(v, s) : min(v, s)
          }
        }
        out.pixels[y * w + x] = v
      }
    }
    return out
  }

  /// Whitens 8-connected ink components (< 0.5) smaller than `minArea` pixels.
  static func removeSpecks(_ gray: Image, minArea: Int) -> Image {
    let w = gray.width, h = gray.height
    var out = gray
    var label = [Int32](repeating: 0, count: w * h)
    var stack: [Int] = []
    var component: [Int] = []
    var next: Int32 = 1
    for start in 0..<(w * h) where label[start] == 0 && gray.pixels[start] < 0.5 {
      component.removeAll(keepingCapacity: true)
      stack.append(start)
      label[start] = next
      while let p = stack.popLast() {
        component.append(p)
        let px = p % w, py = p / w
        for dy in -1...1 {
          for dx in -1...1 {
            let nx = px + dx, ny = py + dy
            guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
            let q = ny * w + nx
            if label[q] == 0 && gray.pixels[q] < 0.5 {
              label[q] = next
              stack.append(q)
            }
          }
        }
      }
      if component.count < minArea {
        for p in component { out.pixels[p] = 1 }
      }
      next += 1
    }
    return out
  }
}
