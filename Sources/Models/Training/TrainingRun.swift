// The loop shared by every trainer: resume, progress, CSV log, samples and checkpoints.

import Foundation

/// Where a run keeps its files and how often it writes them.
///
/// `directory` holds `state.safetensors` (full resumable state, large: keep it outside the
/// repository), `log.csv`, `samples/step_XXXXXX.png` and `train.log`.
public struct RunSettings: Sendable {
  public var directory: String
  public var checkpointSeconds: Double = 300
  public var sampleEvery = 500
  public var logEvery = 10

  public init(directory: String) { self.directory = directory }

  public var statePath: String { directory + "/state.safetensors" }
  public var logPath: String { directory + "/log.csv" }
  public var samplesDirectory: String { directory + "/samples" }

  /// The default run folder: `$VISAGE_CACHE` or `~/.cache/visage`, then `runs/<name>`.
  public static func defaultDirectory(name: String) -> String {
    let env = ProcessInfo.processInfo.environment
    let base =
      env["VISAGE_CACHE"] ?? ((env["HOME"] ?? "/tmp") + "/.cache/visage")
    return base + "/runs/" + name
  }
}

/// Drives `train` from the current step to `steps`, writing logs, samples and checkpoints.
///
/// - `train(step)` runs one step and returns named figures.
/// - `save(path, step)` writes the full state; `sample(path, step)` writes a sample grid.
/// - `onCheckpoint(step)` runs after each save (for example to export inference weights).
/// Stops cleanly after the current step when `shouldStop()` becomes true, saving first.
public func runTraining(
  label: String, from first: Int, steps: Int, settings: RunSettings, columns: [String],
  train: (Int) throws -> [String: Double], save: (String, Int) throws -> Void,
  sample: (String, Int) throws -> Void, onCheckpoint: (Int) throws -> Void = { _ in },
  shouldStop: () -> Bool = { false }
) throws {
  let fm = FileManager.default
  try fm.createDirectory(atPath: settings.samplesDirectory, withIntermediateDirectories: true)
  // One trainer per run folder: a second one would overwrite the first one's state.
  let lockFD = open(settings.directory + "/lock", O_CREAT | O_RDWR, 0o644)
  guard lockFD >= 0, flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
    throw TrainingError.io("run folder \(settings.directory) is in use by another training process")
  }
  defer { close(lockFD) }
  let log = try CSVLog(path: settings.logPath, columns: ["step", "seconds"] + columns)
  let bar = ProgressBar(total: steps, label: label, startingAt: first)
  var lastSave = Date()
  var smoothed: [String: Double] = [:]
  var step = first
  while step < steps {
    let t0 = Date()
    let figures = try train(step)
    step += 1
    for (k, v) in figures { smoothed[k] = smoothed[k].map { 0.9 * $0 + 0.1 * v } ?? v }
    if step % settings.logEvery == 0 || step == steps {
      var row = figures
      row["step"] = Double(step)
      row["seconds"] = Date().timeIntervalSince(t0)
      log.append(row)
    }
    let shown = smoothed.keys.sorted().prefix(5).map {
      String(format: "%@=%.3f", $0, smoothed[$0]!)
    }
    bar.update(step, shown.joined(separator: " "))
    if step % settings.sampleEvery == 0 || step == steps {
      try sample(settings.samplesDirectory + String(format: "/step_%06d.png", step), step)
    }
    let stop = shouldStop()
    if Date().timeIntervalSince(lastSave) >= settings.checkpointSeconds || step == steps || stop {
      try save(settings.statePath, step)
      try onCheckpoint(step)
      lastSave = Date()
    }
    if stop { break }
  }
}
