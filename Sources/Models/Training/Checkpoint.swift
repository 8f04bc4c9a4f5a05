// Full training state (parameters, optimizer moments, EMA, step) in one safetensors file.

import Foundation
import NN
import Tensor

/// Saves and restores everything a run needs to continue exactly where it stopped.
///
/// Tensor names are prefixed by role: `model.<name>.…` for parameters, `adam.<name>.m.<i>` and
/// `adam.<name>.v.<i>` for Adam moments, `ema.<name>.<i>` for EMA shadows. Metadata holds the
/// step, each optimizer's step counter, and caller-provided strings (config, record).
public struct TrainingCheckpoint {
  public var modules: [(String, Module)]
  public var optimizers: [(String, Adam)]
  public var emas: [(String, EMA)]
  /// Optimizers added after checkpoints already existed: when one is absent from a file it
  /// starts fresh instead of failing the load.
  public var addedOptimizers: Set<String>

  public init(
    modules: [(String, Module)], optimizers: [(String, Adam)], emas: [(String, EMA)],
    addedOptimizers: Set<String> = []
  ) {
    self.modules = modules
    self.optimizers = optimizers
    self.emas = emas
    self.addedOptimizers = addedOptimizers
  }

  /// Writes the state atomically to `path`.
  public func save(path: String, step: Int, metadata: [String: String]) throws {
    var tensors: [(name: String, tensor: Tensor)] = []
    var meta = metadata
    meta["step"] = String(step)
    for (name, m) in modules {
      for (p, t) in m.namedParameters { tensors.append(("model.\(name).\(p)", t)) }
    }
    for (name, opt) in optimizers {
      meta["adam.\(name).step"] = String(opt.step)
      for (i, t) in opt.m.enumerated() { tensors.append(("adam.\(name).m.\(i)", t)) }
      for (i, t) in opt.v.enumerated() { tensors.append(("adam.\(name).v.\(i)", t)) }
    }
    for (name, e) in emas {
      meta["ema.\(name).updates"] = String(e.updates)
      for (i, t) in e.shadow.enumerated() { tensors.append(("ema.\(name).\(i)", t)) }
    }
    let dir = (path as NSString).deletingLastPathComponent
    if !dir.isEmpty {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    try SafetensorsFile(tensors: tensors, metadata: meta).write(path: path)
  }

  /// Restores the state from `path`; returns the step and the metadata.
  public func load(path: String) throws -> (step: Int, metadata: [String: String]) {
    let file = try SafetensorsFile.read(path: path)
    for (name, m) in modules { try m.load(file, prefix: "model.\(name).", strict: true) }
    for (name, opt) in optimizers {
      guard let s = file.metadata["adam.\(name).step"].flatMap(Int.init) else {
        if addedOptimizers.contains(name) { continue }
        throw TrainingError.badCheckpoint("no step for optimizer \(name)")
      }
      var m: [Tensor] = []
      var v: [Tensor] = []
      for i in opt.parameters.indices {
        guard let mi = file["adam.\(name).m.\(i)"], let vi = file["adam.\(name).v.\(i)"],
          mi.shape == opt.parameters[i].shape, vi.shape == opt.parameters[i].shape
        else {
          throw TrainingError.badCheckpoint("optimizer \(name) state \(i) missing or mis-shaped")
        }
        m.append(mi)
        v.append(vi)
      }
      opt.restore(step: s, m: m, v: v)
    }
    for (name, e) in emas {
      // Checkpoints written before the count existed restart the warm-up.
      e.updates = file.metadata["ema.\(name).updates"].flatMap(Int.init) ?? 0
      for (i, t) in e.shadow.enumerated() {
        guard let s = file["ema.\(name).\(i)"], s.shape == t.shape else {
          throw TrainingError.badCheckpoint("EMA \(name) entry \(i) missing or mis-shaped")
        }
        t.assign(s)
      }
    }
    guard let step = file.metadata["step"].flatMap(Int.init) else {
      throw TrainingError.badCheckpoint("no step in metadata")
    }
    return (step, file.metadata)
  }
}
