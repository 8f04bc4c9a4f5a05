// Sparse linear maps along one axis: the shared core of pooling, blur and resampling.

/// A linear map from `inputSize` to `outputSize` samples along one axis, stored as taps.
///
/// Output `o` is `Σ weights[j] · x[indices[j]]` for `j` in `offsets[o] ..< offsets[o+1]`.
/// Pooling, FIR blur (with zero padding and stride), nearest and bilinear resampling are all
/// such maps applied along H and then W.
public struct AxisMap: Sendable, Equatable {
  public let inputSize: Int
  public let outputSize: Int
  let offsets: [Int]
  let indices: [Int]
  let weights: [Float]
  /// Set for filters (`fir`, `average`): output o reads `kernel[t]·x[o·stride − padLow + t]`.
  var filter: (kernel: [Float], stride: Int, padLow: Int)?
  /// Set for integer nearest upsampling: output o reads `x[o / factor]`.
  var repeatFactor: Int?
  /// Set for linear ×2 upsampling with half-pixel centres (taps ¼ and ¾, clamped at the ends).
  var linearDouble = false

  public static func == (a: AxisMap, b: AxisMap) -> Bool {
    a.inputSize == b.inputSize && a.outputSize == b.outputSize && a.offsets == b.offsets
      && a.indices == b.indices && a.weights == b.weights
  }

  /// Builds a map from a closure that lists the (input index, weight) taps of each output.
  public init(inputSize: Int, outputSize: Int, taps: (Int) -> [(Int, Float)]) {
    self.inputSize = inputSize
    self.outputSize = outputSize
    var offsets = [0]
    var indices: [Int] = []
    var weights: [Float] = []
    for o in 0..<outputSize {
      for (i, w) in taps(o) where i >= 0 && i < inputSize && w != 0 {
        indices.append(i)
        weights.append(w)
      }
      offsets.append(indices.count)
    }
    self.offsets = offsets
    self.indices = indices
    self.weights = weights
  }

  /// Averages non-overlapping windows of `k` (stride `k`).
  public static func average(inputSize n: Int, kernel k: Int) -> AxisMap {
    var m = AxisMap(inputSize: n, outputSize: n / k) { o in
      (0..<k).map { (o * k + $0, 1 / Float(k)) }
    }
    m.filter = ([Float](repeating: 1 / Float(k), count: k), k, 0)
    return m
  }

  /// A FIR filter with zero padding `padLow`/`padHigh` and a stride.
  public static func fir(
    inputSize n: Int, kernel: [Float], padLow: Int, padHigh: Int, stride: Int = 1
  ) -> AxisMap {
    let out = (n + padLow + padHigh - kernel.count) / stride + 1
    var m = AxisMap(inputSize: n, outputSize: out) { o in
      kernel.enumerated().map { (o * stride + $0.offset - padLow, $0.element) }
    }
    m.filter = (kernel, stride, padLow)
    return m
  }

  /// Nearest-neighbour resampling (PyTorch `mode="nearest"`).
  public static func nearest(inputSize n: Int, outputSize m: Int) -> AxisMap {
    var map = AxisMap(inputSize: n, outputSize: m) { o in [(min(n - 1, (o * n) / m), Float(1))] }
    if m % n == 0 { map.repeatFactor = m / n }
    return map
  }

  /// Linear resampling with half-pixel centres (PyTorch `align_corners=False`).
  public static func linear(inputSize n: Int, outputSize m: Int) -> AxisMap {
    let scale = Float(n) / Float(m)
    var map = AxisMap(inputSize: n, outputSize: m) { o in
      var src = (Float(o) + 0.5) * scale - 0.5
      if src < 0 { src = 0 }
      let i0 = min(Int(src), n - 1)
      let i1 = min(i0 + 1, n - 1)
      let f = src - Float(i0)
      return i0 == i1 ? [(i0, Float(1))] : [(i0, 1 - f), (i1, f)]
    }
    map.linearDouble = m == 2 * n && n >= 2
    return map
  }

  /// Applies the map along the middle axis of `[outer, inputSize, inner]` into
  /// `[outer, outputSize, inner]`.
  func apply(_ x: UnsafePointer<Float>, outer: Int, inner: Int, _ y: UnsafeMutablePointer<Float>) {
    if inner == 1, applyAlongRows(x, rows: outer, y, transposed: false) { return }
    offsets.withUnsafeBufferPointer { off in
      indices.withUnsafeBufferPointer { idx in
        weights.withUnsafeBufferPointer { wt in
          for p in 0..<outer {
            let xs = x + p * inputSize * inner
            let ys = y + p * outputSize * inner
            for o in 0..<outputSize {
              let d = ys + o * inner
              if inner == 1 {
                var acc: Float = 0
                for j in off[o]..<off[o + 1] { acc += wt[j] * xs[idx[j]] }
                d[0] = acc
              } else {
                d.initialize(repeating: 0, count: inner)
                for j in off[o]..<off[o + 1] {
                  let s = xs + idx[j] * inner
                  let w = wt[j]
                  for k in 0..<inner { d[k] += w * s[k] }
                }
              }
            }
          }
        }
      }
    }
  }

