// Shipped inference weights: safetensors with the config, training record and results inside.

import FaceSynth
import Foundation
import NN
import Tensor

/// Reads and writes inference weights (`assets/models/*.safetensors`).
///
/// Metadata keys: `model` (s2fgan or sargan), `config` (JSON), `training` (JSON record: steps,
/// options, data, time), `results` (JSON evaluation figures, when measured), `trained`
/// ("true" once any training step has been taken).
public enum ModelStore {
  /// Writes `module`'s parameters (F16 by default) with `metadata`.
  public static func save(
    _ module: Module, path: String, metadata: [String: String], dtype: SafetensorsDType = .f16
  ) throws {
    let dir = (path as NSString).deletingLastPathComponent
    if !dir.isEmpty {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    try module.stateFile(metadata: metadata).write(path: path, dtype: dtype)
  }

  /// Loads an S2FGAN model and its metadata.
  public static func loadS2FGAN(path: String) throws -> (S2FGAN, [String: String]) {
    let file = try SafetensorsFile.read(path: path)
    guard file.metadata["model"] == "s2fgan", let json = file.metadata["config"],
      let config = try? JSONDecoder().decode(S2FConfig.self, from: Data(json.utf8))
    else { throw TrainingError.badCheckpoint("\(path) is not an S2FGAN weight file") }
    let m = S2FGAN(config: config)
    try m.load(file)
    return (m, file.metadata)
  }

  /// Loads a SARGAN generator and its metadata.
  public static func loadSARGAN(path: String) throws -> (SARGANGenerator, [String: String]) {
    let file = try SafetensorsFile.read(path: path)
    guard file.metadata["model"] == "sargan", let json = file.metadata["config"],
      let config = try? JSONDecoder().decode(SARGANConfig.self, from: Data(json.utf8))
    else { throw TrainingError.badCheckpoint("\(path) is not a SARGAN weight file") }
    let g = SARGANGenerator(config: config)
    try g.load(file)
    return (g, file.metadata)
  }

  /// Loads the judge and its metadata.
  public static func loadJudge(path: String) throws -> (Judge, [String: String]) {
    let file = try SafetensorsFile.read(path: path)
    guard file.metadata["model"] == "judge",
      let opts = file.metadata["options"].flatMap({
        try? JSONDecoder().decode(JudgeOptions.self, from: Data($0.utf8))
      })
    else {
      throw TrainingError.badCheckpoint(
        "\(path) is not a judge weight file (train one with visage train judge)")
    }
    let j = Judge(
      attributes: Attribute.allCases.count, expressions: FaceExpression.allCases.count,
      identityClasses: opts.identityClasses)
    try j.load(file)
    return (j, file.metadata)
  }

  /// JSON text of an encodable value (sorted keys).
  public static func json<T: Encodable>(_ value: T) -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return (try? e.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }
}
