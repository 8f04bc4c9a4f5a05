// Macro registers a–z: lists of logical editing commands, kept in a readable file.

import Foundation

/// Registers `a`…`z`, each a list of command lines (never screen coordinates).
///
/// File format (`StatePaths.macros`):
/// ```
/// # visage macros
/// [a]
/// add smiling 0.05
/// expr happy 0.8
/// ```
public final class MacroStore {
  /// The backing file; nil keeps macros in memory only.
  public let path: String?
  /// Register contents.
  public private(set) var registers: [Character: [String]] = [:]

  /// Loads `path` if it exists.
  ///
  /// Unreadable files start empty.
  public init(path: String? = StatePaths.macros) {
    self.path = path
    if let path, let text = try? String(contentsOfFile: path, encoding: .utf8) {
      registers = MacroStore.parse(text)
    }
  }

  /// The commands in register `r` (empty when unset).
  public subscript(r: Character) -> [String] { registers[r] ?? [] }

  /// Stores `commands` in register `r` and writes the file.
  public func set(_ r: Character, _ commands: [String]) throws {
    guard MacroStore.isRegister(r) else {
      throw StudioError.invalid("register must be a letter a–z, got '\(r)'")
    }
    registers[r] = commands
    try write()
  }

  /// True for `a`…`z`.
  public static func isRegister(_ c: Character) -> Bool {
    c.isASCII && c.isLowercase && c.isLetter
  }

  /// The file text.
  public var text: String {
    var out = "# visage macros: registers a-z, one editing command per line\n"
    for r in registers.keys.sorted() {
      out += "[\(r)]\n"
      for c in registers[r]! { out += c + "\n" }
    }
    return out
  }

  /// Parses file text.
  public static func parse(_ text: String) -> [Character: [String]] {
    var result: [Character: [String]] = [:]
    var current: Character? = nil
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.count == 3, line.hasPrefix("["), line.hasSuffix("]") {
        let r = line[line.index(after: line.startIndex)]
        current = isRegister(r) ? r : nil
        if let c = current { result[c] = [] }
        continue
      }
      if let c = current { result[c]?.append(line) }
    }
    return result
  }

  private func write() throws {
    guard let path else { return }
    let dir = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw StudioError.io("cannot write macros to \(path): \(error.localizedDescription)")
    }
  }
}
