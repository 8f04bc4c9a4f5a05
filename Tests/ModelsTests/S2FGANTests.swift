// S2FGAN-lite: shapes, the DEC identity property, editing, weight round trips, learning, resume.

import Foundation
import Models
import NN
import Tensor
import TestSupport
import XCTest

final class S2FGANTests: XCTestCase {
  let config = S2FConfig.tiny(attributes: 3)

  func testShapes() {
    let m = S2FGAN(config: config)
    var rng = SplitMix64(seed: 1)
    let x = Tensor.randomUniform([2, 3, 32, 32], -1, 1, using: &rng)
    let s = Tensor.randomUniform([2, 1, 32, 32], 0, 1, using: &rng)
    withNoGrad {
      let r = m.encode(photo: x)
      XCTAssertEqual(r.shape, [2, 16])
      XCTAssertEqual(m.encode(sketch: s).shape, [2, 16])
      XCTAssertEqual(m.scores(r).shape, [2, 3])
      XCTAssertEqual(m.decode(r).shape, [2, 3, 32, 32])
    }
  }

  func testDecomposerIsExactlyIdentityWithZeroAmounts() {
    let m = S2FGAN(config: config)
    // Give the embedding non-zero values so the check is not trivial.
    var rng = SplitMix64(seed: 4)
    m.decomposer.embedding.assign(Tensor.randomNormal(m.decomposer.embedding.shape, using: &rng))
    let r = Tensor.randomNormal([2, 16], using: &rng)
    let same = withNoGrad { m.edit(r, amounts: Tensor(zeros: [2, 3]), variant: .dec) }
    XCTAssertEqual(same.scalars, r.scalars)
    let moved = withNoGrad {
      m.edit(r, amounts: Tensor([1, 0, 0, 0, 0, 0], shape: [2, 3]), variant: .dec)
    }
    XCTAssertNotEqual(moved.scalars, r.scalars)
  }

  func testDirectionEditReachesTargetScoreWhenDirectionsAreOrthonormal() {
    let m = S2FGAN(config: config)
    // Make W orthonormal: the first three unit vectors.
    var w = [Float](repeating: 0, count: 16 * 3)
    for j in 0..<3 { w[j * 3 + j] = 1 }
    m.directions.weight.assign(Tensor(w, shape: [16, 3]))
    var rng = SplitMix64(seed: 5)
    let r = Tensor.randomNormal([1, 16], using: &rng)
    let edited = withNoGrad { m.edit(r, targets: [0.7, nil, -0.2], variant: .dis) }
    let s = m.scores(edited).scalars
    let s0 = m.scores(r).scalars
    XCTAssertEqual(s[0], 0.7, accuracy: 1e-5)
    XCTAssertEqual(s[1], s0[1], accuracy: 1e-5)
    XCTAssertEqual(s[2], -0.2, accuracy: 1e-5)
  }

  /// FaceSynth batches mark the person (face, hair, neck, clothes) against the backdrop, for
  /// the edit render too, so the image losses can weigh the backdrop less.
  func testSynthBatchesMarkThePerson() throws {
    let b = try SynthFaceSource(size: 64, threads: 2).batch(step: 0, size: 2)
    for mask in [b.personMasks, b.editedPersonMasks] {
      let m = try XCTUnwrap(mask)
      XCTAssertEqual(m.shape, [2, 1, 64, 64])
      XCTAssertTrue(m.scalars.allSatisfy { $0 == 0 || $0 == 1 })
      let share = m.mean().item
      XCTAssertGreaterThan(share, 0.2)
      XCTAssertLessThan(share, 0.95)
    }
  }

