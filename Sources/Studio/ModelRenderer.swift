// The real renderer: S2FGAN for sketch/photo → edited face, SARGAN for the expression.

import FaceSynth
import Foundation
import Imaging
import Models
import NN
import Tensor

/// Renders with the trained weights in a model directory (`assets/models`).
///
/// The latent and attribute scores are cached per source, so a slider move costs only
/// edit + decode (+ SARGAN). A missing weight file is reported in `status` and in each
/// output's notes; the pipeline then shows the source (sketch or cropped photo) instead.
public final class ModelRenderer: Renderer, @unchecked Sendable {
  /// Where the weights are read from.
  public let directory: String
  private let lock = NSLock()
  private var s2f: S2FGAN?
  private var sargan: SARGANGenerator?
  private var latents: [(key: String, latent: Tensor, scores: [Float])] = []
  private var currentStatus = ModelStatus(
    s2fSteps: nil, sarganSteps: nil, fingerprint: "none", problems: [])

  /// Loads the weights in `directory` (missing files are reported, not fatal).
  public init(directory: String) {
    self.directory = directory
    reload()
  }

  /// The first model directory found: `$VISAGE_MODELS`, `./assets/models`, or
  /// `assets/models` beside or above the executable.
  public static func defaultDirectory() -> String {
    let env = ProcessInfo.processInfo.environment
    if let d = env["VISAGE_MODELS"], !d.isEmpty { return d }
    let fm = FileManager.default
    let local = SourceLoader.absolute("assets/models")
    if fm.fileExists(atPath: local + "/s2fgan.safetensors") { return local }
    var dir = (CommandLine.arguments.first.map(SourceLoader.absolute) ?? "/") as NSString
    for _ in 0..<5 {
      dir = dir.deletingLastPathComponent as NSString
      let candidate = dir.appendingPathComponent("assets/models")
      if fm.fileExists(atPath: candidate + "/s2fgan.safetensors") { return candidate }
    }
    return local
  }

  public var status: ModelStatus {
    lock.lock()
    defer { lock.unlock() }
    return currentStatus
  }

  public var inputSize: Int {
    lock.lock()
    defer { lock.unlock() }
    return s2f?.config.imageSize ?? sargan?.config.imageSize ?? 128
  }

  /// Uses already-built models (tests with tiny random weights).
  public init(s2f: S2FGAN?, sargan: SARGANGenerator?, s2fSteps: Int?, sarganSteps: Int?) {
    directory = ""
    self.s2f = s2f
    self.sargan = sargan
    currentStatus = ModelStatus(
      s2fSteps: s2fSteps, sarganSteps: sarganSteps, fingerprint: "in-memory", problems: [])
  }

  public func reload() {
    lock.lock()
    defer { lock.unlock() }
    guard !directory.isEmpty else { return }
    var problems: [String] = []
    var prints: [String] = []
    let s2fPath = directory + "/s2fgan.safetensors"
    let sarganPath = directory + "/sargan.safetensors"
    var s2fSteps: Int? = nil
    var sarganSteps: Int? = nil
    var s2fMeasure: String? = nil
    var sarganMeasure: String? = nil
    s2f = nil
    sargan = nil
    latents = []
    if FileManager.default.fileExists(atPath: s2fPath) {
      do {
        let (m, meta) = try ModelStore.loadS2FGAN(path: s2fPath)
        s2f = m
        s2fSteps = ModelRenderer.steps(meta)
        s2fMeasure = ModelRenderer.measure(
          meta, key: "results_dis", field: "edit_success", "DIS edits")
        prints.append(ModelRenderer.fingerprint(m))
      } catch {
        problems.append("s2f weights unreadable: \(error)")
      }
    } else {
      problems.append("s2f model absent (\(s2fPath))")
    }
    if FileManager.default.fileExists(atPath: sarganPath) {
      do {
        let (g, meta) = try ModelStore.loadSARGAN(path: sarganPath)
        sargan = g
        sarganSteps = ModelRenderer.steps(meta)
        sarganMeasure = ModelRenderer.measure(
          meta, key: "results", field: "judge_accuracy_expressive", "expressions")
        prints.append(ModelRenderer.fingerprint(g))
      } catch {
        problems.append("sargan weights unreadable: \(error)")
      }
    } else {
      problems.append("sargan model absent (\(sarganPath))")
    }
    currentStatus = ModelStatus(
      s2fSteps: s2fSteps, sarganSteps: sarganSteps,
      fingerprint: prints.isEmpty ? "none" : prints.joined(separator: "-"), problems: problems,
      s2fMeasure: s2fMeasure, sarganMeasure: sarganMeasure)
  }

