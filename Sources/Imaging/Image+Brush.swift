// Painting round-brush line segments (sketch strokes and eraser) onto an image.

extension Image {
  /// Paints a line segment with a round brush, anti-aliased at its edge.
  ///
  /// Coordinates are in pixels with (0, 0) the centre of the top-left pixel; `radius` is the
  /// brush radius in pixels (a segment whose ends coincide paints a dot). Every channel of a
  /// covered pixel moves toward `value` by the brush coverage (0…1), so ink (`value` 0) darkens
  /// and an eraser (`value` 1) whitens; alpha, when present, is left alone.
  public mutating func paintSegment(
    from a: (x: Double, y: Double), to b: (x: Double, y: Double), radius: Double, value: Float
  ) {
    guard radius > 0, width > 0, height > 0 else { return }
    let reach = radius + 1
    let x0 = max(0, Int((min(a.x, b.x) - reach).rounded(.down)))
    let x1 = min(width - 1, Int((max(a.x, b.x) + reach).rounded(.up)))
    let y0 = max(0, Int((min(a.y, b.y) - reach).rounded(.down)))
    let y1 = min(height - 1, Int((max(a.y, b.y) + reach).rounded(.up)))
    guard x0 <= x1, y0 <= y1 else { return }
    let dx = b.x - a.x
    let dy = b.y - a.y
    let length2 = dx * dx + dy * dy
    let colourChannels = channels == 4 ? 3 : channels
    for y in y0...y1 {
      for x in x0...x1 {
        // Distance from the pixel centre to the segment.
        let px = Double(x) - a.x
        let py = Double(y) - a.y
        let t = length2 > 0 ? min(1, max(0, (px * dx + py * dy) / length2)) : 0
        let ex = px - t * dx
        let ey = py - t * dy
        let distance = (ex * ex + ey * ey).squareRoot()
        let coverage = Float(min(1, max(0, radius + 0.5 - distance)))
        guard coverage > 0 else { continue }
        let base = (y * width + x) * channels
        for c in 0..<colourChannels {
          let old = pixels[base + c]
          pixels[base + c] = old + (value - old) * coverage
        }
      }
    }
  }

  /// Paints a polyline (consecutive points joined by segments) with a round brush.
  ///
  /// See ``paintSegment(from:to:radius:value:)``; a single point paints a dot.
  public mutating func paintPolyline(
    _ points: [(x: Double, y: Double)], radius: Double, value: Float
  ) {
    guard let first = points.first else { return }
    if points.count == 1 {
      paintSegment(from: first, to: first, radius: radius, value: value)
      return
    }
    for i in 1..<points.count {
      paintSegment(from: points[i - 1], to: points[i], radius: radius, value: value)
    }
  }
}
