// Separable resampling: area averaging to shrink, bilinear or Lanczos-3 to enlarge.

/// The filter used along one axis.
public enum ResizeFilter: Sendable {
  /// Area when shrinking, Lanczos-3 (clamped to [0, 1]) when enlarging; the default.
  case automatic
  /// Exact pixel-area averaging (box); the right choice for shrinking.
  case area
  /// Bilinear (triangle) interpolation.
  case bilinear
  /// Lanczos windowed sinc with 3 lobes; sharp, may ring (results are clamped).
  case lanczos3
}

extension Image {
  /// Resized to `width` × `height` with the automatic filter choice per axis.
  public func resized(width: Int, height: Int) -> Image {
    resized(width: width, height: height, filter: .automatic)
  }

  /// Resized to `width` × `height` with `filter` (applied separably, rows then columns).
  public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter) -> Image {
    precondition(newWidth > 0 && newHeight > 0 && width > 0 && height > 0)
    if newWidth == width && newHeight == height { return self }
    let c = channels
    // Horizontal pass: width × height → newWidth × height.
    var horizontal: [Float]
    if newWidth == width {
      horizontal = pixels
    } else {
      let table = ResampleTable(source: width, target: newWidth, filter: filter)
      horizontal = [Float](repeating: 0, count: newWidth * height * c)
      horizontal.withUnsafeMutableBufferPointer { dst in
        pixels.withUnsafeBufferPointer { src in
          table.weights.withUnsafeBufferPointer { w in
            for y in 0..<height {
              let srcRow = y * width * c, dstRow = y * newWidth * c
              for x in 0..<newWidth {
                let start = table.starts[x], count = table.counts[x], base = table.offsets[x]
                for k in 0..<c {
                  var sum: Float = 0
                  for t in 0..<count { sum += w[base + t] * src[srcRow + (start + t) * c + k] }
                  dst[dstRow + x * c + k] = sum
                }
              }
            }
          }
        }
      }
    }
    // Vertical pass: newWidth × height → newWidth × newHeight.
    var out: [Float]
    if newHeight == height {
      out = horizontal
    } else {
      let table = ResampleTable(source: height, target: newHeight, filter: filter)
      let rowLength = newWidth * c
      out = [Float](repeating: 0, count: rowLength * newHeight)
      out.withUnsafeMutableBufferPointer { dst in
        horizontal.withUnsafeBufferPointer { src in
          table.weights.withUnsafeBufferPointer { w in
            for y in 0..<newHeight {
              let start = table.starts[y], count = table.counts[y], base = table.offsets[y]
              let dstRow = y * rowLength
              for t in 0..<count {
                let weight = w[base + t]
                let srcRow = (start + t) * rowLength
                for i in 0..<rowLength { dst[dstRow + i] += weight * src[srcRow + i] }
              }
            }
          }
        }
      }
    }
    if filter == .lanczos3 || (filter == .automatic && (newWidth > width || newHeight > height)) {
      out.withUnsafeMutableBufferPointer { p in
        for i in 0..<p.count { p[i] = min(max(p[i], 0), 1) }
      }
    }
    return Image(width: newWidth, height: newHeight, channels: c, pixels: out)
  }

  /// Resized to fit inside `maxWidth` × `maxHeight`, keeping the aspect ratio
  /// (`pixelAspect` is the width/height ratio of a target pixel, 1 for square pixels).
  public func resizedToFit(maxWidth: Int, maxHeight: Int, pixelAspect: Double = 1) -> Image {
    let (w, h) = Image.fittedSize(
      width: width, height: height, maxWidth: maxWidth, maxHeight: maxHeight,
      pixelAspect: pixelAspect)
    return resized(width: w, height: h)
  }

  /// The largest size inside `maxWidth` × `maxHeight` with the aspect of `width` × `height`.
  public static func fittedSize(
    width: Int, height: Int, maxWidth: Int, maxHeight: Int, pixelAspect: Double = 1
  ) -> (Int, Int) {
    let aspect = Double(width) / Double(height) / pixelAspect
    var w = Double(maxWidth), h = w / aspect
    if h > Double(maxHeight) {
      h = Double(maxHeight)
      w = h * aspect
    }
    return (max(1, min(maxWidth, Int(w.rounded()))), max(1, min(maxHeight, Int(h.rounded()))))
  }
}

/// Per-output-sample filter taps for one axis.
///
/// Layout: output `i` reads source samples
/// `starts[i] ..< starts[i] + counts[i]` with weights `weights[offsets[i] ..< +counts[i]]`.
struct ResampleTable {
  var starts: [Int] = []
  var counts: [Int] = []
  var offsets: [Int] = []
  var weights: [Float] = []

  init(source: Int, target: Int, filter: ResizeFilter) {
    let scale = Double(target) / Double(source)
    var kind = filter
    if kind == .automatic { kind = scale < 1 ? .area : .lanczos3 }
    for i in 0..<target {
      var taps: [(Int, Double)] = []
      switch kind {
      case .area where scale < 1:
        let lo = Double(i) / scale, hi = Double(i + 1) / scale
        var s = Int(lo.rounded(.down))
        while Double(s) < hi && s < source {
          let overlap = min(hi, Double(s + 1)) - max(lo, Double(s))
          if overlap > 1e-9 { taps.append((s, overlap)) }
          s += 1
        }
      default:
        // Interpolating filters, widened by 1/scale when shrinking.
        let support: Double = kind == .lanczos3 ? 3 : 1
        let stretch = scale < 1 ? 1 / scale : 1
        let center = (Double(i) + 0.5) / scale - 0.5
        let lo = Int((center - support * stretch).rounded(.up))
        let hi = Int((center + support * stretch).rounded(.down))
        for s in lo...hi {
          let d = (Double(s) - center) / stretch
          let weight: Double
          if kind == .lanczos3 {
            weight = ResampleTable.lanczos(d)
          } else if kind == .area {  // area while enlarging: nearest-like box of width 1
            weight = abs(d) <= 0.5 ? 1 : 0
          } else {
            weight = max(0, 1 - abs(d))
          }
          if weight != 0 { taps.append((min(max(s, 0), source - 1), weight)) }
        }
      }
      // Merge clamped duplicates into a contiguous run.
      let first = taps.map(\.0).min() ?? 0, last = taps.map(\.0).max() ?? 0
      var run = [Double](repeating: 0, count: last - first + 1)
      for (s, w) in taps { run[s - first] += w }
      let total = run.reduce(0, +)
      starts.append(first)
      counts.append(run.count)
      offsets.append(weights.count)
      weights.append(contentsOf: run.map { Float(total == 0 ? 0 : $0 / total) })
    }
  }

  static func lanczos(_ x: Double) -> Double {
    if x == 0 { return 1 }
    if abs(x) >= 3 { return 0 }
    let px = Double.pi * x
    return 3 * sin(px) * sin(px / 3) / (px * px)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
