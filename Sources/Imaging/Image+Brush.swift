// Painting round-brush strokes (sketch pen and eraser) onto an image.

extension Image {
  /// Paints a line segment with a round brush, anti-aliased at its edge.
  ///
  /// See ``paintPolyline(_:radius:value:)``; a segment whose ends coincide paints a dot.
  public mutating func paintSegment(
    from a: (x: Double, y: Double), to b: (x: Double, y: Double), radius: Double, value: Float
  ) {
    paintPolyline([a, b], radius: radius, value: value)
  }

  /// Paints a polyline (consecutive points joined by segments) with a round brush.
  ///
  /// Coordinates are in pixels with (0, 0) the centre of the top-left pixel; `radius` is the
  /// brush radius in pixels, and a single point paints a dot. A pixel's coverage is the largest
  /// over all segments (anti-aliased over one pixel at the edge), and it is blended once: every
  /// colour channel moves toward `value` by the coverage, so ink (`value` 0) darkens and an
  /// eraser (`value` 1) whitens, and the joints of a dense polyline are not painted twice.
  /// Alpha, when present, is left alone.
  public mutating func paintPolyline(
    _ points: [(x: Double, y: Double)], radius: Double, value: Float
  ) {
    guard let first = points.first, radius > 0, width > 0, height > 0 else { return }
    let reach = radius + 1
    var (minX, maxX, minY, maxY) = (first.x, first.x, first.y, first.y)
    for p in points {
      minX = min(minX, p.x)
      maxX = max(maxX, p.x)
      minY = min(minY, p.y)
      maxY = max(maxY, p.y)
    }
    let x0 = max(0, Int((minX - reach).rounded(.down)))
    let x1 = min(width - 1, Int((maxX + reach).rounded(.up)))
    let y0 = max(0, Int((minY - reach).rounded(.down)))
    let y1 = min(height - 1, Int((maxY + reach).rounded(.up)))
    guard x0 <= x1, y0 <= y1 else { return }
    let bw = x1 - x0 + 1
    var coverage = [Float](repeating: 0, count: bw * (y1 - y0 + 1))
    let segments = points.count == 1 ? [(first, first)] : Array(zip(points, points.dropFirst()))
    for (a, b) in segments {
      let sx0 = max(x0, Int((min(a.x, b.x) - reach).rounded(.down)))
      let sx1 = min(x1, Int((max(a.x, b.x) + reach).rounded(.up)))
      let sy0 = max(y0, Int((min(a.y, b.y) - reach).rounded(.down)))
      let sy1 = min(y1, Int((max(a.y, b.y) + reach).rounded(.up)))
      guard sx0 <= sx1, sy0 <= sy1 else { continue }
      let dx = b.x - a.x
      let dy = b.y - a.y
      let length2 = dx * dx + dy * dy
      for y in sy0...sy1 {
        for x in sx0...sx1 {
          // Distance from the pixel centre to the segment.
          let px = Double(x) - a.x
          let py = Double(y) - a.y
          let t = length2 > 0 ? min(1, max(0, (px * dx + py * dy) / length2)) : 0
          let ex = px - t * dx
          let ey = py - t * dy
          let cover = Float(min(1, max(0, radius + 0.5 - (ex * ex + ey * ey).squareRoot())))
          let i = (y - y0) * bw + (x - x0)
          if cover > coverage[i] { coverage[i] = cover }
        }
      }
    }
    let colourChannels = channels == 4 ? 3 : channels
    for y in y0...y1 {
      for x in x0...x1 {
        let cover = coverage[(y - y0) * bw + (x - x0)]
        guard cover > 0 else { continue }
        let base = (y * width + x) * channels
        for c in 0..<colourChannels {
          let old = pixels[base + c]
          pixels[base + c] = old + (value - old) * cover
        }
      }
    }
  }
}
