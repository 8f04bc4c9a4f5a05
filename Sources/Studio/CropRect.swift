// A crop rectangle that travels in recipes.

import Imaging

/// The part of a photo that is edited, in source pixels.
public struct CropRect: Codable, Equatable, Sendable, CustomStringConvertible {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// The Imaging crop box.
  public var box: CropBox { CropBox(x: x, y: y, width: width, height: height) }

  /// Command-line form, `X Y W H`.
  public var description: String { "\(x) \(y) \(width) \(height)" }
}
