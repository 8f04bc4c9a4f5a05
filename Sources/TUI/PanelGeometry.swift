// Cell positions of the slider and expression widgets, shared by drawing and mouse hits.

import FaceSynth
import Studio

/// Where the widgets of the attribute and expression panels are.
public struct PanelGeometry: Sendable {
  public let layout: Layout
  /// Attribute slider rows: y of attribute i is `attributeTop + i`.
  public let attributeTop: Int
  public let nameX: Int
  public let attributeTrack: SliderTrack
  public let valueX: Int
  /// Expression chips: (expression or nil for "none", x, y, width).
  public let chips: [(expression: FaceExpression?, x: Int, y: Int, width: Int)]
  public let intensityY: Int
  public let intensityTrack: SliderTrack

  public init(layout: Layout) {
    self.layout = layout
    let a = layout.attributes.inner
    attributeTop = a.y
    nameX = a.x + 2
    let trackWidth = max(4, a.width - 14 - 7)
    attributeTrack = SliderTrack(x: a.x + 14, width: trackWidth, range: -1...1)
    valueX = a.x + 14 + trackWidth + 1
    let e = layout.expression.inner
    var chips: [(FaceExpression?, Int, Int, Int)] = []
    var x = e.x, y = e.y
    let items: [FaceExpression?] = [nil] + Vocabulary.expressions.map { $0 }
    for item in items {
      let w = (item?.description ?? "none").count + 2
      if x + w > e.x + e.width && x > e.x {
        x = e.x
        y += 1
      }
      chips.append((item, x, y, w))
      x += w + 1
    }
    self.chips = chips.map { (expression: $0.0, x: $0.1, y: $0.2, width: $0.3) }
    intensityY = e.y + e.height - 1
    intensityTrack = SliderTrack(x: e.x + 11, width: max(4, e.width - 11 - 6), range: 0...1)
  }

  /// The attribute whose row is at screen row `y`.
  public func attribute(atRow y: Int) -> Attribute? {
    let i = y - attributeTop
    guard i >= 0, i < Vocabulary.attributes.count,
      y < layout.attributes.inner.y + layout.attributes.inner.height
    else { return nil }
    return Vocabulary.attributes[i]
  }

  /// The expression chip at (x, y): `.some(nil)` is the "none" chip.
  public func chip(atX x: Int, y: Int) -> FaceExpression?? {
    for c in chips where y == c.y && x >= c.x && x < c.x + c.width { return .some(c.expression) }
    return nil
  }
}
