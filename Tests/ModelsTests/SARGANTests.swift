// SARGAN-lite: shapes, determinism, weight round trips, learning, exact resume.

import Foundation
import Models
import NN
import Tensor
import TestSupport
import XCTest

final class SARGANTests: XCTestCase {
  let config = SARGANConfig.tiny(expressions: 4)

  func testShapesAndZeroConditionStartsNearInput() {
    let g = SARGANGenerator(config: config)
    let d = SARGANDiscriminator(config: config)
    var rng = SplitMix64(seed: 1)
    let x = Tensor.randomUniform([2, 3, 32, 32], -1, 1, using: &rng)
    let (y, mask) = withNoGrad { g(x, condition: Tensor(zeros: [2, 4])) }
    XCTAssertEqual(y.shape, [2, 3, 32, 32])
    XCTAssertEqual(mask.shape, [2, 1, 8, 8])
    XCTAssertTrue(mask.scalars.allSatisfy { $0 > 0 && $0 < 1 })
    // The head starts small, so an untrained generator is close to the identity map.
    XCTAssertLessThan((y - x).abs().mean().item, 0.2)
    let (src, logits) = withNoGrad { d(x) }
    XCTAssertEqual(src.shape, [2, 1, 2, 2])
    XCTAssertEqual(logits.shape, [2, 4])
  }

  /// Moves every parameter of `g` a little, so that grown copies are checked on trained-looking
  /// weights.
  func perturb(_ g: SARGANGenerator, _ rng: inout SplitMix64) {
    for p in g.parameters { p.assign(p + Tensor.randomNormal(p.shape, using: &rng) * 0.05) }
  }

  /// `grown` computes what `g` computes (image and mask), then one backward pass through `grown`
  /// leaves gradients on its parameters.
  func assertGrownKeepsOutputAndBackpropagates(
    _ g: SARGANGenerator, _ grown: SARGANGenerator, _ rng: inout SplitMix64,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    let x = Tensor.randomUniform([2, 3, 32, 32], -1, 1, using: &rng)
    let c = Tensor([0, 0.7, 0, 0, 1, 0, 0, 0], shape: [2, 4])
    let (a, maskA) = withNoGrad { g(x, condition: c) }
    let (b, maskB) = withNoGrad { grown(x, condition: c) }
    assertClose(b, a, atol: 1e-6, rtol: 0, file: file, line: line)
    assertClose(maskB, maskA, atol: 1e-6, rtol: 0, file: file, line: line)
    grown.zeroGrad()
    grown(x, condition: c).image.squared().mean().backward(to: grown.parameters)
  }

  /// A generator grown to more attention blocks computes what the original computes (the new
  /// blocks start as identity maps, the old block stays last), and the new blocks can learn: their
  /// zeroed norm scale gets a gradient.
  func testGrowingAddsIdentityBlocksThatCanLearn() {
    let g = SARGANGenerator(config: config, seed: 9)
    var rng = SplitMix64(seed: 3)
    perturb(g, &rng)
    let grown = SARGANGenerator(growing: g, blocks: 3)
    XCTAssertEqual(grown.blocks.count, 3)
    XCTAssertEqual(grown.config.attentionBlocks, 3)
    XCTAssertEqual(grown.blocks[2].conv1.conv.weight.scalars, g.blocks[0].conv1.conv.weight.scalars)
    assertGrownKeepsOutputAndBackpropagates(g, grown, &rng)
    let scale = grown.blocks[0].conv2.norm.weight!
    XCTAssertGreaterThan(scale.grad?.abs().sum().item ?? 0, 0)
  }

