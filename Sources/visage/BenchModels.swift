// `visage bench models`: inference latency and training throughput of the shipped networks.

import Foundation
import Models
import NN
import Tensor

/// Median wall time of `body` over `reps` runs after one warm-up, in milliseconds.
func medianMilliseconds(reps: Int, _ body: () -> Void) -> Double {
  body()
  var times: [Double] = []
  for _ in 0..<reps {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
  }
  times.sort()
  return times[times.count / 2]
}

/// Times the networks at 128×128 with the architecture of the shipped weights (random weights
/// when none are shipped: speed does not depend on the values).
func runModelBenchmark(threads: [Int], reps: Int) -> String {
  var out =
    "visage bench models — 128×128, median of \(reps) runs, OpenBLAS core \(BLAS.coreName)\n"
  out += "| network | threads | time (ms) | rate |\n|---|---|---|---|\n"
  let s2f =
    (try? ModelStore.loadS2FGAN(path: "assets/models/s2fgan.safetensors").0)
    ?? S2FGAN(config: .small(attributes: 16))
  let sargan =
    (try? ModelStore.loadSARGAN(path: "assets/models/sargan.safetensors").0)
    ?? SARGANGenerator(config: .lite(expressions: 8))
  var rng = SplitMix64(seed: 3)
  let sketch = Tensor.randomUniform([1, 1, 128, 128], 0, 1, using: &rng)
  let photo = Tensor.randomUniform([1, 3, 128, 128], -1, 1, using: &rng)
  let r = withNoGrad { s2f.encode(sketch: sketch) }
  var targets = [Float?](repeating: nil, count: s2f.config.attributeCount)
  targets[0] = 0.8
  let cond = Tensor([0, 1, 0, 0, 0, 0, 0, 0], shape: [1, 8])
  for t in threads {
    Threads.configure(t)
    func row(_ name: String, _ body: () -> Void) {
      let ms = medianMilliseconds(reps: reps, body)
      out +=
        "| \(name) | \(t) | \(String(format: "%.1f", ms)) | \(String(format: "%.1f /s", 1000 / ms)) |\n"
    }
    row("S2F sketch encode") { withNoGrad { _ = s2f.encode(sketch: sketch) } }
    row("S2F photo encode") { withNoGrad { _ = s2f.encode(photo: photo) } }
    row("S2F edit (DIS) + decode") {
      withNoGrad { _ = s2f.decode(s2f.edit(r, targets: targets, variant: .dis)) }
    }
    row("S2F edit (DEC) + decode") {
      withNoGrad { _ = s2f.decode(s2f.edit(r, targets: targets, variant: .dec)) }
    }
    row("SARGAN expression edit") { withNoGrad { _ = sargan(photo, condition: cond) } }
  }
  // Training throughput: one full step of each trainer on random batches.
  out += "\n| training step | threads | batch | time (ms) | images/s |\n|---|---|---|---|---|\n"
  for t in threads {
    Threads.configure(t)
    var so = SARGANOptions()
    so.batch = 8
    so.cycleEvery = 1
    let st = SARGANTrainer(config: .lite(expressions: 8), options: so)
    let eb = randomExpressionBatch(8)
    let ms1 = medianMilliseconds(reps: max(2, reps / 5)) { _ = st.train(eb) }
    out +=
      "| SARGAN (D + G with cycle) | \(t) | 8 | \(String(format: "%.0f", ms1)) | \(String(format: "%.2f", 8000 / ms1)) |\n"
    var fo = S2FOptions()
    fo.batch = 4
    let ft = S2FTrainer(config: .small(attributes: 16), options: fo)
    let fb = randomFaceBatch(4)
    let ms2 = medianMilliseconds(reps: max(2, reps / 5)) { _ = ft.train(fb) }
    out +=
      "| S2FGAN DIS backbone | \(t) | 4 | \(String(format: "%.0f", ms2)) | \(String(format: "%.2f", 4000 / ms2)) |\n"
  }
  return out
}

/// Times `steps` training steps of one trainer (after a warm-up step), one line per step:
/// for profiling a single trainer under a sampling profiler.
func runStepBenchmark(model: String, steps: Int, threads: Int) -> String {
  Threads.configure(threads)
  let step: () -> Void
  if model == "sargan" {
    var so = SARGANOptions()
    so.batch = 8
    let st = SARGANTrainer(config: .lite(expressions: 8), options: so)
    let eb = randomExpressionBatch(8)
    step = { _ = st.train(eb) }
  } else {
    var fo = S2FOptions()
    fo.batch = 4
    let ft = S2FTrainer(config: .small(attributes: 16), options: fo)
    let fb = randomFaceBatch(4)
    step = { _ = ft.train(fb) }
  }
  step()
  var times: [Double] = []
  for _ in 0..<max(1, steps) {
    let t0 = DispatchTime.now().uptimeNanoseconds
    step()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
  }
  let line = times.map { String(format: "%.0f", $0) }.joined(separator: " ")
  return "\(model) training step, \(threads) thread(s): \(line) ms (median "
    + String(format: "%.0f", times.sorted()[times.count / 2]) + ")"
}

private func randomExpressionBatch(_ n: Int) -> ExpressionBatch {
  var rng = SplitMix64(seed: 5)
  var c = [Float](repeating: 0, count: n * 8)
  for i in 0..<n { c[i * 8 + i % 8] = 1 }
  return ExpressionBatch(
    sources: Tensor.randomUniform([n, 3, 128, 128], -1, 1, using: &rng),
    conditions: Tensor(c, shape: [n, 8]),
    targets: Tensor.randomUniform([n, 3, 128, 128], -1, 1, using: &rng),
    sourceClass: (0..<n).map { ($0 + 1) % 8 }, targetClass: (0..<n).map { $0 % 8 },
    intensity: [Float](repeating: 1, count: n), cycleValid: [Bool](repeating: true, count: n))
}

private func randomFaceBatch(_ n: Int) -> FaceBatch {
  var rng = SplitMix64(seed: 6)
  return FaceBatch(
    photos: Tensor.randomUniform([n, 3, 128, 128], -1, 1, using: &rng),
    sketches: Tensor.randomUniform([n, 1, 128, 128], 0, 1, using: &rng),
    attributes: Tensor.randomUniform([n, 16], -1, 1, using: &rng),
    editedPhotos: Tensor.randomUniform([n, 3, 128, 128], -1, 1, using: &rng),
    editAttribute: (0..<n).map { $0 % 16 }, editTarget: [Float](repeating: 0.5, count: n),
    personMasks: Tensor(
      (0..<(n * 128 * 128)).map { (32..<96).contains($0 % 128) ? 1 : 0 },
      shape: [n, 1, 128, 128]),
    editedPersonMasks: Tensor(repeating: 1, shape: [n, 1, 128, 128]))
}
