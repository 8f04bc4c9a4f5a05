// Appends training figures to a CSV file.

import Foundation

/// A CSV file with a fixed header; rows are appended and flushed immediately.
public final class CSVLog {
  let handle: FileHandle
  let columns: [String]

  /// Opens (or creates) `path`; an existing file keeps its rows (resume).
  public init(path: String, columns: [String]) throws {
    self.columns = columns
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