  /// `"<label> N%"` from the fraction `field` of the JSON object in metadata `key` (written by
  /// `visage eval`), or nil when the weights were not evaluated.
  static func measure(_ meta: [String: String], key: String, field: String, _ label: String)
    -> String?
  {
    guard let value = jsonObject(meta, key)?[field] as? Double, value.isFinite else { return nil }
    return "\(label) \(Int((value * 100).rounded()))%"
  }

  /// Trained steps from weight metadata (`training` JSON `steps`; 0 when `trained` is not true).
  static func steps(_ meta: [String: String]) -> Int {
    if let s = jsonObject(meta, "training")?["steps"] as? Int { return s }
    return meta["trained"] == "true" ? 1 : 0
  }

  /// The JSON object stored as text under metadata `key`, if there is one.
  private static func jsonObject(_ meta: [String: String], _ key: String) -> [String: Any]? {
    guard let data = meta[key]?.data(using: .utf8) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
  }

  /// FNV-1a of a loaded model's parameters (their float32 bytes, in declaration order), as 8
  /// hex digits.
  ///
  /// It follows the weights only: `visage eval` rewrites a file's metadata, which must not count
  /// as new weights.
  static func fingerprint(_ model: Module) -> String {
    var h = StableHash()
    for p in model.parameters { p.scalars.withUnsafeBytes { h.add(bytes: $0) } }
    return h.hex
  }

  public func render(_ request: RenderRequest) throws -> RenderedEdit {
    lock.lock()
    defer { lock.unlock() }
    let start = DispatchTime.now().uptimeNanoseconds
    var notes: [String] = []
    var scores: [Float]? = nil
    let image: Image = withNoGrad {
      let anyTarget = request.targets.contains { $0 != nil }
      var face: Tensor
      if request.kind == .photo && !anyTarget {
        // Nothing to change in the latent: keep the photo itself.
        face = request.input.rgb().tensor()
        if let s2f { scores = latent(s2f, request).1 }
      } else if let s2f {
        let (r, s) = latent(s2f, request)
        scores = s
        var targets = request.targets
        let a = s2f.config.attributeCount
        if targets.count > a { targets = Array(targets.prefix(a)) }
        while targets.count < a { targets.append(nil) }
        let edited = anyTarget ? s2f.edit(r, targets: targets, variant: request.variant) : r
        face = s2f.decode(edited)
      } else {
        notes.append("s2f model absent: showing the source, attribute edits not applied")
        face = request.input.rgb().tensor()
      }
      if let e = request.expression, request.intensity > 0 {
        if let sargan {
          let n = sargan.config.expressionCount
          var c = [Float](repeating: 0, count: n)
          if e.rawValue < n { c[e.rawValue] = request.intensity }
          face = sargan(face, condition: Tensor(c, shape: [1, n])).image
        } else {
          notes.append("sargan model absent: expression not applied")
        }
      }
      return Image(tensor: face)
    }
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    return RenderedEdit(
      image: image, scores: scores, milliseconds: ms, notes: notes,
      generation: request.generation)
  }

  /// The cached (latent, scores) of a request's source.
  private func latent(_ s2f: S2FGAN, _ request: RenderRequest) -> (Tensor, [Float]) {
    if let hit = latents.first(where: { $0.key == request.sourceKey }) {
      return (hit.latent, hit.scores)
    }
    let r: Tensor
    switch request.kind {
    case .sketch:
      let g = request.input.grayscale()
      // Strokes 1, paper 0: (1 − s.tensor()) · 0.5 == 1 − s.
      r = s2f.encode(
        sketch: Tensor(g.pixels.map { 1 - $0 }, shape: [1, 1, g.height, g.width]))
    case .photo:
      r = s2f.encode(photo: request.input.rgb().tensor())
    }
    let scores = s2f.scores(r).scalars
    latents.append((request.sourceKey, r, scores))
    if latents.count > 8 { latents.removeFirst() }
    return (r, scores)
  }
}
