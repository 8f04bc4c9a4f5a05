// Saving and strictly loading module parameters.

import Tensor

/// Why parameters could not be loaded: every problem is listed at once.
public struct ParameterLoadError: Error, Equatable, CustomStringConvertible {
  public var missing: [String]
  public var unexpected: [String]
  public var mismatched: [String]

  public var description: String {
    var lines: [String] = []
    if !missing.isEmpty { lines.append("missing: \(missing.joined(separator: ", "))") }
    if !unexpected.isEmpty { lines.append("unexpected: \(unexpected.joined(separator: ", "))") }
    if !mismatched.isEmpty { lines.append("shape mismatch: \(mismatched.joined(separator: ", "))") }
    return "cannot load parameters; " + lines.joined(separator: "; ")
  }
}

extension Module {
  /// The parameters as a safetensors file (values copied, in declaration order).
  public func stateFile(metadata: [String: String] = [:]) -> SafetensorsFile {
    SafetensorsFile(
      tensors: namedParameters.map { ($0.0, $0.1.detached().copy()) }, metadata: metadata)
  }

  /// Copies values from `file` into the parameters (prefix `prefix` stripped from file names).
  ///
  /// Strict by default: missing keys, unexpected keys and shape mismatches are all reported
  /// together and nothing is changed. With `strict: false`, only matching entries are copied.
  public func load(_ file: SafetensorsFile, prefix: String = "", strict: Bool = true)
    throws(ParameterLoadError)
  {
    var available: [String: Tensor] = [:]
    for (name, t) in file.tensors where name.hasPrefix(prefix) {
      available[String(name.dropFirst(prefix.count))] = t
    }
    let params = namedParameters
    var missing: [String] = []
    var mismatched: [String] = []
    for (name, p) in params {
      guard let t = available[name] else {
        missing.append(name)
        continue
      }
      if t.shape != p.shape { mismatched.append("\(name) (file \(t.shape), model \(p.shape))") }
    }
    let known = Set(params.map(\.0))
    let unexpected = available.keys.filter { !known.contains($0) }.sorted()
    if strict, !(missing.isEmpty && unexpected.isEmpty && mismatched.isEmpty) {
      throw ParameterLoadError(missing: missing, unexpected: unexpected, mismatched: mismatched)
    }
    for (name, p) in params {
      if let t = available[name], t.shape == p.shape { p.assign(t) }
    }
  }
}
