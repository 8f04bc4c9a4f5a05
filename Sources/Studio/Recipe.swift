// The edit recipe stored in saved PNGs, and reproducing an image from it.

import Foundation
import Imaging

/// PNG text keys: `visage:recipe` (state JSON), `visage:script` (the commands),
/// `visage:models` (steps, and what `visage eval` measured), `visage:fingerprint` (weight-file
/// fingerprint), `Software`.
public enum Recipe {
  public static let recipeKey = "visage:recipe"
  public static let scriptKey = "visage:script"
  public static let modelsKey = "visage:models"
  public static let fingerprintKey = "visage:fingerprint"

  /// The metadata for a state rendered with models in `status`.
  public static func text(for state: EditState, status: ModelStatus) -> [String: String] {
    [
      "Software": "visage",
      recipeKey: state.json,
      scriptKey: state.script.joined(separator: "\n"),
      modelsKey: status.summary,
      fingerprintKey: status.fingerprint,
    ]
  }

  /// The outcome of `reproduce`.
  public struct Replay: Sendable {
    /// The reproduced image.
    public var image: Image
    /// The largest 8-bit sample difference from the saved image (0: identical).
    public var maxDifference: Int
    /// True when the weights differ from those that made the saved image.
    public var modelsChanged: Bool
    /// The saved image's model summary.
    public var savedModels: String
    /// Renderer notes.
    public var notes: [String]
  }

  /// Reads the recipe in `path` and renders it again with `renderer`.
  public static func reproduce(path: String, renderer: Renderer) throws -> Replay {
    let text: [String: String]
    let saved: Image
    do {
      text = try PNGCodec.readText(path: path)
      saved = try PNGCodec.read(path: path)
    } catch {
      throw StudioError.io("cannot read \(path): \(error)")
    }
    guard let json = text[recipeKey] else {
      throw StudioError.invalid("\(path) has no visage recipe (was it saved by visage?)")
    }
    let state = try EditState(json: json)
    let session = Session(renderer: renderer)
    for line in state.script { try session.run(line) }
    if state.intensity != session.state.intensity { try session.apply(.intensity(state.intensity)) }
    let out = try session.renderNow()
    let a = out.image.bytes8(), b = saved.rgb().bytes8()
    var diff = 255
    if a.count == b.count {
      diff = 0
      for i in 0..<a.count { diff = max(diff, abs(Int(a[i]) - Int(b[i]))) }
    }
    return Replay(
      image: out.image, maxDifference: diff,
      modelsChanged: text[fingerprintKey] != renderer.status.fingerprint,
      savedModels: text[modelsKey] ?? "unknown", notes: out.notes)
  }
}
