// Mapping between slider values and track cells.

/// A horizontal slider track of `width` cells for values in `range`.
public struct SliderTrack: Equatable, Sendable {
  /// First cell (screen column) of the track.
  public var x: Int
  public var width: Int
  public var range: ClosedRange<Float>

  public init(x: Int, width: Int, range: ClosedRange<Float>) {
    self.x = x
    self.width = max(2, width)
    self.range = range
  }

  /// The cell offset (0…width−1) of `value`.
  public func cell(for value: Float) -> Int {
    let t =
      (min(range.upperBound, max(range.lowerBound, value)) - range.lowerBound)
      / (range.upperBound - range.lowerBound)
    return Int((t * Float(width - 1)).rounded())
  }

  /// The value at screen column `column` (clamped to the track), rounded to 0.01.
  public func value(atColumn column: Int) -> Float {
    let offset = min(width - 1, max(0, column - x))
    let t = Float(offset) / Float(width - 1)
    let v = range.lowerBound + t * (range.upperBound - range.lowerBound)
    return (v * 100).rounded() / 100
  }

  /// The glyphs of the track with the handle at `value` (nil: no handle) and a ghost
  /// marker at `ghost`.
  public func glyphs(value: Float?, ghost: Float?) -> [Character] {
    var cells = [Character](repeating: "─", count: width)
    if range.lowerBound < 0 && range.upperBound > 0 { cells[cell(for: 0)] = "┼" }
    if let g = ghost { cells[cell(for: g)] = "○" }
    if let v = value { cells[cell(for: v)] = "●" }
    return cells
  }
}
