// Rectangles for framing a face in a photo, and cropping/padding with them.

/// A pixel rectangle: origin (`x`, `y`) at the top left, `width` × `height` pixels.
///
/// May extend past the image; `Image.cropped(to:)` fills outside samples with a value.
public struct CropBox: Equatable, Sendable, CustomStringConvertible {
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

  /// The smallest square with the same center that contains this box.
  public var enclosingSquare: CropBox {
    let side = max(width, height)
    return CropBox(x: x - (side - width) / 2, y: y - (side - height) / 2, width: side, height: side)
  }

  /// Grown by `fraction` of its size on every side; 0.25 adds a quarter each way.
  public func expanded(by fraction: Double) -> CropBox {
    let dx = Int((Double(width) * fraction).rounded()),
      dy = Int((Double(height) * fraction).rounded())
    return CropBox(x: x - dx, y: y - dy, width: width + 2 * dx, height: height + 2 * dy)
  }

  /// Intersection with an image of `imageWidth` × `imageHeight` (may be empty).
  public func clamped(width imageWidth: Int, height imageHeight: Int) -> CropBox {
    let x0 = min(max(x, 0), imageWidth), y0 = min(max(y, 0), imageHeight)
    let x1 = min(max(x + width, 0), imageWidth), y1 = min(max(y + height, 0), imageHeight)
    return CropBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
  }

  /// A square of `side` pixels centred on (`centerX`, `centerY`).
  public static func square(centerX: Int, centerY: Int, side: Int) -> CropBox {
    CropBox(x: centerX - side / 2, y: centerY - side / 2, width: side, height: side)
  }

  /// The largest centred square inside an image of `width` × `height`.
  public static func centeredSquare(width: Int, height: Int) -> CropBox {
    let side = min(width, height)
    return CropBox(x: (width - side) / 2, y: (height - side) / 2, width: side, height: side)
  }

  public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

extension Image {
  /// The pixels inside `box`; samples outside the image are `fill` (white by default).
  public func cropped(to box: CropBox, fill: Float = 1) -> Image {
    precondition(box.width > 0 && box.height > 0)
    let c = channels
    var out = [Float](repeating: fill, count: box.width * box.height * c)
    let inside = box.clamped(width: width, height: height)
    if inside.width > 0 && inside.height > 0 {
      out.withUnsafeMutableBufferPointer { dst in
        pixels.withUnsafeBufferPointer { src in
          for y in inside.y..<(inside.y + inside.height) {
            let s = (y * width + inside.x) * c
            let d = ((y - box.y) * box.width + (inside.x - box.x)) * c
            for i in 0..<(inside.width * c) { dst[d + i] = src[s + i] }
          }
        }
      }
    }
    return Image(width: box.width, height: box.height, channels: c, pixels: out)
  }

  /// Padded evenly with `fill` to a square of side max(width, height).
  public func paddedToSquare(fill: Float = 1) -> Image {
    if width == height { return self }
    return cropped(
      to: CropBox(x: 0, y: 0, width: width, height: height).enclosingSquare, fill: fill)
  }

  /// Cropped to the largest centred square.
  public func centerCroppedToSquare() -> Image {
    cropped(to: .centeredSquare(width: width, height: height))
  }
}
