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
    return grown(changed, n: n, h: h, w: w)
  }

  /// The thin dark lines an edit draws: a `[n,1,h,w]` 0/1 mask of the pixels where `target`
  /// (NCHW, RGB in [-1, 1]) is darker than `source` by more than `drop` in luminance and is a
  /// thin dark line itself (darker by more than `depth` than both pixels two away, across
  /// rows or across columns), grown by one pixel in each direction.
  ///
  /// Frown and forehead lines are what the weak expressions' edits draw too faintly
  /// (docs/models.md); this mask lets a loss weigh them as a region of their own.
  public static func darkLines(
    from source: Tensor, to target: Tensor, drop: Float = 0.16, depth: Float = 0.12
  ) -> Tensor {
    let (n, c, h, w) = (source.shape[0], source.shape[1], source.shape[2], source.shape[3])
    precondition(c == 3, "darkLines needs RGB images")
    let a = source.scalars
    let b = target.scalars
    let hw = h * w
    func luminance(_ v: [Float], _ i: Int, _ p: Int) -> Float {
      0.299 * v[(i * 3) * hw + p] + 0.587 * v[(i * 3 + 1) * hw + p]
        + 0.114 * v[(i * 3 + 2) * hw + p]
    }
    var line = [Bool](repeating: false, count: n * hw)
    for i in 0..<n {
      var t = [Float](repeating: 0, count: hw)
      for p in 0..<hw { t[p] = luminance(b, i, p) }
      for y in 0..<h {
        for x in 0..<w {
          let p = y * w + x
          guard luminance(a, i, p) - t[p] > drop else { continue }
          let across = x >= 2 && x < w - 2 && t[p] < t[p - 2] - depth && t[p] < t[p + 2] - depth
          let down =
            y >= 2 && y < h - 2 && t[p] < t[p - 2 * w] - depth && t[p] < t[p + 2 * w] - depth
          line[i * hw + p] = across || down
        }
      }
    }
    return grown(line, n: n, h: h, w: w)
  }

  /// A `[n,1,h,w]` 0/1 mask of `marked` grown by one pixel in each direction.
  static func grown(_ marked: [Bool], n: Int, h: Int, w: Int) -> Tensor {
    var mask = [Float](repeating: 0, count: n * h * w)
    for i in 0..<n {
      for y in 0..<h {
        for x in 0..<w where marked[(i * h + y) * w + x] {
          for yy in max(0, y - 1)...min(h - 1, y + 1) {
            for xx in max(0, x - 1)...min(w - 1, x + 1) { mask[(i * h + yy) * w + xx] = 1 }
          }
        }
      }
    }
    return Tensor(mask, shape: [n, 1, h, w])
  }
}
