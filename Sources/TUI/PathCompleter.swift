// Tab completion of file paths on the command line.

import Foundation

/// Completes the path argument of `open` and `save` command lines.
public enum PathCompleter {
  /// The completed line and the candidates (more than one when ambiguous).
  public static func complete(commandLine: String) -> (String, [String]) {
    guard let space = commandLine.firstIndex(of: " ") else { return (commandLine, []) }
    let verb = commandLine[..<space]
    let arg = String(commandLine[commandLine.index(after: space)...])
    let (path, options) = complete(path: arg)
    return (verb + " " + path, options)
  }

  /// Completes `partial` against the file system (directories get a trailing `/`).
  public static func complete(path partial: String) -> (String, [String]) {
    let expanded = (partial as NSString).expandingTildeInPath
    let dir: String
    let prefix: String
    if expanded.hasSuffix("/") {
      dir = expanded
      prefix = ""
    } else {
      let d = (expanded as NSString).deletingLastPathComponent
      dir = d.isEmpty ? "." : d
      prefix = (expanded as NSString).lastPathComponent
    }
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
      return (partial, [])
    }
    let matches = entries.filter {
      $0.hasPrefix(prefix) && (!$0.hasPrefix(".") || prefix.hasPrefix("."))
    }
    .sorted()
    guard !matches.isEmpty else { return (partial, []) }
    var common = matches[0]
    for m in matches.dropFirst() {
      while !m.hasPrefix(common) { common.removeLast() }
    }
    let typedDir =
      partial.hasSuffix("/")
      ? partial : String(partial.dropLast((partial as NSString).lastPathComponent.count))
    var completed = typedDir + common
    var isDir: ObjCBool = false
    if matches.count == 1,
      FileManager.default.fileExists(
        atPath: (dir as NSString).appendingPathComponent(common), isDirectory: &isDir),
      isDir.boolValue
    {
      completed += "/"
    }
    return (completed, matches.count > 1 ? matches : [])
  }
}
