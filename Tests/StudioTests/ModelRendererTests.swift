// The real model classes at tiny random weights: pipeline shape, determinism, identity cases.

import FaceSynth
import Imaging
import Models
import Studio
import XCTest

final class ModelRendererTests: XCTestCase {
  func tinyRenderer(s2f: Bool = true, sargan: Bool = true) -> ModelRenderer {
    ModelRenderer(
      s2f: s2f ? S2FGAN(config: .tiny(attributes: Attribute.allCases.count)) : nil,
      sargan: sargan
        ? SARGANGenerator(config: .tiny(expressions: FaceExpression.allCases.count)) : nil,
      s2fSteps: 0, sarganSteps: 0)
  }

  func testSketchEditIsDeterministicAndSaveReplays() throws {
    let dir = TempDir()
    let r = tinyRenderer()
    XCTAssertEqual(r.inputSize, 32)
    let s = Session(renderer: r)
    try s.run("open \(dir.sketch())")
    try s.run("set smiling 0.7")
    try s.run("expr happy 0.6")
    let a = try s.renderNow()
    let b = try s.renderNow()
    XCTAssertEqual(a.image.width, 32)
    XCTAssertEqual(a.image.channels, 3)
    XCTAssertEqual(a.image, b.image)
    XCTAssertEqual(a.scores?.count, 16)
    XCTAssertTrue(a.notes.isEmpty)
    try s.run("variant dec")
    XCTAssertNotEqual(try s.renderNow().image, a.image)

    let out = dir.path + "/tiny.png"
    try s.run("save \(out)")
    let replay = try Recipe.reproduce(path: out, renderer: tinyRenderer())
    XCTAssertEqual(replay.maxDifference, 0)
  }

  func testZeroIntensityPhotoIsTheInput() throws {
    let dir = TempDir()
    let s = Session(renderer: tinyRenderer())
    try s.run("open \(dir.photo())")
    try s.run("expr angry 0")
    let out = try s.renderNow()
    let input = try XCTUnwrap(s.source?.input)
    XCTAssertEqual(out.image.bytes8(), input.rgb().bytes8())
  }

  /// The status shows what `visage eval` measured next to the step count.
  ///
  /// Weights never evaluated say only how far they are trained. The fingerprint follows the
  /// weights, not the metadata.
  func testEvaluatedWeightsReportWhatWasMeasured() throws {
    let dir = TempDir()
    let models = dir.path + "/models"
    let s2fConfig = S2FConfig.tiny(attributes: Attribute.allCases.count)
    let sarganConfig = SARGANConfig.tiny(expressions: FaceExpression.allCases.count)
    let record = #"{"steps":1200}"#
    try ModelStore.save(
      S2FGAN(config: s2fConfig), path: models + "/s2fgan.safetensors",
      metadata: [
        "model": "s2fgan", "config": ModelStore.json(s2fConfig), "training": record,
        "results_dis": #"{"edit_success":0.0938,"preservation":0.949}"#,
      ])
    try ModelStore.save(
      SARGANGenerator(config: sarganConfig), path: models + "/sargan.safetensors",
      metadata: ["model": "sargan", "config": ModelStore.json(sarganConfig), "training": record])
    let renderer = ModelRenderer(directory: models)
    XCTAssertEqual(renderer.status.summary, "s2f 1200 steps, DIS edits 9% · sargan 1200 steps")
    let fingerprint = renderer.status.fingerprint
    try ModelStore.save(
      SARGANGenerator(config: sarganConfig), path: models + "/sargan.safetensors",
      metadata: [
        "model": "sargan", "config": ModelStore.json(sarganConfig), "training": record,
        "results": #"{"judge_accuracy":0.125,"judge_accuracy_expressive":0.004,"psnr":40}"#,
      ])
    renderer.reload()
    XCTAssertEqual(
      renderer.status.summary,
      "s2f 1200 steps, DIS edits 9% · sargan 1200 steps, expressions 0%")
    // Evaluating rewrote only the metadata: the same weights keep their fingerprint.
    XCTAssertEqual(renderer.status.fingerprint, fingerprint)
    try ModelStore.save(
      SARGANGenerator(config: sarganConfig, seed: 99), path: models + "/sargan.safetensors",
      metadata: ["model": "sargan", "config": ModelStore.json(sarganConfig), "training": record])
    renderer.reload()
    XCTAssertNotEqual(renderer.status.fingerprint, fingerprint)
  }

  func testMissingModelsAreReportedNotFaked() throws {
    let dir = TempDir()
    let r = ModelRenderer(directory: dir.path + "/nomodels")
    XCTAssertEqual(r.status.summary, "s2f untrained · sargan untrained")
    XCTAssertEqual(r.status.problems.count, 2)
    let s = Session(renderer: r)
    try s.run("open \(dir.sketch())")
    try s.run("set smiling 1")
    try s.run("expr happy 1")
    let out = try s.renderNow()
    XCTAssertEqual(out.notes.count, 2)
    XCTAssertTrue(out.notes[0].contains("s2f model absent"))
  }
}
