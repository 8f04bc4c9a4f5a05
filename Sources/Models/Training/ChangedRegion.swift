// The pixels where a paired target differs from its source: the region the focus terms weigh.

import Tensor

/// Masks of the pixels an edit changes (SARGAN's changed-region terms and evaluation, S2F's
/// edit focus term).
public enum ChangedRegion {
  /// The pixels an edit changes: a `[n,1,h,w]` 0/1 mask where the channel-mean
  /// absolute difference between `source` and `target` (NCHW) exceeds `threshold`, grown by one
  /// pixel in each direction so that edges of moving parts count.
  public static func mask(from source: Tensor, to target: Tensor, threshold: Float) -> Tensor {
    let (n, c, h, w) = (source.shape[0], source.shape[1], source.shape[2], source.shape[3])
    let a = source.scalars
    let b = target.scalars
    var changed = [Bool](repeating: false, count: n * h * w)
    for i in 0..<n {
      for p in 0..<(h * w) {
        var d: Float = 0
        for k in 0..<c { d += abs(a[(i * c + k) * h * w + p] - b[(i * c + k) * h * w + p]) }
        changed[i * h * w + p] = d / Float(c) > threshold
      }
    }
    var mask = [Float](repeating: 0, count: n * h * w)
    for i in 0..<n {
      for y in 0..<h {
        for x in 0..<w {
          var hit = false
          for dy in -1...1 where !hit {
            for dx in -1...1 {
              let yy = y + dy
              let xx = x + dx
              if yy >= 0, yy < h, xx >= 0, xx < w, changed[(i * h + yy) * w + xx] {
                hit = true
                break
              }
            }
          }
          mask[(i * h + y) * w + x] = hit ? 1 : 0
        }
      }
    }
    return Tensor(mask, shape: [n, 1, h, w])
  }
}
