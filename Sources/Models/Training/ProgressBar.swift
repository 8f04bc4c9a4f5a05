// A progress line for long work: done/total, rate, ETA and the latest figures.

import Foundation

/// Prints progress to standard error: redrawn in place on a terminal, a line every
/// `interval` seconds otherwise (logs, CI).
public final class ProgressBar {
  let total: Int
  let label: String
  let start = Date()
  var lastPrint = Date.distantPast
  let interactive: Bool
  let interval: TimeInterval
  let firstStep: Int

  public init(total: Int, label: String, startingAt first: Int = 0, interval: TimeInterval = 10) {
    self.total = total
    self.label = label
    firstStep = first
    interactive = isatty(2) == 1
    self.interval = interactive ? 0.1 : interval
  }

  /// Reports that `done` items are complete, with extra figures such as losses.
  public func update(_ done: Int, _ figures: String = "") {
    let now = Date()
    guard done >= total || now.timeIntervalSince(lastPrint) >= interval else { return }
    lastPrint = now
    let elapsed = now.timeIntervalSince(start)
    let rate = Double(done - firstStep) / max(elapsed, 1e-6)
    let eta = rate > 0 ? Double(total - done) / rate : 0
    let frac = total > 0 ? Double(done) / Double(total) : 1
    let width = 24
    let filled = Int(frac * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let line = String(
      format: "%@ [%@] %d/%d %5.1f%% %.2f/s ETA %@ %@", label, bar, done, total, frac * 100, rate,
      ProgressBar.duration(eta), figures)
    FileHandle.standardError.write(
      ((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")).data(using: .utf8)!)
    if interactive && done >= total { FileHandle.standardError.write("\n".data(using: .utf8)!) }
  }

  /// Formats seconds as `1h02m`, `3m05s` or `12s`.
  public static func duration(_ s: Double) -> String {
    let t = Int(s.rounded())
    if t >= 3600 { return String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) }
    if t >= 60 { return String(format: "%dm%02ds", t / 60, t % 60) }
    return "\(t)s"
  }
}
