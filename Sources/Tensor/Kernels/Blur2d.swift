// The [1, 3, 3, 1] low-pass filter at stride 1 over whole planes, in one pass.

/// The separable StyleGAN blur (taps [1, 3, 3, 1] / 8 along H and W) at stride 1 with zero
/// padding, computed plane by plane without an intermediate tensor.
///
/// Layout: input planes `[planes, h, w]` (an NCHW tensor's N·C planes), output planes
/// `[planes, h + padLow + padHigh − 3, w + padLow + padHigh − 3]`. Each output row is the
/// vertical sum of its four input rows (into a zero-padded row buffer), then the horizontal
/// sum of that buffer. Planes split over the threads.
enum Blur2d {
  /// Output size along one axis for `n` input samples.
  static func outputSize(_ n: Int, padLow: Int, padHigh: Int) -> Int {
    n + padLow + padHigh - 3
  }

  static func apply(
    _ x: UnsafePointer<Float>, planes: Int, height h: Int, width w: Int, padLow: Int,
    padHigh: Int, _ y: UnsafeMutablePointer<Float>
  ) {
    precondition(padLow >= 0 && padHigh >= 0, "blur padding must not be negative")
    let oh = outputSize(h, padLow: padLow, padHigh: padHigh)
    let ow = outputSize(w, padLow: padLow, padHigh: padHigh)
    guard oh > 0, ow > 0, planes > 0 else { return }
    let a: Float = 0.125
    let b: Float = 0.375
    let rowWidth = w + padLow + padHigh
    Parallel.chunks(planes, costPerItem: oh * (w + ow) * 4) { range in
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: rowWidth)
      defer { buffer.deallocate() }
      buffer.initialize(repeating: 0, count: rowWidth)
      let row = buffer + padLow
      for p in range {
        let src = x + p * h * w
        let dst = y + p * oh * ow
        for o in 0..<oh {
          let top = o - padLow
          if top >= 0 && top + 3 < h {
            // All four rows inside: the common case, one fused pass.
            let r0 = src + top * w
            let r1 = r0 + w
            let r2 = r1 + w
            let r3 = r2 + w
            for j in 0..<w { row[j] = a * (r0[j] + r3[j]) + b * (r1[j] + r2[j]) }
          } else {
            for j in 0..<w { row[j] = 0 }
            for t in 0..<4 {
              let i = top + t
              guard i >= 0 && i < h else { continue }
              let r = src + i * w
              let k = t == 0 || t == 3 ? a : b
              for j in 0..<w { row[j] += k * r[j] }
            }
          }
          let d = dst + o * ow
          for q in 0..<ow {
            d[q] = a * (buffer[q] + buffer[q + 3]) + b * (buffer[q + 1] + buffer[q + 2])
          }
        }
      }
    }
  }
}
