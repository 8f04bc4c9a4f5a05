// Timing of every terminal encoder (the `visage bench terminal` table).
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Measures the terminal encoders on synthetic portraits-like images.
///
/// Pixel modes (sixel, kitty) encode an image already at the measured size; text modes
/// render the same image into `size/8 × size/16` cells (8×16-pixel cells), i.e. the
/// screen area the pixel image would cover, including their resize.
public enum TerminalBench {
  /// One measured mode.
  public struct Row: Sendable {
    public var name: String
    /// Median milliseconds per size, in the order of `sizes`.
    public var milliseconds: [Double]
    /// Output bytes at the largest size.
    public var bytes: Int
  }

  /// Image sides measured.
  public static let sizes = [128, 256, 512]

  /// Runs every mode and returns a Markdown table (median of `runs` runs per cell).
  public static func run(runs: Int = 9) -> String {
    let rows = measure(runs: runs)
    var out = "| Mode | " + sizes.map { "\($0)² ms" }.joined(separator: " | ")
    out += " | bytes at \(sizes.last!)² |\n|---|" + sizes.map { _ in "---:|" }.joined() + "---:|\n"
    for row in rows {
      out += "| \(row.name) | "
      out += row.milliseconds.map { format($0) }.joined(separator: " | ")
      out += " | \(row.bytes) |\n"
    }
    return out
  }

  /// Measures all modes; `runs` timed repetitions after one warm-up.
  public static func measure(runs: Int = 9) -> [Row] {
    let cell = CellSize(width: 8, height: 16)
    typealias Encoder = (Image) -> [UInt8]
    func text(_ shape: BlockShape, _ depth: ColorDepth, fast: Bool) -> Encoder {
      { image in
        BlockRenderer.render(
          image, columns: image.width / 8, rows: image.height / 16, cellSize: cell,
          shape: shape, depth: depth, fast: fast
        ).encoded()
      }
    }
    let modes: [(String, Encoder)] = [
      ("sixel adaptive (median cut + FS)", { SixelEncoder.encode($0, quality: .adaptive) }),
      ("sixel fast (6×7×6 + Bayer)", { SixelEncoder.encode($0, quality: .fast) }),
      ("kitty (PNG, zlib level 1)", { KittyEncoder.encode($0) }),
      ("half blocks truecolor", text(.half, .truecolor, fast: false)),
      ("half blocks 256 (FS)", text(.half, .indexed256, fast: false)),
      ("half blocks 256 fast (Bayer)", text(.half, .indexed256, fast: true)),
      ("quadrants truecolor", text(.quadrant, .truecolor, fast: false)),
      ("sextants truecolor", text(.sextant, .truecolor, fast: false)),
      (
        "ASCII ramp",
        { image in
          TerminalRenderer.render(
            image, mode: .ascii, columns: image.width / 8, rows: image.height / 16,
            cellSize: cell, fast: false)
        }
      ),
    ]
    let images = sizes.map { sampleImage(side: $0) }
    var rows: [Row] = []
    for (name, encode) in modes {
      var times: [Double] = []
      var bytes = 0
      for image in images {
        bytes = encode(image).count  // warm-up
        var samples: [Double] = []
        for _ in 0..<max(1, runs) {
          let start = now()
          let out = encode(image)
          samples.append(now() - start)
          if out.isEmpty { bytes = 0 }
        }
        samples.sort()
        times.append(samples[samples.count / 2])
      }
      rows.append(Row(name: name, milliseconds: times, bytes: bytes))
    }
    return rows
  }

  /// A deterministic RGB test image: shaded "face" disc, gradients and hair-like noise.
  public static func sampleImage(side: Int) -> Image {
    var image = Image(width: side, height: side, channels: 3)
    var state: UInt32 = 12345
    image.pixels.withUnsafeMutableBufferPointer { p in
      for y in 0..<side {
        for x in 0..<side {
          let u = Float(x) / Float(side) - 0.5, v = Float(y) / Float(side) - 0.5
          state = state &* 1_664_525 &+ 1_013_904_223
          let noise = Float(state >> 24) / 255 - 0.5
          let r2 = u * u / 0.09 + v * v / 0.16
          var rgb: (Float, Float, Float)
          if r2 < 1 {
            let shade = 0.95 - 0.35 * r2 + 0.1 * u
            rgb = (shade, shade * 0.78, shade * 0.66)
          } else if v < 0.1 {
            rgb = (0.25 + 0.15 * noise, 0.17 + 0.1 * noise, 0.1)  // hair
          } else {
            rgb = (0.3 + 0.5 * (v + 0.5), 0.45, 0.7 - 0.3 * (u + 0.5))
          }
          let i = (y * side + x) * 3
          p[i] = min(max(rgb.0, 0), 1)
          p[i + 1] = min(max(rgb.1, 0), 1)
          p[i + 2] = min(max(rgb.2, 0), 1)
        }
      }
    }
    return image
  }

  static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
  }

  static func format(_ ms: Double) -> String {
    ms < 10 ? String(Int((ms * 100).rounded())).paddedDecimal(2) : String(Int(ms.rounded()))
  }
}

extension String {
  /// "123" with 2 decimals → "1.23".
  fileprivate func paddedDecimal(_ places: Int) -> String {
    var digits = self
    while digits.count <= places { digits = "0" + digits }
    let split = digits.index(digits.endIndex, offsetBy: -places)
    return digits[..<split] + "." + digits[split...]
  }
}