  /// The adjoint of ``apply(_:outer:inner:_:)``: scatters `[outer, outputSize, inner]` back.
  func applyTransposed(
    _ y: UnsafePointer<Float>, outer: Int, inner: Int, _ x: UnsafeMutablePointer<Float>
  ) {
    x.initialize(repeating: 0, count: outer * inputSize * inner)
    if inner == 1, applyAlongRows(y, rows: outer, x, transposed: true) { return }
    offsets.withUnsafeBufferPointer { off in
      indices.withUnsafeBufferPointer { idx in
        weights.withUnsafeBufferPointer { wt in
          for p in 0..<outer {
            let xs = x + p * inputSize * inner
            let ys = y + p * outputSize * inner
            for o in 0..<outputSize {
              let s = ys + o * inner
              for j in off[o]..<off[o + 1] {
                let d = xs + idx[j] * inner
                let w = wt[j]
                for k in 0..<inner { d[k] += w * s[k] }
              }
            }
          }
        }
      }
    }
  }

  /// Row-wise fast paths for filters and integer upsampling along a contiguous last axis.
  ///
  /// Interior outputs (all taps inside the row) run tap by tap over the whole interior, which
  /// vectorizes for stride 1; the few border outputs use the tap lists. For `transposed`, `dst`
  /// must be zeroed. Returns false when the map has no fast path.
  private func applyAlongRows(
    _ src: UnsafePointer<Float>, rows: Int, _ dst: UnsafeMutablePointer<Float>, transposed: Bool
  ) -> Bool {
    let inN = transposed ? outputSize : inputSize
    let outN = transposed ? inputSize : outputSize
    if linearDouble {
      let n = inputSize
      for r in 0..<rows {
        let s = src + r * inN
        let d = dst + r * outN
        if transposed {
          // The adjoint of the forward loop below, written as a gather per input sample.
          for i in 0..<n {
            var acc = 0.75 * (s[2 * i] + s[2 * i + 1])
            acc += i + 1 < n ? 0.25 * s[2 * i + 2] : 0.25 * s[2 * i + 1]
            acc += i > 0 ? 0.25 * s[2 * i - 1] : 0.25 * s[0]
            d[i] = acc
          }
        } else {
          for i in 0..<n {
            let left = i > 0 ? s[i - 1] : s[0]
            let right = i + 1 < n ? s[i + 1] : s[n - 1]
            d[2 * i] = 0.25 * left + 0.75 * s[i]
            d[2 * i + 1] = 0.75 * s[i] + 0.25 * right
          }
        }
      }
      return true
    }
    if let f = repeatFactor {
      for r in 0..<rows {
        let s = src + r * inN
        let d = dst + r * outN
        if transposed {
          for i in 0..<inputSize {
            var acc: Float = 0
            for k in 0..<f { acc += s[i * f + k] }
            d[i] = acc
          }
        } else {
          for i in 0..<inputSize {
            let v = s[i]
            for k in 0..<f { d[i * f + k] = v }
          }
        }
      }
      return true
    }
    guard let (kernel, stride, padLow) = filter else { return false }
    let taps = kernel.count
    // Interior outputs: o·stride − padLow ≥ 0 and o·stride − padLow + taps − 1 < inputSize.
    let lo = min(outputSize, (padLow + stride - 1) / stride)
    let hiBound = inputSize - taps + padLow
    let hi = max(lo, min(outputSize, hiBound < 0 ? 0 : hiBound / stride + 1))
    let border = Array(0..<lo) + Array(hi..<outputSize)
    offsets.withUnsafeBufferPointer { off in
      indices.withUnsafeBufferPointer { idx in
        weights.withUnsafeBufferPointer { wt in
          for r in 0..<rows {
            let s = src + r * inN
            let d = dst + r * outN
            if transposed {
              for t in 0..<taps {
                let w = kernel[t]
                let base = d + (t - padLow)
                if stride == 1 {
                  for o in lo..<hi { base[o] += w * s[o] }
                } else {
                  for o in lo..<hi { base[o * stride] += w * s[o] }
                }
              }
              for o in border {
                for j in off[o]..<off[o + 1] { d[idx[j]] += wt[j] * s[o] }
              }
            } else {
              for o in lo..<hi { d[o] = 0 }
              for t in 0..<taps {
                let w = kernel[t]
                let base = s + (t - padLow)
                if stride == 1 {
                  for o in lo..<hi { d[o] += w * base[o] }
                } else {
                  for o in lo..<hi { d[o] += w * base[o * stride] }
                }
              }
              for o in border {
                var acc: Float = 0
                for j in off[o]..<off[o + 1] { acc += wt[j] * s[idx[j]] }
                d[o] = acc
              }
            }
          }
        }
      }
    }
    return true
  }
}
