// A small command-line option reader shared by the subcommands.

/// Options of the form `--name value`, `--name=value` and `--flag`, plus positional words.
struct Arguments {
  private(set) var options: [String: String] = [:]
  private(set) var flags: Set<String> = []
  private(set) var positional: [String] = []

  /// Parses `words` against the options a command knows.
  ///
  /// `valued` names the options that take a value and `flags` those that take none. Any other
  /// `--name` is a usage error: a mistyped option must not be ignored silently.
  init(_ words: [String], valued: Set<String>, flags allowed: Set<String> = []) throws {
    var i = 0
    while i < words.count {
      let w = words[i]
      if w.hasPrefix("--") {
        let body = String(w.dropFirst(2))
        if let eq = body.firstIndex(of: "="), valued.contains(String(body[..<eq])) {
          options[String(body[..<eq])] = String(body[body.index(after: eq)...])
        } else if valued.contains(body) {
          guard i + 1 < words.count else { throw CLIError.usage("--\(body) needs a value") }
          options[body] = words[i + 1]
          i += 1
        } else if allowed.contains(body) {
          flags.insert(body)
        } else {
          let known = (valued.map { "--\($0) X" } + allowed.map { "--\($0)" }).sorted()
          throw CLIError.usage(
            "unknown option --\(body); this command takes " + known.joined(separator: ", "))
        }
      } else {
        positional.append(w)
      }
      i += 1
    }
  }

  func string(_ name: String) -> String? { options[name] }

  func int(_ name: String, default d: Int) throws -> Int {
    guard let s = options[name] else { return d }
    guard let v = Int(s) else { throw CLIError.usage("--\(name) expects an integer, got \(s)") }
    return v
  }

  func float(_ name: String, default d: Float) throws -> Float {
    guard let s = options[name] else { return d }
    guard let v = Float(s) else { throw CLIError.usage("--\(name) expects a number, got \(s)") }
    return v
  }

  func has(_ flag: String) -> Bool { flags.contains(flag) }
}

/// A user-facing command-line error: printed as one line, exit status 2 (usage) or 1.
enum CLIError: Error, CustomStringConvertible {
  case usage(String)
  case failed(String)

  var description: String {
    switch self {
    case .usage(let s), .failed(let s): return s
    }
  }
}

/// Runs a subcommand that takes words after its name: with none it prints `usage` and returns
/// 2, with `--help` it prints `usage` and returns 0, otherwise it returns `run(words)`.
func subcommand(_ words: [String], usage: String, _ run: ([String]) throws -> Int32) rethrows
  -> Int32
{
  guard !words.isEmpty, !words.contains("--help") else {
    print(usage)
    return words.isEmpty ? 2 : 0
  }
  return try run(words)
}
