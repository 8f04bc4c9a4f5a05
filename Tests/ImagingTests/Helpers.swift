// Shared helpers for the Imaging tests (fixture paths, temp folders, metrics).
import Foundation
import Imaging
import XCTest

/// Path of a committed fixture in Tests/ImagingTests/Fixtures.
func fixture(_ name: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// A fresh temporary folder, removed by the caller's `defer`.
func temporaryFolder() -> String {
  let path = NSTemporaryDirectory() + "imaging-tests-\(UUID().uuidString)"
  try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// Deterministic pseudo-random generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// A smooth test image with gradients, a disc and some noise; `channels` 1, 3 or 4.
func testPattern(width: Int, height: Int, channels: Int = 3, seed: UInt64 = 1) -> Image {
  var rng = SplitMix(state: seed)
  var image = Image(width: width, height: height, channels: channels)
  for y in 0..<height {
    for x in 0..<width {
      let fx = Float(x) / Float(max(width - 1, 1)), fy = Float(y) / Float(max(height - 1, 1))
      let dx = fx - 0.5, dy = fy - 0.45
      let disc: Float = dx * dx + dy * dy < 0.08 ? 0.25 : 0
      let noise = Float(rng.next() % 1000) / 1000 * 0.05
      let values: [Float] = [
        min(1, fx * 0.8 + disc + noise), min(1, fy * 0.7 + 0.1 + noise),
        min(1, (1 - fx) * 0.6 + disc), 0.5 + 0.5 * fx,
      ]
      for c in 0..<channels {
        image[x, y, c] = channels == 1 ? (values[0] + values[1]) / 2 : values[c]
      }
    }
  }
  return image
}

/// PSNR in dB of `a` against `b` (same size and channels), over [0, 1] samples.
func psnr(_ a: Image, _ b: Image) -> Double {
  precondition(a.pixels.count == b.pixels.count)
  var sum = 0.0
  for i in 0..<a.pixels.count {
    let d = Double(a.pixels[i] - b.pixels[i])
    sum += d * d
  }
  let mse = sum / Double(a.pixels.count)
  return mse == 0 ? 99 : 10 * log10(1 / mse)
}

/// Largest absolute sample difference.
func maxDifference(_ a: Image, _ b: Image) -> Float {
  zip(a.pixels, b.pixels).map { abs($0 - $1) }.max() ?? 0
}
