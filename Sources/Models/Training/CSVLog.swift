// Appends training figures to a CSV file.

import Foundation

/// A CSV file with a fixed header; rows are appended and flushed immediately.
public final class CSVLog {
  let handle: FileHandle
  let columns: [String]

  /// Opens (or creates) `path`; an existing file keeps its rows (resume).
  ///
  /// An existing file whose header names other columns (a newer trainer logs more) is kept beside
  /// it as `path` + `.N` and a new file is started, so no row is lost and no file mixes layouts.
  public init(path: String, columns: [String]) throws {
    self.columns = columns
    let header = columns.joined(separator: ",")
    if let old = try? String(contentsOfFile: path, encoding: .utf8),
      old.split(separator: "\n", maxSplits: 1).first.map(String.init) != header
    {
      var n = 1
      while FileManager.default.fileExists(atPath: "\(path).\(n)") { n += 1 }
      do {
        try FileManager.default.moveItem(atPath: path, toPath: "\(path).\(n)")
      } catch {
        throw TrainingError.io("cannot set aside \(path): \(error)")
      }
    }
    if !FileManager.default.fileExists(atPath: path) {
      try (columns.joined(separator: ",") + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
    }
    guard let h = FileHandle(forUpdatingAtPath: path) else {
      throw TrainingError.io("cannot open \(path) for writing")
    }
    h.seekToEndOfFile()
    handle = h
  }

  /// Appends one row; values are matched to columns by name (missing ones left empty).
  public func append(_ values: [String: Double]) {
    let row = columns.map { c in values[c].map { String(format: "%.6g", $0) } ?? "" }
    handle.write((row.joined(separator: ",") + "\n").data(using: .utf8)!)
  }

  deinit { try? handle.close() }
}

/// Problems a training run reports instead of trapping.
public enum TrainingError: Error, CustomStringConvertible {
  case io(String)
  case badCheckpoint(String)
  case badData(String)

  public var description: String {
    switch self {
    case .io(let s): return s
    case .badCheckpoint(let s): return "checkpoint: \(s)"
    case .badData(let s): return "data: \(s)"
    }
  }
}