  func testWeightFileRoundTrip() throws {
    let m = S2FGAN(config: config, seed: 9)
    let path = NSTemporaryDirectory() + "s2f-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelStore.save(
      m, path: path, metadata: ["model": "s2fgan", "config": ModelStore.json(config)], dtype: .f32)
    let (n, _) = try ModelStore.loadS2FGAN(path: path)
    for (p, q) in zip(m.parameters, n.parameters) { XCTAssertEqual(p.scalars, q.scalars) }
  }

  func testLayoutLatentShapesAndEditsKeepTheLayout() throws {
    let lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2)
    XCTAssertEqual(lc.latentWidth, 16 + 2 * 16)
    let m = S2FGAN(config: lc, seed: 3)
    XCTAssertEqual(
      m.parameterCount,
      S2FGAN(config: config, seed: 3).parameterCount + 2 * (8 * 2 + 2) + (2 * 8 + 8))
    var rng = SplitMix64(seed: 2)
    let x = Tensor.randomUniform([2, 3, 32, 32], -1, 1, using: &rng)
    withNoGrad {
      let r = m.encode(photo: x)
      XCTAssertEqual(r.shape, [2, 48])
      XCTAssertEqual(m.global(r).shape, [2, 16])
      XCTAssertEqual(m.decode(r).shape, [2, 3, 32, 32])
      let layout = r.slice(axis: 1, start: 16, length: 32).scalars
      for variant in EditVariant.allCases {
        let e = m.edit(r, targets: [1, nil, -1], variant: variant)
        XCTAssertEqual(e.slice(axis: 1, start: 16, length: 32).scalars, layout)
        XCTAssertNotEqual(m.global(e).scalars, m.global(r).scalars)
      }
      // The decoder reads the layout: other maps, another image.
      let other = Tensor.concat(
        [m.global(r), Tensor.randomNormal([2, 32], using: &rng)], axis: 1)
      XCTAssertNotEqual(m.decode(other).scalars, m.decode(r).scalars)
    }
    let path = NSTemporaryDirectory() + "s2f-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelStore.save(
      m, path: path, metadata: ["model": "s2fgan", "config": ModelStore.json(lc)], dtype: .f32)
    let (n, _) = try ModelStore.loadS2FGAN(path: path)
    XCTAssertEqual(n.config.layoutChannels, 2)
    for (p, q) in zip(m.parameters, n.parameters) { XCTAssertEqual(p.scalars, q.scalars) }
  }

  func testLargerLayoutComesFromItsStageAndReachesTheDecoder() throws {
    // 32×32 images: layout maps of 8×8 from the encoder's second stage, added to the decoder
    // at 8×8.
    let lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutSize: 8)
    XCTAssertTrue(lc.layoutSizeIsValid)
    XCTAssertFalse(
      S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutSize: 16).layoutSizeIsValid)
    XCTAssertFalse(
      S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutSize: 6).layoutSizeIsValid)
    XCTAssertEqual(lc.latentWidth, 16 + 2 * 64)
    let m = S2FGAN(config: lc, seed: 5)
    // Stage 2 of the encoder has 8 channels, the decoder 8 at 8×8.
    XCTAssertEqual(m.imageEncoder.layout?.conv.weight.shape, [2, 8, 1, 1])
    XCTAssertEqual(m.decoder.layout?.conv.weight.shape, [8, 2, 1, 1])
    var rng = SplitMix64(seed: 6)
    let x = Tensor.randomUniform([2, 3, 32, 32], -1, 1, using: &rng)
    withNoGrad {
      let r = m.encode(photo: x)
      XCTAssertEqual(r.shape, [2, 144])
      XCTAssertEqual(m.encode(sketch: x.slice(axis: 1, start: 0, length: 1)).shape, [2, 144])
      XCTAssertEqual(m.decode(r).shape, [2, 3, 32, 32])
      let layout = r.slice(axis: 1, start: 16, length: 128).scalars
      let e = m.edit(r, targets: [1, nil, -1], variant: .dis)
      XCTAssertEqual(e.slice(axis: 1, start: 16, length: 128).scalars, layout)
      // The decoder reads the 8×8 maps.
      var moved = r.scalars
      moved[16 + 64 + 9] += 5
      let other = m.decode(Tensor(moved, shape: r.shape))
      XCTAssertNotEqual(other.scalars, m.decode(r).scalars)
    }
    let path = NSTemporaryDirectory() + "s2f-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelStore.save(
      m, path: path, metadata: ["model": "s2fgan", "config": ModelStore.json(lc)], dtype: .f32)
    let (n, _) = try ModelStore.loadS2FGAN(path: path)
    XCTAssertEqual(n.config.layoutSize, 8)
    for (p, q) in zip(m.parameters, n.parameters) { XCTAssertEqual(p.scalars, q.scalars) }
    // Files written before the layout size existed read as 4×4.
    let json = ModelStore.json(S2FConfig.tiny(attributes: 3, layoutChannels: 2))
    let withoutSize = json.replacingOccurrences(of: "\"layoutSize\":4,", with: "")
    XCTAssertNotEqual(json, withoutSize)
    let old = try JSONDecoder().decode(S2FConfig.self, from: Data(withoutSize.utf8))
    XCTAssertEqual(old.layoutSize, 4)
  }

  func testLayoutEditorMovesTheMapsLinearlyAndNeverWithoutAmounts() throws {
    let lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutEditWidth: 4)
    let m = S2FGAN(config: lc, seed: 6)
    let editor = try XCTUnwrap(m.layoutEditor)
    // Without the option there is none, and every other weight is drawn the same.
    let plain = S2FGAN(
      config: S2FConfig.tiny(attributes: 3, layoutChannels: 2), seed: 6)
    XCTAssertNil(plain.layoutEditor)
    for (p, q) in zip(plain.parameters, m.parameters) { XCTAssertEqual(p.scalars, q.scalars) }
    var rng = SplitMix64(seed: 9)
    let r = Tensor.randomNormal([2, lc.latentWidth], using: &rng)
    let a = Tensor([0.5, -1, 0.25, 0, 0, 0], shape: [2, 3])
    let d = lc.latentDim
    func layout(_ t: Tensor) -> [Float] { Array(t.scalars[d..<lc.latentWidth]) }
    withNoGrad {
      // A new editor changes nothing (its last convolution starts at zero).
      XCTAssertEqual(
        m.edit(r, amounts: a, variant: .dis).scalars,
        plain.edit(r, amounts: a, variant: .dis).scalars)
      for p in editor.conv3.parameters { p.assign(Tensor.randomNormal(p.shape, using: &rng)) }
      let once = m.edit(r, amounts: a, variant: .dis)
      let twice = m.edit(r, amounts: a * 2, variant: .dis)
      // The first sample's maps move; the second (no amounts) keeps them exactly.
      XCTAssertNotEqual(layout(once), layout(r))
      XCTAssertEqual(
        Array(once.scalars[(lc.latentWidth + d)...]), Array(r.scalars[(lc.latentWidth + d)...]))
      // Linear in the amounts.
      for (x, (y, z)) in zip(layout(r), zip(layout(once), layout(twice))) {
        XCTAssertEqual(z - x, 2 * (y - x), accuracy: 1e-4)
      }
      // The global part is the directions' move, as without the editor.
      XCTAssertEqual(
        Array(once.scalars[0..<d]),
        Array(plain.edit(r, amounts: a, variant: .dis).scalars[0..<d]))
    }
    // Weight files round-trip the editor; older configs read as having none.
    let path = NSTemporaryDirectory() + "s2f-layoutedit-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelStore.save(
      m, path: path, metadata: ["model": "s2fgan", "config": ModelStore.json(lc)], dtype: .f32)
    let (n, _) = try ModelStore.loadS2FGAN(path: path)
    XCTAssertEqual(n.config.layoutEditWidth, 4)
    for (p, q) in zip(m.parameters, n.parameters) { XCTAssertEqual(p.scalars, q.scalars) }
    let json = ModelStore.json(lc).replacingOccurrences(of: ",\"layoutEditWidth\":4", with: "")
      .replacingOccurrences(of: "\"layoutEditWidth\":4,", with: "")
    XCTAssertFalse(json.contains("layoutEditWidth"))
    XCTAssertEqual(
      try JSONDecoder().decode(S2FConfig.self, from: Data(json.utf8)).layoutEditWidth, 0)
  }

  func testLayoutPhaseTrainsOnlyTheEditor() throws {
    let lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutEditWidth: 4)
    var o = S2FOptions()
    o.batch = 2
    o.learningRate = 3e-3
    o.layoutEditOnly = true
    let trainer = S2FTrainer(config: lc, options: o)
    let editor = try XCTUnwrap(trainer.model.layoutEditor)
    let others =
      trainer.model.imageEncoder.parameters + trainer.model.decoder.parameters
      + trainer.model.directions.parameters
    let before = others.map(\.scalars)
    let editorBefore = editor.parameters.map(\.scalars)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 2)
    let (first, last) = try firstAndLastLog("layout_edit", steps: 40) { trainer.train(batch) }
    XCTAssertLessThan(last, first * 0.9)
    XCTAssertEqual(others.map(\.scalars), before)
    XCTAssertNotEqual(editor.parameters.map(\.scalars), editorBefore)
  }

  /// Calibrated edits (the slider path) scale each attribute's layout move by its gain; the
  /// raw path and the global part ignore the gains.
  func testCalibratedEditsScaleTheLayoutMoveByTheGain() throws {
    var lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutEditWidth: 4)
    lc.layoutEditGains = [1, 2.5, 1]
    let m = S2FGAN(config: lc, seed: 3)
    let editor = try XCTUnwrap(m.layoutEditor)
    var rng = SplitMix64(seed: 9)
    for p in editor.conv3.parameters {
      p.assign(Tensor.randomUniform(p.shape, -0.3, 0.3, using: &rng))
    }
    let r = Tensor.randomUniform([2, lc.latentWidth], -1, 1, using: &rng)
    let a = Tensor([0, 0.8, 0, 0, -0.6, 0], shape: [2, 3])
    let d = lc.latentDim
    func parts(_ t: Tensor) -> (Tensor, Tensor) {
      (t.slice(axis: 1, start: 0, length: d), t.slice(axis: 1, start: d, length: t.shape[1] - d))
    }
    withNoGrad {
      let (g0, l0) = parts(r)
      let (gRaw, lRaw) = parts(m.edit(r, amounts: a, variant: .dis))
      let (gCal, lCal) = parts(m.edit(r, amounts: a, variant: .dis, calibrated: true))
      XCTAssertGreaterThan((lRaw - l0).abs().mean().item, 1e-3)
      assertClose(lCal - l0, (lRaw - l0) * 2.5, atol: 1e-5, "calibrated layout move")
      assertClose(gCal, gRaw, atol: 0, "global part")
      XCTAssertNotEqual(gRaw.scalars, g0.scalars)
      // The slider path (targets) is calibrated: same as the amounts it computes, with gains.
      let s = m.scores(r).scalars
      let targets: [Float?] = [nil, 1, nil]
      let amounts = Tensor([0, 1 - s[1], 0, 0, 1 - s[4], 0], shape: [2, 3])
      assertClose(
        m.edit(r, targets: targets, variant: .dis),
        m.edit(r, amounts: amounts, variant: .dis, calibrated: true), atol: 1e-5, "targets")
    }
  }

  /// With a sketch share, the first rows of the layout phase start from sketch latents and aim
  /// at their own maps moved as the photo's maps move; the other rows are the photo rows.
  func testLayoutSketchShareStartsRowsFromSketchLatents() throws {
    let lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutEditWidth: 4)
    var o = S2FOptions()
    o.batch = 4
    o.layoutEditOnly = true
    o.layoutSketchShare = 0.5
    let trainer = S2FTrainer(config: lc, options: o)
    let m = trainer.model
    let b = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 4)
    let (input, target) = try XCTUnwrap(trainer.layoutEditorPairs(b))
    let d = lc.latentDim
    let w = input.shape[1] - d
    try withNoGrad {
      let photo = m.encode(photo: b.photos)
      let edited = m.encode(photo: try XCTUnwrap(b.editedPhotos))
      let sketch = m.encode(sketch: b.sketches)
      func rows(_ t: Tensor, _ s: Int, _ k: Int) -> Tensor { t.slice(axis: 0, start: s, length: k) }
      func layout(_ t: Tensor) -> Tensor { t.slice(axis: 1, start: d, length: w) }
      assertClose(rows(input, 0, 2), rows(sketch, 0, 2), atol: 1e-5, "sketch rows")
      assertClose(rows(input, 2, 2), rows(photo, 2, 2), atol: 1e-5, "photo rows")
      let move = layout(edited) - layout(photo)
      assertClose(
        rows(target, 0, 2), rows(layout(sketch) + move, 0, 2), atol: 1e-5, "sketch targets")
      assertClose(rows(target, 2, 2), rows(layout(edited), 2, 2), atol: 1e-5, "photo targets")
      // Sketch and photo latents differ, so the rows above tell the two apart.
      XCTAssertNotEqual(rows(sketch, 0, 2).scalars, rows(photo, 0, 2).scalars)
    }
  }

  func testBackboneStepTrainsTheLayoutEditorWithTheRest() throws {
    let lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutEditWidth: 4)
    var o = S2FOptions()
    o.batch = 2
    o.lambdaAdversarial = 0
    o.learningRate = 3e-3
    o.layoutEditorLearningRate = 1e-3
    o.lambdaEditFocus = 10
    let trainer = S2FTrainer(config: lc, options: o)
    XCTAssertEqual(trainer.optimizerL?.learningRate, 1e-3)
    let editor = try XCTUnwrap(trainer.model.layoutEditor)
    let editorBefore = editor.parameters.map(\.scalars)
    let decoderBefore = trainer.model.decoder.parameters.map(\.scalars)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 2)
    let (first, last) = try firstAndLastLog("edit_l1", steps: 30) { trainer.train(batch) }
    XCTAssertLessThan(last, first * 0.9)
    XCTAssertNotEqual(trainer.model.decoder.parameters.map(\.scalars), decoderBefore)
    // Every editor tensor moved: the zero-initialised last convolution first, then the others
    // through it.
    for (p, b) in zip(editor.parameters, editorBefore) { XCTAssertNotEqual(p.scalars, b) }
  }

  func testStandardizedSketchesIgnoreInkScaleAndOffset() {
    var c = config
    c.standardizeSketch = true
    let m = S2FGAN(config: c, seed: 4)
    var rng = SplitMix64(seed: 8)
    let s = Tensor.randomUniform([2, 1, 32, 32], 0, 1, using: &rng)
    withNoGrad {
      let a = m.encode(sketch: s)
      let b = m.encode(sketch: s * 0.4 + 0.2)
      assertClose(a, b, atol: 1e-3, "standardised sketch latents")
      XCTAssertNotEqual(S2FGAN(config: config, seed: 4).encode(sketch: s).scalars, a.scalars)
    }
  }

  func testConfigWrittenBeforeTheLayoutLatentDecodesWithout() throws {
    var json = ModelStore.json(config)
    for key in ["\"layoutChannels\":0", "\"standardizeSketch\":false"] {
      json = json.replacingOccurrences(of: "," + key, with: "")
      json = json.replacingOccurrences(of: key + ",", with: "")
    }
    XCTAssertFalse(json.contains("layoutChannels"))
    XCTAssertFalse(json.contains("standardizeSketch"))
    let decoded = try JSONDecoder().decode(S2FConfig.self, from: Data(json.utf8))
    XCTAssertEqual(decoded, config)
  }

  func testBackboneTrainingReducesReconstructionOnAFixedBatch() throws {
    var o = S2FOptions()
    o.batch = 2
    o.lambdaAdversarial = 0
    o.learningRate = 3e-3
    let trainer = S2FTrainer(config: config, options: o)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 2)
    let first = trainer.train(batch)["rec_l1"]!
    var last = first
    for _ in 0..<30 { last = trainer.train(batch)["rec_l1"]! }
    XCTAssertLessThan(last, first * 0.9)
  }

  func testEditFocusTermIsLoggedAndGoesDown() throws {
    var o = S2FOptions()
    o.batch = 2
    o.lambdaAdversarial = 0
    o.learningRate = 3e-3
    o.lambdaEditFocus = 10
    let trainer = S2FTrainer(config: config, options: o)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 2)
    let (first, last) = try firstAndLastLog("edit_focus") { trainer.train(batch) }
    XCTAssertLessThan(last, first * 0.9)
    // Without the option the term is not computed.
    var plain = o
    plain.lambdaEditFocus = nil
    XCTAssertNil(S2FTrainer(config: config, options: plain).train(batch)["edit_focus"])
  }

  func testEditLatentTermMatchesItsDefinitionAndGoesDown() throws {
    let lc = S2FConfig.tiny(attributes: 3, layoutChannels: 2)
    var o = S2FOptions()
    o.batch = 2
    o.lambdaAdversarial = 0
    o.learningRate = 3e-3
    o.lambdaEditLatent = 1
    let trainer = S2FTrainer(config: lc, options: o)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 2)
    let edited = try XCTUnwrap(batch.editedPhotos)
    // Expected value from the definition, with the weights before the step.
    let m = trainer.model
    let expected = withNoGrad { () -> Float in
      let r = m.encode(photo: batch.photos)
      let re = m.encode(photo: edited)
      let s = m.scores(r).scalars
      var amounts = [Float](repeating: 0, count: 2 * 3)
      for i in 0..<2 {
        let j = batch.editAttribute[i]
        amounts[i * 3 + j] = batch.editTarget[i] - s[i * 3 + j]
      }
      let moved = m.edit(r, amounts: Tensor(amounts, shape: [2, 3]), variant: .dis)
      let d = lc.latentDim
      let w = re.shape[1] - d
      XCTAssertGreaterThan(w, 0)
      return Loss.l1(m.global(re), m.global(moved)).item
        + Loss.l1(
          re.slice(axis: 1, start: d, length: w), moved.slice(axis: 1, start: d, length: w)
        ).item
    }
    let (first, last) = try firstAndLastLog("edit_lat") { trainer.train(batch) }
    XCTAssertEqual(first, Double(expected), accuracy: 1e-5 * max(1, Double(expected)))
    XCTAssertLessThan(last, first * 0.9)
    // Without the option the term is not computed.
    var plain = o
    plain.lambdaEditLatent = nil
    XCTAssertNil(S2FTrainer(config: lc, options: plain).train(batch)["edit_lat"])
  }

  func testPhotoOnlyBackboneLeavesTheSketchEncoderAlone() throws {
    var o = S2FOptions()
    o.batch = 2
    o.photoOnly = true
    o.learningRate = 3e-3
    let trainer = S2FTrainer(config: config, options: o)
    let sketchBefore = trainer.model.sketchEncoder.parameters.map(\.scalars)
    let photoBefore = trainer.model.imageEncoder.parameters.map(\.scalars)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 2)
    let firstLogs = trainer.train(batch)
    XCTAssertNil(firstLogs["sketch_l1"])
    var last = firstLogs["rec_l1"]!
    for _ in 0..<30 { last = trainer.train(batch)["rec_l1"]! }
    XCTAssertLessThan(last, firstLogs["rec_l1"]! * 0.9)
    XCTAssertEqual(trainer.model.sketchEncoder.parameters.map(\.scalars), sketchBefore)
    XCTAssertNotEqual(trainer.model.imageEncoder.parameters.map(\.scalars), photoBefore)
  }

  func testSketchPhaseMovesOnlyTheSketchEncoderTowardPhotoLatents() throws {
    var o = S2FOptions()
    o.batch = 4
    o.sketchOnly = true
    o.lambdaSketchPhaseImage = 0
    let trainer = S2FTrainer(config: config, options: o)
    let before = trainer.model.parameters.map(\.scalars)
    let sketchIDs = Set(trainer.model.sketchEncoder.parameters.map { ObjectIdentifier($0.storage) })
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 4)
    let first = trainer.train(batch)["sketch_mse"]!
    var last = first
    for _ in 0..<30 { last = trainer.train(batch)["sketch_mse"]! }
    XCTAssertLessThan(last, first * 0.5)
    for (p, old) in zip(trainer.model.parameters, before)
    where !sketchIDs.contains(ObjectIdentifier(p.storage)) {
      XCTAssertEqual(p.scalars, old)
    }
  }

  func testSketchPhaseImageLossGoesDownThroughTheFrozenDecoder() throws {
    var o = S2FOptions()
    o.batch = 4
    o.sketchOnly = true
    o.lambdaSketchPhaseImage = 5
    o.lambdaSketchStructure = 1
    let trainer = S2FTrainer(config: config, options: o)
    let decoderBefore = trainer.model.decoder.parameters.map(\.scalars)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 4)
    let firstLogs = trainer.train(batch)
    let first = firstLogs["sketch_l1"]!
    XCTAssertNotNil(firstLogs["sketch_struct"])
    var last = first
    for _ in 0..<30 { last = trainer.train(batch)["sketch_l1"]! }
    XCTAssertLessThan(last, first * 0.9)
    XCTAssertEqual(trainer.model.decoder.parameters.map(\.scalars), decoderBefore)
  }

  func testStateWrittenBeforeTheSketchOptimizerStillLoads() throws {
    let trainer = S2FTrainer(config: config, options: S2FOptions())
    var older = trainer.checkpoint
    older.optimizers.removeAll { $0.0 == "S" }
    older.addedOptimizers = []
    let path = NSTemporaryDirectory() + "s2f-old-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try older.save(path: path, step: 7, metadata: [:])
    let again = S2FTrainer(config: config, options: S2FOptions())
    try again.resume(from: path)
    XCTAssertEqual(again.step, 7)
    XCTAssertEqual(again.optimizerS.step, 0)
  }

  func testDecomposerTrainingReducesEditScoreLoss() throws {
    var o = S2FOptions()
    o.batch = 4
    o.variant = .dec
    o.learningRate = 1e-2
    let trainer = S2FTrainer(config: config, options: o)
    let batch = try FakeFaceSource(size: 32, attributes: 3).batch(step: 0, size: 4)
    let first = trainer.train(batch)["edit_score"]!
    var last = first
    for _ in 0..<30 { last = trainer.train(batch)["edit_score"]! }
    XCTAssertLessThan(last, first)
  }

  func testResumeEqualsUninterruptedRun() throws {
    var o = S2FOptions()
    o.batch = 2
    o.r1Every = 2
    let source = FakeFaceSource(size: 32, attributes: 3)
    let straight = S2FTrainer(config: config, options: o)
    for s in 0..<4 { _ = straight.train(try source.batch(step: s, size: 2)) }
    let path = NSTemporaryDirectory() + "s2f-state-\(UUID().uuidString).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let first = S2FTrainer(config: config, options: o)
    for s in 0..<2 { _ = first.train(try source.batch(step: s, size: 2)) }
    try first.checkpoint.save(path: path, step: first.step, metadata: [:])
    let second = S2FTrainer(config: config, options: o)
    try second.resume(from: path)
    for s in 2..<4 { _ = second.train(try source.batch(step: s, size: 2)) }
    for (p, q) in zip(
      straight.model.parameters + straight.discriminator.parameters,
      second.model.parameters + second.discriminator.parameters)
    {
      XCTAssertEqual(p.scalars, q.scalars)
    }
  }
}
