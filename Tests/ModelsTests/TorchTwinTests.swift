// Our networks against their PyTorch twins (scripts/torch_models.py): same weights, same inputs,
// same outputs.
//
// Fixtures/twin_s2fgan.safetensors, twin_s2fgan_layout.safetensors (the layout latent and standardised
// sketches) and
// twin_sargan.safetensors and twin_sargan_skips.safetensors (the encoder skips) come from
// `python scripts/compare_models.py fixtures`: random weights under our parameter names (`model.`,
// `imageD.`, `G.`, `D.`), inputs (`in.*`) and the PyTorch outputs (`out.*`) for the tiny
// configurations. With VISAGE_TWIN_FULL=DIR (written by `compare_models.py full DIR`) the shipped
// weights are checked at full size too; with VISAGE_TWIN_DUMP=DIR our outputs are written there
// for `compare_models.py report DIR`.

import Foundation
import Models
import NN
import Tensor
import TestSupport
import XCTest

final class TorchTwinTests: XCTestCase {
  let tolerance: (atol: Float, rtol: Float) = (1e-4, 1e-3)
  /// Full size: deeper and wider sums in a different order on each side.
  let fullTolerance: (atol: Float, rtol: Float) = (1e-3, 1e-3)

  /// The fixtures live beside this file (the test target declares no resources).
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  func fixture(_ name: String) throws -> SafetensorsFile {
    let url = Self.fixtures.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw XCTSkip("missing \(url.path) (run scripts/compare_models.py fixtures)")
    }
    return try SafetensorsFile.read(path: url.path)
  }

  func tensor(_ f: SafetensorsFile, _ key: String) throws -> Tensor {
    try XCTUnwrap(f[key], "fixture has no tensor \(key)")
  }

  /// Compares every `out.<name>` of `f` with ours, and dumps ours when VISAGE_TWIN_DUMP is set.
  func check(
    _ f: SafetensorsFile, _ outputs: [(String, Tensor)], dumpName: String,
    tolerance tol: (atol: Float, rtol: Float), file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let expected = Set(f.tensors.map(\.name).filter { $0.hasPrefix("out.") })
    XCTAssertEqual(Set(outputs.map { "out.\($0.0)" }), expected, "outputs", file: file, line: line)
    for (name, ours) in outputs {
      assertClose(
        ours, try tensor(f, "out.\(name)"), atol: tol.atol, rtol: tol.rtol, "\(dumpName) \(name)",
        file: file, line: line)
    }
    if let dir = ProcessInfo.processInfo.environment["VISAGE_TWIN_DUMP"] {
      try SafetensorsFile(tensors: outputs.map { ("out.\($0.0)", $0.1) })
        .write(path: "\(dir)/swift_\(dumpName).safetensors")
    }
  }

  /// Our S2FGAN outputs for the inputs of `f` (the formulas of compare_models.s2f_outputs).
  func s2fOutputs(_ m: S2FGAN, _ f: S2FInputs, discriminator: ImageDiscriminator?) -> [(
    String, Tensor
  )] {
    withNoGrad {
      let rs = m.encode(sketch: f.sketch)
      var out: [(String, Tensor)] = [
        ("encodePhoto", m.encode(photo: f.photo)),
        ("encodeSketch", rs),
        ("decode", m.decode(f.latent)),
        ("scores", m.scores(f.latent)),
        ("editDis", m.edit(f.latent, amounts: f.amounts, variant: .dis)),
        ("editDec", m.edit(f.latent, amounts: f.amounts, variant: .dec)),
        ("sketchEditDecode", m.decode(m.edit(rs, amounts: f.amounts, variant: .dis))),
      ]
      if let d = discriminator {
        let (logits, features) = d(f.photo)
        out.append(("imageD.logits", logits))
        for (i, h) in features.enumerated() { out.append(("imageD.features.\(i)", h)) }
      }
      return out
    }
  }

  struct S2FInputs {
    var photo, sketch, latent, amounts: Tensor
    init(_ f: SafetensorsFile) throws {
      photo = try XCTUnwrap(f["in.photo"])
      sketch = try XCTUnwrap(f["in.sketch"])
      latent = try XCTUnwrap(f["in.latent"])
      amounts = try XCTUnwrap(f["in.amounts"])
    }
  }

  func testS2FGANMatchesTorchTwin() throws {
    let f = try fixture("twin_s2fgan.safetensors")
    let config = S2FConfig.tiny(attributes: 3)
    let stored = try JSONDecoder().decode(
      S2FConfig.self, from: Data(try XCTUnwrap(f.metadata["config"]).utf8))
    XCTAssertEqual(stored, config)
    let model = S2FGAN(config: config)
    try model.load(f, prefix: "model.")
    var rng = SplitMix64(seed: 1)
    let disc = ImageDiscriminator(config: config, rng: &rng)
    try disc.load(f, prefix: "imageD.")
    let inputs = try S2FInputs(f)
    let outputs = s2fOutputs(model, inputs, discriminator: disc)
    try check(f, outputs, dumpName: "tiny_s2fgan", tolerance: tolerance)
    // The sample without an edit keeps its latent exactly under DEC.
    let dec = try XCTUnwrap(outputs.first { $0.0 == "editDec" }?.1)
    let d = config.latentDim
    XCTAssertEqual(Array(dec.scalars[d..<(2 * d)]), Array(inputs.latent.scalars[d..<(2 * d)]))
  }

  /// Checks a tiny S2FGAN twin fixture (no discriminator) written with `config`.
  func checkS2FTwin(_ name: String, config: S2FConfig, dumpName: String) throws {
    let f = try fixture(name)
    let stored = try JSONDecoder().decode(
      S2FConfig.self, from: Data(try XCTUnwrap(f.metadata["config"]).utf8))
    XCTAssertEqual(stored, config)
    let model = S2FGAN(config: config)
    try model.load(f, prefix: "model.")
    let inputs = try S2FInputs(f)
    XCTAssertEqual(inputs.latent.shape, [2, config.latentWidth])
    try check(
      f, s2fOutputs(model, inputs, discriminator: nil), dumpName: dumpName, tolerance: tolerance)
  }

  func testS2FGANWithLayoutLatentAndStandardizedSketchesMatchesTorchTwin() throws {
    var config = S2FConfig.tiny(attributes: 3, layoutChannels: 2)
    config.standardizeSketch = true
    try checkS2FTwin(
      "twin_s2fgan_layout.safetensors", config: config, dumpName: "tiny_s2fgan_layout")
  }

  func testS2FGANWithEightByEightLayoutMatchesTorchTwin() throws {
    try checkS2FTwin(
      "twin_s2fgan_layout8.safetensors",
      config: S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutSize: 8),
      dumpName: "tiny_s2fgan_layout8")
  }

  func testS2FGANWithLayoutEditorMatchesTorchTwin() throws {
    try checkS2FTwin(
      "twin_s2fgan_layoutedit.safetensors",
      config: S2FConfig.tiny(attributes: 3, layoutChannels: 2, layoutSize: 8, layoutEditWidth: 4),
      dumpName: "tiny_s2fgan_layoutedit")
  }

  func testSARGANMatchesTorchTwin() throws {
    let f = try fixture("twin_sargan.safetensors")
    // The fixture is today's tiny network, condition bias and discriminator slope included.
    let config = try JSONDecoder().decode(
      SARGANConfig.self, from: Data(try XCTUnwrap(f.metadata["config"]).utf8))
    XCTAssertEqual(config, SARGANConfig.tiny(expressions: 4))
    let g = SARGANGenerator(config: config)
    try g.load(f, prefix: "G.")
    let d = SARGANDiscriminator(config: config)
    try d.load(f, prefix: "D.")
    let x = try tensor(f, "in.x")
    let c = try tensor(f, "in.c")
    let outputs: [(String, Tensor)] = withNoGrad {
      let (image, mask) = g(x, condition: c)
      let (source, logits) = d(x)
      return [("image", image), ("mask", mask), ("D.source", source), ("D.logits", logits)]
    }
    try check(f, outputs, dumpName: "tiny_sargan", tolerance: tolerance)
  }

  /// The generator with the encoder skips (`SARGANConfig.skips`).
  func testSARGANWithSkipsMatchesTorchTwin() throws {
    let f = try fixture("twin_sargan_skips.safetensors")
    let config = try JSONDecoder().decode(
      SARGANConfig.self, from: Data(try XCTUnwrap(f.metadata["config"]).utf8))
    var expected = SARGANConfig.tiny(expressions: 4)
    expected.skips = true
    XCTAssertEqual(config, expected)
    let g = SARGANGenerator(config: config)
    try g.load(f, prefix: "G.")
    let x = try tensor(f, "in.x")
    let c = try tensor(f, "in.c")
    let outputs: [(String, Tensor)] = withNoGrad {
      let (image, mask) = g(x, condition: c)
      return [("image", image), ("mask", mask)]
    }
    try check(f, outputs, dumpName: "tiny_sargan_skips", tolerance: tolerance)
  }

  /// The shipped weights at full size (VISAGE_TWIN_FULL=DIR from `compare_models.py full DIR`).
  func testShippedWeightsMatchTorchTwin() throws {
    guard let dir = ProcessInfo.processInfo.environment["VISAGE_TWIN_FULL"] else {
      throw XCTSkip("set VISAGE_TWIN_FULL (scripts/compare_models.py full DIR) to run")
    }
    let fs = try SafetensorsFile.read(path: "\(dir)/full_s2fgan.safetensors")
    let (model, _) = try ModelStore.loadS2FGAN(path: try XCTUnwrap(fs.metadata["weights"]))
    try check(
      fs, s2fOutputs(model, try S2FInputs(fs), discriminator: nil), dumpName: "full_s2fgan",
      tolerance: fullTolerance)

    let fg = try SafetensorsFile.read(path: "\(dir)/full_sargan.safetensors")
    let (g, _) = try ModelStore.loadSARGAN(path: try XCTUnwrap(fg.metadata["weights"]))
    let x = try tensor(fg, "in.x")
    let c = try tensor(fg, "in.c")
    let outputs: [(String, Tensor)] = withNoGrad {
      let (image, mask) = g(x, condition: c)
      return [("image", image), ("mask", mask)]
    }
    try check(fg, outputs, dumpName: "full_sargan", tolerance: fullTolerance)
  }
}
