// `visage bench ui`: latency from a slider key press to the updated preview.

import Foundation
import Imaging
import Studio

/// Measures key → preview latency headless, through the editor's own input and render path.
public enum UIBenchmark {
  /// Runs `presses` alternating ←/→ presses on the Smiling slider and reports the median.
  ///
  /// Each sample spans: key handled by the controller → session command → render request →
  /// background render (edit + decode + expression) → result collected → 256-colour
  /// half-block preview grid built for a 100×30 layout. Terminal output time is not included.
  public static func run(presses: Int = 21, modelDirectory: String? = nil) -> String {
    let renderer = ModelRenderer(directory: modelDirectory ?? ModelRenderer.defaultDirectory())
    let session = Session(renderer: renderer)
    let worker = RenderWorker(renderer: renderer)
    defer { worker.stop() }
    let layout = Layout(columns: 100, rows: 30)
    let c = EditorController(session: session, worker: worker, layout: layout)
    guard let sample = EditorApp.samplePath() else {
      return "bench ui: assets/samples/sketch.png not found"
    }
    c.apply(.open(path: sample, kind: nil))
    c.apply(.expression(.happy, 0.5))
    func settle() {
      let deadline = Date().addingTimeInterval(30)
      repeat {
        c.collect()
        if c.upToDate && c.result != nil { c.collect(); return }
        usleep(200)
      } while Date() < deadline
    }
    settle()  // warm-up: encode the latent once
    var total: [Double] = []
    var model: [Double] = []
    let inner = layout.result.inner
    for i in 0..<presses {
      let start = DispatchTime.now().uptimeNanoseconds
      let before = c.imageVersion
      c.handle(i % 2 == 0 ? .right : .left)
      repeat {
        c.collect()
        usleep(100)
      } while !(c.upToDate && c.imageVersion != before)
      c.collect()
      guard let img = c.result else { break }
      _ = BlockRenderer.render(
        img, columns: inner.width, rows: inner.height, shape: .half, depth: .indexed256)
      total.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      model.append(c.lastRenderMilliseconds ?? 0)
    }
    func median(_ v: [Double]) -> Double {
      guard !v.isEmpty else { return .nan }
      let s = v.sorted()
      return s[s.count / 2]
    }
    func pct(_ v: [Double], _ p: Double) -> Double {
      guard !v.isEmpty else { return .nan }
      let s = v.sorted()
      return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
    }
    var notes = c.renderNotes.isEmpty ? "" : "\nnotes: " + c.renderNotes.joined(separator: "; ")
    if let load = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) {
      let cores = ProcessInfo.processInfo.activeProcessorCount
      notes +=
        "\nload average \(load.split(separator: " ").prefix(3).joined(separator: " "))"
        + " on \(cores) cores (other work slows these numbers)"
    }
    return """
      bench ui: slider key → updated preview (headless, 256-colour half blocks, 100×30 layout)
      presses: \(total.count)   models: \(renderer.status.summary)
      key→preview  median \(String(format: "%.1f", median(total))) ms   \
      p90 \(String(format: "%.1f", pct(total, 0.9))) ms   \
      min \(String(format: "%.1f", total.min() ?? .nan)) ms
      render only  median \(String(format: "%.1f", median(model))) ms \
      (edit + decode + expression)\(notes)
      """
  }
}
