// The judge's batches and training step.

import FaceSynth
import Foundation
import Models
import NN
import Tensor
import XCTest

final class JudgeTests: XCTestCase {
  func testBatchesMixLabelledAndFreshIdentities() {
    var o = JudgeOptions()
    o.batch = 16
    o.identityClasses = 10
    let (images, attrs, exprs, ids) = JudgeBatchSource(options: o, threads: 1).batch(step: 3)
    XCTAssertEqual(images.shape, [16, 3, 128, 128])
    XCTAssertEqual(attrs.shape, [16, Attribute.allCases.count])
    XCTAssertEqual(exprs.count, 16)
    XCTAssertTrue(ids.allSatisfy { (-1..<10).contains($0) })
    XCTAssertTrue(ids.contains(-1))
    XCTAssertTrue(ids.contains { $0 >= 0 })
    o.freshIdentityShare = 0
    XCTAssertFalse(JudgeBatchSource(options: o, threads: 1).batch(step: 3).3.contains(-1))
  }

  /// The judge's weight file round-trips with its identity head sized from the options, and
  /// other weight files are refused with a typed error.
  func testJudgeWeightFileRoundTrip() throws {
    var o = JudgeOptions()
    o.identityClasses = 7
    let trainer = JudgeTrainer(options: o)
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("judge-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try ModelStore.save(
      trainer.judge, path: path,
      metadata: ["model": "judge", "options": ModelStore.json(o)], dtype: .f32)
    let (loaded, meta) = try ModelStore.loadJudge(path: path)
    XCTAssertEqual(meta["model"], "judge")
    XCTAssertEqual(loaded.parameters.count, trainer.judge.parameters.count)
    for (a, b) in zip(loaded.parameters, trainer.judge.parameters) {
      XCTAssertEqual(a.scalars, b.scalars)
    }
    try ModelStore.save(
      trainer.judge, path: path, metadata: ["model": "sargan", "options": ModelStore.json(o)])
    XCTAssertThrowsError(try ModelStore.loadJudge(path: path))
  }

  func testFreshIdentitiesAddNoIdentityLoss() {
    var o = JudgeOptions()
    o.batch = 4
    o.identityClasses = 10
    o.freshIdentityShare = 1
    let trainer = JudgeTrainer(options: o)
    let b = JudgeBatchSource(options: o, threads: 1).batch(step: 0)
    XCTAssertEqual(b.3, [-1, -1, -1, -1])
    let logs = trainer.train(b)
    XCTAssertEqual(logs["id_ce"], 0)
    XCTAssertTrue(logs["attr_bce"]!.isFinite && logs["attr_bce"]! > 0)
    // The same batch with identity labels has a positive identity loss.
    let labelled = (b.0, b.1, b.2, [1, 2, 3, 4])
    XCTAssertGreaterThan(trainer.train(labelled)["id_ce"]!, 0)
  }

  func testOptionsFromOlderFilesTakeDefaultsForNewKeys() throws {
    let old = #"{"steps":4000,"batch":32,"learningRate":0.001,"identityClasses":600,"seed":5}"#
    let o = try JSONDecoder().decode(JudgeOptions.self, from: Data(old.utf8))
    XCTAssertEqual(o.steps, 4000)
    XCTAssertEqual(o.identityClasses, 600)
    XCTAssertEqual(o.freshIdentityShare, JudgeOptions().freshIdentityShare)
    var changed = JudgeOptions()
    changed.freshIdentityShare = 0.25
    let back = try JSONDecoder().decode(JudgeOptions.self, from: JSONEncoder().encode(changed))
    XCTAssertEqual(back, changed)
  }
}