  /// Adding the encoder skips to a trained generator keeps its output (the skip weights start at
  /// zero), the skip weights then get gradients, and a generator built with skips has the wider
  /// up2 and head weights.
  func testGrowingSkipsKeepsOutputAndTheSkipsCanLearn() {
    let g = SARGANGenerator(config: config, seed: 9)
    var rng = SplitMix64(seed: 4)
    perturb(g, &rng)
    var wider = config
    wider.skips = true
    wider.attentionBlocks = 2
    let grown = SARGANGenerator(growing: g, to: wider)
    let d = config.generatorWidth
    XCTAssertEqual(grown.up2.weight.shape, [4 * d, d, 4, 4])
    XCTAssertEqual(grown.head.weight.shape, [3, 2 * d, 7, 7])
    XCTAssertEqual(SARGANGenerator(config: wider).head.weight.shape, [3, 2 * d, 7, 7])
    assertGrownKeepsOutputAndBackpropagates(g, grown, &rng)
    let headSkip = grown.head.weight.grad!.slice(axis: 1, start: d, length: d)
    let up2Skip = grown.up2.weight.grad!.slice(axis: 0, start: 2 * d, length: 2 * d)
    XCTAssertGreaterThan(headSkip.abs().sum().item, 0)
    XCTAssertGreaterThan(up2Skip.abs().sum().item, 0)
    // The configuration round-trips with its skips; files without the key read as no skips.
    let json = ModelStore.json(wider)
    XCTAssertEqual(try JSONDecoder().decode(SARGANConfig.self, from: Data(json.utf8)), wider)
    let old = json.replacingOccurrences(of: ",\"skips\":true", with: "")
      .replacingOccurrences(of: "\"skips\":true,", with: "")
    XCTAssertNotEqual(old, json)
    XCTAssertFalse(try JSONDecoder().decode(SARGANConfig.self, from: Data(old.utf8)).skips)
  }

  /// Per-image focus weights average the images' region means (small regions count as the
  /// floor), where the pooled region weighs every changed pixel of the batch alike.
  func testPerImageFocusWeightsAverageRegionMeans() {
    let (h, w) = (32, 32)
    var mask = [Float](repeating: 0, count: 3 * h * w)
    for p in 0..<300 { mask[p] = 1 }  // image 0: 300 pixels, error 1
    for p in 0..<400 { mask[h * w + p] = 1 }  // image 1: 400 pixels, error 0
    for p in 0..<8 { mask[2 * h * w + p] = 1 }  // image 2: 8 pixels (below the floor), error 1
    let region = Tensor(mask, shape: [3, 1, h, w])
    var err = [Float](repeating: 0, count: 3 * h * w)
    for p in 0..<(h * w) {
      err[p] = 1
      err[2 * h * w + p] = 1
    }
    let fake = Tensor(err, shape: [3, 1, h, w])
    let truth = Tensor(zeros: [3, 1, h, w])
    let pooled = Loss.l1(fake, truth, weights: region).item
    XCTAssertEqual(pooled, 308 / 708, accuracy: 1e-6)
    let weights = SARGANTrainer.perImageWeights(region, floor: 256)
    let perImage = Loss.l1(fake, truth, weights: weights).item
    // (1 + 0 + 8/256) / (1 + 1 + 8/256): image 2 weighs 8/256 of a full image.
    XCTAssertEqual(perImage, (1 + 8.0 / 256) / (2 + 8.0 / 256), accuracy: 1e-6)
    // An image without changed pixels keeps zero weight.
    let empty = SARGANTrainer.perImageWeights(Tensor(zeros: [1, 1, h, w]), floor: 256)
    XCTAssertEqual(empty.sum().item, 0)
  }

  func testSameSeedSameWeightsSameOutput() {
    var rng = SplitMix64(seed: 2)
    let x = Tensor.randomUniform([1, 3, 32, 32], -1, 1, using: &rng)
    let c = Tensor([0, 1, 0, 0], shape: [1, 4])
    let a = withNoGrad { SARGANGenerator(config: config, seed: 5)(x, condition: c).image }
    let b = withNoGrad { SARGANGenerator(config: config, seed: 5)(x, condition: c).image }
    XCTAssertEqual(a.scalars, b.scalars)
  }

