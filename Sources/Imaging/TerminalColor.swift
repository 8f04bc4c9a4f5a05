// 8-bit colours and the xterm 256-colour palette.

/// An 8-bit-per-channel sRGB colour.
public struct RGB8: Hashable, Sendable {
  public var r: UInt8
  public var g: UInt8
  public var b: UInt8

  public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// Squared Euclidean distance, weighted 2:4:3 (a cheap perceptual approximation).
  @inlinable public func distance(to other: RGB8) -> Int {
    let dr = Int(r) - Int(other.r), dg = Int(g) - Int(other.g), db = Int(b) - Int(other.b)
    return 2 * dr * dr + 4 * dg * dg + 3 * db * db
  }
}

/// The xterm 256-colour palette.
///
/// Indices 16…231 are the 6×6×6 cube, 232…255 the gray ramp. Indices 0…15 are themable
/// by the user, so renderers never pick them.
public enum XTermPalette {
  /// Channel levels of the colour cube.
  public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

  /// The colour of palette index `index` (0…15 use xterm's defaults).
  public static func color(_ index: Int) -> RGB8 {
    if index < 16 {
      let base: [RGB8] = [
        RGB8(0, 0, 0), RGB8(205, 0, 0), RGB8(0, 205, 0), RGB8(205, 205, 0),
        RGB8(0, 0, 238), RGB8(205, 0, 205), RGB8(0, 205, 205), RGB8(229, 229, 229),
        RGB8(127, 127, 127), RGB8(255, 0, 0), RGB8(0, 255, 0), RGB8(255, 255, 0),
        RGB8(92, 92, 255), RGB8(255, 0, 255), RGB8(0, 255, 255), RGB8(255, 255, 255),
      ]
      return base[index]
    }
    if index < 232 {
      let i = index - 16
      return RGB8(cubeLevels[i / 36], cubeLevels[(i / 6) % 6], cubeLevels[i % 6])
    }
    let v = UInt8(8 + 10 * (index - 232))
    return RGB8(v, v, v)
  }

  /// All 256 colours, by index.
  public static let colors: [RGB8] = (0..<256).map { color($0) }

  /// The nearest cube level index (0…5) for a channel value.
  @usableFromInline static func cubeIndex(_ v: Int) -> Int {
    v < 48 ? 0 : (v < 115 ? 1 : min(5, (v - 35) / 40))
  }

  /// Nearest palette index in 16…255 for `color`.
  public static func nearest(_ color: RGB8) -> Int {
    let ri = cubeIndex(Int(color.r)), gi = cubeIndex(Int(color.g)), bi = cubeIndex(Int(color.b))
    let cube = 16 + 36 * ri + 6 * gi + bi
    let average = (Int(color.r) + Int(color.g) + Int(color.b)) / 3
    let grayIndex = average > 238 ? 23 : max(0, (average - 3) / 10)
    let gray = 232 + min(23, grayIndex)
    return colors[gray].distance(to: color) < colors[cube].distance(to: color) ? gray : cube
  }
}
