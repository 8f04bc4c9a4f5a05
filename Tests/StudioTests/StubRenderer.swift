// A deterministic renderer for tests: no weights needed.

import Foundation
import Imaging
import Studio

/// Renders a flat colour computed from the request, so tests can check what was asked for.
///
/// Red: the input's mean; green: (Smiling target + 1) / 2 (0.5 when unset); blue: the
/// expression intensity (0 without an expression). Scores are all 0.2.
final class StubRenderer: Renderer, @unchecked Sendable {
  var renders = 0
  let inputSize = 32
  var status: ModelStatus {
    ModelStatus(s2fSteps: 10, sarganSteps: 20, fingerprint: "stub", problems: [])
  }

  func render(_ r: RenderRequest) throws -> RenderedEdit {
    renders += 1
    let mean = r.input.pixels.reduce(0, +) / Float(max(1, r.input.pixels.count))
    let g = ((r.targets[0] ?? 0) + 1) / 2
    let b = r.expression == nil ? 0 : r.intensity
    var img = Image(width: 8, height: 8, channels: 3)
    for i in 0..<64 {
      img.pixels[3 * i] = mean
      img.pixels[3 * i + 1] = g
      img.pixels[3 * i + 2] = b
    }
    return RenderedEdit(
      image: img, scores: Array(repeating: 0.2, count: r.targets.count), milliseconds: 1,
      notes: [], generation: r.generation)
  }

  func reload() {}
}

/// A temporary directory removed at deinit.
final class TempDir {
  let path: String
  init() {
    path = NSTemporaryDirectory() + "studio-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes a gray 32×32 test sketch and returns its path.
  func sketch(_ name: String = "sketch.png") -> String {
    var img = Image(width: 32, height: 32, channels: 1, value: 1)
    for i in 8..<24 {
      img.pixels[i * 32 + 8] = 0
      img.pixels[i * 32 + 23] = 0
      img.pixels[8 * 32 + i] = 0
    }
    let p = path + "/" + name
    try! PNGCodec.write(img, to: p, overwrite: true)
    return p
  }

  /// Writes a colourful 48×40 test photo and returns its path.
  func photo(_ name: String = "photo.png") -> String {
    var img = Image(width: 48, height: 40, channels: 3)
    for y in 0..<40 {
      for x in 0..<48 {
        img.pixels[3 * (y * 48 + x)] = Float(x) / 47
        img.pixels[3 * (y * 48 + x) + 1] = Float(y) / 39
        img.pixels[3 * (y * 48 + x) + 2] = 0.3
      }
    }
    let p = path + "/" + name
    try! PNGCodec.write(img, to: p, overwrite: true)
    return p
  }
}