  /// The condition bias adds nothing for an all-zero condition, reaches the interior of the
  /// image from the first step (where the concatenated planes cannot), and older configs decode
  /// without it.
  func testConditionBiasReachesTheInteriorAndKeepsZeroConditionNeutral() throws {
    var plain = config
    plain.conditionBias = false
    let g0 = SARGANGenerator(config: plain, seed: 4)
    let g1 = SARGANGenerator(config: config, seed: 4)
    XCTAssertNil(g0.stemCondition)
    XCTAssertNotNil(g1.stemCondition)
    var rng = SplitMix64(seed: 6)
    let x = Tensor.randomUniform([1, 3, 32, 32], -1, 1, using: &rng)
    let c = Tensor([0, 0.8, 0, 0], shape: [1, 4])
    let zero = Tensor(zeros: [1, 4])
    XCTAssertEqual(
      withNoGrad { g0(x, condition: zero).image }.scalars,
      withNoGrad { g1(x, condition: zero).image }.scalars)
    // Away from the border, where the concatenated planes cannot reach through the padding.
    let before = withNoGrad { g0(x, condition: c).image }
    let after = withNoGrad { g1(x, condition: c).image }
    let interior = (after - before).slice(axis: 2, start: 12, length: 8).slice(
      axis: 3, start: 12, length: 8)
    XCTAssertGreaterThan(interior.abs().mean().item, 1e-3)
    let old = try JSONDecoder().decode(
      SARGANConfig.self,
      from: Data(
        """
        {"imageSize":32,"expressionCount":4,"generatorWidth":4,"hourglassWidth":4,\
        "attentionBlocks":1,"discriminatorWidth":4,"discriminatorLayers":4,\
        "discriminatorMaxWidth":16}
        """.utf8))
    XCTAssertFalse(old.conditionBias)
    XCTAssertEqual(old.discriminatorSlope, 0.01)
    var oldStyle = plain
    oldStyle.discriminatorSlope = 0.01
    XCTAssertEqual(old, oldStyle)
  }

  /// The stem without materialised condition planes equals the stem on the concatenated input,
  /// in value and in its gradients (weight, condition, image): square and non-square inputs,
  /// the smallest size the canvas covers (7, middle row used once) and mixed small sizes. (5×6
  /// takes the fallback, which is the plain path itself: it only checks that the fallback runs.)
  func testStemWithoutPlanesEqualsConcatenatedPlanes() throws {
    let g = SARGANGenerator(config: config, seed: 8)
    var rng = SplitMix64(seed: 9)
    for (h, w) in [(32, 32), (20, 28), (7, 7), (7, 12), (6, 20), (5, 6)] {
      let x = Tensor.randomUniform([2, 3, h, w], -1, 1, using: &rng).requiringGrad()
      let c = Tensor([0, 0.7, 0, 0, 1, 0, 0.3, 0], shape: [2, 4]).requiringGrad()
      let gy = Tensor.randomNormal([2, config.generatorWidth, h, w], using: &rng)
      let fast = g.stemOutput(x, condition: c)
      g.zeroGrad()
      (fast * gy).sum().backward(to: [g.stem.weight, x, c])
      let fastGrads = [g.stem.weight.grad!, x.grad!, c.grad!]
      let planes = c.reshaped([2, 4, 1, 1]).expanded(to: [2, 4, h, w])
      let plain = g.stem(Tensor.concat([x, planes], axis: 1))
      g.zeroGrad()
      x.grad = nil
      c.grad = nil
      (plain * gy).sum().backward(to: [g.stem.weight, x, c])
      let plainGrads = [g.stem.weight.grad!, x.grad!, c.grad!]
      XCTAssertEqual(fast.shape, plain.shape)
      assertWithinScale(fast, plain, "\(h)×\(w) value")
      for (name, (a, b)) in zip(["weight", "x", "c"], zip(fastGrads, plainGrads)) {
        assertWithinScale(a, b, "\(h)×\(w) gradient of \(name)")
      }
    }
  }

  /// Every |a − b| within 1e-5 of the largest |b|.
  private func assertWithinScale(_ a: Tensor, _ b: Tensor, _ message: String) {
    let scale = max(b.scalars.map { abs($0) }.max() ?? 0, 1e-12)
    assertClose(a, b, atol: 1e-5 * scale, rtol: 0, message)
  }

