// Runs a command script without a terminal (`visage script FILE`).

import Foundation

/// Runs editing commands line by line, stopping at the first error.
public struct ScriptRunner {
  /// The session the script edits.
  public let session: Session
  /// Receives one message per command (stdout in the CLI).
  public var log: (String) -> Void

  public init(session: Session, log: @escaping (String) -> Void = { print($0) }) {
    self.session = session
    self.log = log
  }

  /// Runs `text`; throws `StudioError` naming the failing line.
  public func run(_ text: String, name: String = "script") throws {
    for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      do {
        let message = try session.run(line)
        if !message.isEmpty { log(message) }
      } catch let e as StudioError {
        throw StudioError.invalid("\(name):\(i + 1): \(line): \(e)")
      }
      if session.quitRequested { break }
    }
  }

  /// Runs the script file at `path`.
  public func run(path: String) throws {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw StudioError.io("cannot read script \(path)")
    }
    try run(text, name: (path as NSString).lastPathComponent)
  }
}
