// Errors the editor reports to the user as one line.

/// A user-facing editing error; its description is a single line without a trailing period.
public enum StudioError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The command text could not be parsed.
  case syntax(String)
  /// The command is valid but cannot run now (no source open, nothing to undo, …).
  case invalid(String)
  /// A file could not be read or written.
  case io(String)

  public var description: String {
    switch self {
    case .syntax(let s), .invalid(let s), .io(let s): return s
    }
  }
}