  func testWeightFileRoundTrip() throws {
    let g = SARGANGenerator(config: config, seed: 3)
    let path = NSTemporaryDirectory() + "sargan-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelStore.save(
      g, path: path, metadata: ["model": "sargan", "config": ModelStore.json(config)], dtype: .f32)
    let (h, meta) = try ModelStore.loadSARGAN(path: path)
    XCTAssertEqual(meta["model"], "sargan")
    for (p, q) in zip(g.parameters, h.parameters) { XCTAssertEqual(p.scalars, q.scalars) }
    XCTAssertThrowsError(try ModelStore.loadS2FGAN(path: path))
  }

  func testTrainingReducesPairedLossOnAFixedBatch() throws {
    var o = SARGANOptions()
    o.batch = 2
    o.learningRateG = 2e-3
    o.lambdaAdversarial = 0
    o.lambdaCycle = 0
    let trainer = SARGANTrainer(config: config, options: o)
    var batch = try FakeExpressionSource(size: 32, expressions: 4).batch(step: 0, size: 2)
    // A learnable target: a darker copy of the source.
    batch.targets = batch.sources * 0.5 - 0.3
    let stem = try XCTUnwrap(trainer.generator.stemCondition)
    let initial = stem.weight.scalars
    let first = trainer.train(batch)["g_pair"]!
    var last = first
    for _ in 0..<25 { last = trainer.train(batch)["g_pair"]! }
    XCTAssertLessThan(last, first * 0.8)
    // The condition biases learn.
    XCTAssertNotEqual(stem.weight.scalars, initial)
  }

  /// With no adversarial term, `classifier` still trains the discriminator's expression head
  /// on the sources (its loss falls on a fixed batch) and adds the classification loss on the
  /// edits to the generator; without it the discriminator is never touched.
  func testClassifierWithoutAdversarialTrainsOnlyTheClassifier() throws {
    var o = SARGANOptions()
    o.batch = 2
    o.learningRateD = 2e-3
    o.lambdaAdversarial = 0
    o.lambdaCycle = 0
    o.classifier = true
    let trainer = SARGANTrainer(config: config, options: o)
    let batch = try FakeExpressionSource(size: 32, expressions: 4).batch(step: 0, size: 2)
    let logs = trainer.train(batch)
    XCTAssertNotNil(logs["g_cls"])
    XCTAssertNil(logs["d_adv"])
    XCTAssertNil(logs["d_gp"])
    let first = try XCTUnwrap(logs["d_cls"])
    var last = first
    for _ in 0..<20 { last = trainer.train(batch)["d_cls"]! }
    XCTAssertLessThan(last, first * 0.5)

    o.classifier = nil
    let plain = SARGANTrainer(config: config, options: o)
    let before = plain.discriminator.parameters.map(\.scalars)
    let plainLogs = plain.train(batch)
    XCTAssertNil(plainLogs["d_cls"])
    XCTAssertNil(plainLogs["g_cls"])
    XCTAssertEqual(plain.discriminator.parameters.map(\.scalars), before)
  }

  func testResumeEqualsUninterruptedRun() throws {
    var o = SARGANOptions()
    o.batch = 2
    o.cycleEvery = 2
    let source = FakeExpressionSource(size: 32, expressions: 4)
    let straight = SARGANTrainer(config: config, options: o)
    for s in 0..<4 { _ = straight.train(try source.batch(step: s, size: 2)) }

    let path = NSTemporaryDirectory() + "sargan-state-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = SARGANTrainer(config: config, options: o)
    for s in 0..<2 { _ = first.train(try source.batch(step: s, size: 2)) }
    try first.checkpoint.save(path: path, step: first.step, metadata: [:])
    let second = SARGANTrainer(config: config, options: o)
    try second.resume(from: path)
    XCTAssertEqual(second.step, 2)
    for s in 2..<4 { _ = second.train(try source.batch(step: s, size: 2)) }
    for (p, q) in zip(
      straight.generator.parameters + straight.discriminator.parameters,
      second.generator.parameters + second.discriminator.parameters)
    {
      XCTAssertEqual(p.scalars, q.scalars)
    }
    for (p, q) in zip(straight.ema.shadow, second.ema.shadow) {
      XCTAssertEqual(p.scalars, q.scalars)
    }
  }

  func testChangedRegionMarksMovedPixelsAndTheirNeighbours() {
    var a = [Float](repeating: 0, count: 2 * 3 * 6 * 6)
    var b = a
    // Image 0: pixel (2, 3) changes strongly in one channel; image 1 changes below threshold.
    b[(0 * 3 + 1) * 36 + 2 * 6 + 3] = 0.9
    b[(1 * 3 + 0) * 36 + 4 * 6 + 4] = 0.01
    a[(1 * 3 + 2) * 36] = 0.03
    let m = ChangedRegion.mask(
      from: Tensor(a, shape: [2, 3, 6, 6]), to: Tensor(b, shape: [2, 3, 6, 6]), threshold: 0.02
    ).scalars
    XCTAssertEqual(m.count, 2 * 36)
    for y in 0..<6 {
      for x in 0..<6 {
        let expected: Float = abs(y - 2) <= 1 && abs(x - 3) <= 1 ? 1 : 0
        XCTAssertEqual(m[y * 6 + x], expected, "image 0 at (\(y), \(x))")
      }
    }
    XCTAssertEqual(m[36...].reduce(0, +), 0)
  }

  func testDarkLinesMarkOnlyNewThinDarkLines() {
    let (h, w) = (12, 16)
    // Grey source with an old thin line at column 2; the target adds a thin line at column 7
    // (rows 2...9) and a wide dark block at columns 11...15, and keeps the old line.
    var a = [Float](repeating: 0.4, count: 3 * h * w)
    for c in 0..<3 { for y in 0..<h { a[(c * h + y) * w + 2] = -0.6 } }
    var b = a
    for c in 0..<3 {
      for y in 2...9 { b[(c * h + y) * w + 7] = -0.4 }
      for y in 0..<h { for x in 11..<16 { b[(c * h + y) * w + x] = -0.4 } }
    }
    let m = ChangedRegion.darkLines(
      from: Tensor(a, shape: [1, 3, h, w]), to: Tensor(b, shape: [1, 3, h, w])
    ).scalars
    XCTAssertEqual(m.count, h * w)
    for y in 0..<h {
      for x in 0..<w {
        // The new line, grown by a pixel; nothing on the old line or in the block.
        let expected: Float = (1...10).contains(y) && (6...8).contains(x) ? 1 : 0
        XCTAssertEqual(m[y * w + x], expected, "at (\(y), \(x))")
      }
    }
  }

  func testLineTermIsLoggedAndGoesDown() throws {
    var o = SARGANOptions()
    o.batch = 2
    o.lambdaAdversarial = 0
    o.lambdaCycle = 0
    o.lambdaPairLines = 10
    o.learningRateG = 3e-3
    let trainer = SARGANTrainer(config: config, options: o)
    var batch = try FakeExpressionSource(size: 32, expressions: 4).batch(step: 0, size: 2)
    // Flat grey sources; targets add a thin dark vertical line at column 16.
    batch.sources = Tensor(repeating: 0.2, shape: [2, 3, 32, 32])
    var t = batch.sources.scalars
    for i in 0..<2 {
      for c in 0..<3 { for y in 8..<24 { t[((i * 3 + c) * 32 + y) * 32 + 16] = -0.8 } }
    }
    batch.targets = Tensor(t, shape: batch.sources.shape)
    let (first, last) = try firstAndLastLog("g_lines") { trainer.train(batch) }
    XCTAssertLessThan(last, first * 0.9)
    var plain = o
    plain.lambdaPairLines = nil
    XCTAssertNil(SARGANTrainer(config: config, options: plain).train(batch)["g_lines"])
  }

  func testFocusedPairLossIsLoggedOnlyWhenTheTargetDiffers() throws {
    var o = SARGANOptions()
    o.batch = 2
    o.lambdaAdversarial = 0
    o.lambdaCycle = 0
    let trainer = SARGANTrainer(config: config, options: o)
    var batch = try FakeExpressionSource(size: 32, expressions: 4).batch(step: 0, size: 2)
    batch.targets = batch.sources
    XCTAssertNil(trainer.train(batch)["g_focus"])
    batch.targets = batch.sources * 0.5 - 0.3
    let logs = trainer.train(batch)
    let focus = try XCTUnwrap(logs["g_focus"])
    // Every pixel changed here, so the focused term is the plain mean error.
    XCTAssertEqual(focus, logs["g_pair"]!, accuracy: 1e-4)
  }

  func testLogWithOtherColumnsIsSetAsideNotMixed() throws {
    let dir = NSTemporaryDirectory() + "csvlog-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/log.csv"
    do {
      let log = try CSVLog(path: path, columns: ["step", "a"])
      log.append(["step": 1, "a": 2])
    }
    do {
      let log = try CSVLog(path: path, columns: ["step", "a"])
      log.append(["step": 2, "a": 3])
    }
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "step,a\n1,2\n2,3\n")
    do {
      let log = try CSVLog(path: path, columns: ["step", "a", "b"])
      log.append(["step": 3, "b": 4])
    }
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "step,a,b\n3,,4\n")
    XCTAssertEqual(
      try String(contentsOfFile: path + ".1", encoding: .utf8), "step,a\n1,2\n2,3\n")
  }
}
