// Sums and means over all elements or chosen axes (accumulated in Double over long runs).

extension Tensor {
  /// Sum of all elements, as a rank-0 tensor.
  public func sum() -> Tensor {
    sum(toShape: [Int](repeating: 1, count: rank)).reshaped([])
  }

  /// Mean of all elements, as a rank-0 tensor.
  public func mean() -> Tensor {
    sum() * (1 / Float(Swift.max(count, 1)))
  }

  /// Sums over `axes` (negative axes count from the end).
  public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
    let ax = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
    let kept = shape.enumerated().map { ax.contains($0.offset) ? 1 : $0.element }
    let s = sum(toShape: kept)
    if keepDims { return s }
    return s.reshaped(shape.enumerated().filter { !ax.contains($0.offset) }.map { $0.element })
  }

  /// Means over `axes` (negative axes count from the end).
  public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
    let ax = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
    let n = ax.reduce(1) { $0 * shape[$1] }
    return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
  }

  /// Largest element (not differentiable).
  public func maxValue() -> Float {
    storage.buffer.max() ?? -.infinity
  }

  /// Smallest element (not differentiable).
  public func minValue() -> Float {
    storage.buffer.min() ?? .infinity
  }
}
