// A pen or eraser stroke drawn on a sketch, kept in the recipe.

import Imaging

/// A freehand stroke on the sketch canvas, in model-input pixels.
///
/// Points are integer pixel positions on the prepared sketch (0 ..< the model input size, 128),
/// so a stroke replays identically whatever the screen size was. Text form:
/// `draw W X,Y X,Y …` for ink, `erase W X,Y …` for the eraser, with W the brush width in pixels.
public struct Stroke: Equatable, Sendable {
  /// One point of a stroke.
  public struct Point: Equatable, Sendable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
      self.x = x
      self.y = y
    }
  }

  /// Brush widths the editor accepts, in pixels.
  public static let widths = 1...24
  /// Most points one stroke may hold (a long drag is thinned before it gets here).
  public static let maximumPoints = 4096

  /// True for the eraser (paints paper), false for ink.
  public var erase: Bool
  /// Brush width in pixels.
  public var width: Int
  public var points: [Point]

  public init(erase: Bool, width: Int, points: [Point]) {
    self.erase = erase
    self.width = width
    self.points = points
  }

  /// The command text, `draw 2 10,12 14,15`.
  public var text: String {
    ([erase ? "erase" : "draw", String(width)] + points.map { "\($0.x),\($0.y)" })
      .joined(separator: " ")
  }

  /// Parses the words after `draw`/`erase`: the width, then one or more `X,Y` points.
  public static func parse(erase: Bool, _ words: [String]) throws -> Stroke {
    let verb = erase ? "erase" : "draw"
    guard words.count >= 2 else { throw StudioError.syntax("usage: \(verb) WIDTH X,Y [X,Y …]") }
    guard let w = Int(words[0]), widths.contains(w) else {
      throw StudioError.syntax(
        "brush width must be \(widths.lowerBound)…\(widths.upperBound), got '\(words[0])'")
    }
    guard words.count - 1 <= maximumPoints else {
      throw StudioError.syntax("a stroke holds at most \(maximumPoints) points")
    }
    let points = try words.dropFirst().map { word -> Point in
      let parts = word.split(separator: ",", omittingEmptySubsequences: false)
      guard parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]),
        (-64...4096).contains(x), (-64...4096).contains(y)
      else {
        throw StudioError.syntax("stroke points are X,Y pixel pairs, got '\(word)'")
      }
      return Point(x: x, y: y)
    }
    return Stroke(erase: erase, width: w, points: points)
  }

  /// Paints the stroke onto `image` (ink 0, eraser 1).
  public func paint(on image: inout Image) {
    image.paintPolyline(
      points.map { (Double($0.x), Double($0.y)) }, radius: Double(width) / 2,
      value: erase ? 1 : 0)
  }

  /// `image` with `strokes` painted in order.
  public static func apply(_ strokes: [Stroke], to image: Image) -> Image {
    var out = image
    for s in strokes { s.paint(on: &out) }
    return out
  }
}
