// Shape arithmetic shared by tensor operations.

/// Helpers for row-major (C-order) shapes.
public enum Shape {
  /// The number of elements of `shape` (1 for a scalar `[]`).
  @inlinable public static func count(_ shape: [Int]) -> Int {
    shape.reduce(1, *)
  }

  /// Row-major strides of `shape`.
  public static func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      s[i] = acc
      acc *= shape[i]
    }
    return s
  }

  /// The NumPy broadcast of two shapes, or nil when they are incompatible.
  public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
      let da = i < n - a.count ? 1 : a[i - (n - a.count)]
      let db = i < n - b.count ? 1 : b[i - (n - b.count)]
      if da == db || db == 1 {
        out[i] = da
      } else if da == 1 {
        out[i] = db
      } else {
        return nil
      }
    }
    return out
  }

  /// Output size of a convolution-like window: `(in + 2p - d(k-1) - 1) / s + 1`.
  @inlinable public static func convOutput(
    _ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int = 1
  ) -> Int {
    (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
  }
}
