// Adaptive (median cut) and fixed palettes with a fast nearest-colour lookup.

/// A palette of up to 256 colours plus a lazily filled nearest-colour cache.
///
/// The cache is indexed by colours reduced to 6 bits per channel (`r << 12 | g << 6 | b`);
/// entries hold palette index + 1 (0 = not computed yet).
public struct ColorPalette: Sendable {
  /// The colours, by index.
  public let colors: [RGB8]
  @usableFromInline var cache: [UInt16]

  public init(colors: [RGB8]) {
    precondition(!colors.isEmpty && colors.count <= 256)
    self.colors = colors
    self.cache = [UInt16](repeating: 0, count: 1 << 18)
  }

  /// The fixed 6×7×6 cube (252 colours) used for the position-stable fast path.
  ///
  /// Index = r * 42 + g * 6 + b, with 6 red, 7 green and 6 blue levels.
  public static let cube676: ColorPalette = {
    var colors: [RGB8] = []
    for r in 0..<6 {
      for g in 0..<7 {
        for b in 0..<6 {
          colors.append(
            RGB8(UInt8(r * 255 / 5), UInt8(g * 255 / 6), UInt8(b * 255 / 5)))
        }
      }
    }
    return ColorPalette(colors: colors)
  }()

  /// Index of the nearest colour to (r, g, b), cached at 6 bits per channel.
  @inlinable public mutating func nearest(_ r: Int, _ g: Int, _ b: Int) -> Int {
    let key = (r >> 2) << 12 | (g >> 2) << 6 | (b >> 2)
    let hit = cache[key]
    if hit != 0 { return Int(hit) - 1 }
    let probe = RGB8(UInt8(r & ~3 | 2), UInt8(g & ~3 | 2), UInt8(b & ~3 | 2))
    var best = 0, bestDistance = Int.max
    for (i, color) in colors.enumerated() {
      let d = color.distance(to: probe)
      if d < bestDistance {
        bestDistance = d
        best = i
      }
    }
    cache[key] = UInt16(best + 1)
    return best
  }

  /// Builds an adaptive palette of at most `maxColors` by median cut.
  ///
  /// `rgb` is interleaved 8-bit RGB. Colours are histogrammed at 5 bits per channel; the
  /// box with the largest population × longest side is split at its weighted median until
  /// `maxColors` boxes exist; each colour is its box's population-weighted mean.
  public static func medianCut(rgb: [UInt8], maxColors: Int = 256) -> ColorPalette {
    var counts = [Int32](repeating: 0, count: 1 << 15)
    var sums = [Int64](repeating: 0, count: 3 << 15)
    rgb.withUnsafeBufferPointer { p in
      counts.withUnsafeMutableBufferPointer { cnt in
        sums.withUnsafeMutableBufferPointer { sum in
          var i = 0
          while i + 2 < p.count {
            let r = Int(p[i]), g = Int(p[i + 1]), b = Int(p[i + 2])
            let key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)
            cnt[key] += 1
            sum[3 * key] += Int64(r)
            sum[3 * key + 1] += Int64(g)
            sum[3 * key + 2] += Int64(b)
            i += 3
          }
        }
      }
    }
    var bins: [Int] = []
    for key in 0..<(1 << 15) where counts[key] > 0 { bins.append(key) }
    if bins.isEmpty { return ColorPalette(colors: [RGB8(0, 0, 0)]) }

    struct Box {
      var start: Int
      var end: Int
      var population: Int
      var axis: Int
      var side: Int
    }
    func channel(_ key: Int, _ axis: Int) -> Int { (key >> (10 - 5 * axis)) & 31 }
    func measure(_ start: Int, _ end: Int) -> Box {
      var lo = [31, 31, 31], hi = [0, 0, 0], population = 0
      for i in start..<end {
        let key = bins[i]
        population += Int(counts[key])
        for a in 0..<3 {
          let v = channel(key, a)
          lo[a] = min(lo[a], v)
          hi[a] = max(hi[a], v)
        }
      }
      // Green weighs most, blue least, like the distance metric.
      let sides = [(hi[0] - lo[0]) * 2, (hi[1] - lo[1]) * 3, (hi[2] - lo[2]) * 2]
      let axis = sides[1] >= sides[0] && sides[1] >= sides[2] ? 1 : (sides[0] >= sides[2] ? 0 : 2)
      return Box(start: start, end: end, population: population, axis: axis, side: sides[axis])
    }
    var boxes = [measure(0, bins.count)]
    while boxes.count < maxColors {
      var pick = -1, bestScore = 0
      for (i, box) in boxes.enumerated() where box.end - box.start > 1 {
        let score = box.population * box.side
        if score > bestScore || pick < 0 {
          bestScore = score
          pick = i
        }
      }
      if pick < 0 { break }
      let box = boxes[pick]
      let axis = box.axis
      bins[box.start..<box.end].sort { channel($0, axis) < channel($1, axis) }
      var running = 0, split = box.start + 1
      for i in box.start..<box.end {
        running += Int(counts[bins[i]])
        if running * 2 >= box.population {
          split = min(max(i + 1, box.start + 1), box.end - 1)
          break
        }
      }
      boxes[pick] = measure(box.start, split)
      boxes.append(measure(split, box.end))
    }
    var colors: [RGB8] = []
    for box in boxes {
      var r: Int64 = 0, g: Int64 = 0, b: Int64 = 0, n: Int64 = 0
      for i in box.start..<box.end {
        let key = bins[i]
        r += sums[3 * key]
        g += sums[3 * key + 1]
        b += sums[3 * key + 2]
        n += Int64(counts[key])
      }
      colors.append(RGB8(UInt8(r / n), UInt8(g / n), UInt8(b / n)))
    }
    return ColorPalette(colors: colors)
  }
}
