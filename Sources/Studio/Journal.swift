// The append-only autosave journal: every change is on disk before the next key.

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One recovered editing session from the journal.
public struct JournalSession: Sendable {
  /// The session id.
  public var id: String
  /// Start time (seconds since 1970).
  public var started: Double
  /// States after each change, oldest first (the last is the current state).
  public var states: [EditState]
  /// The commands that produced `states` (same count).
  public var commands: [String]
  /// True when the editor quit normally.
  public var closed: Bool

  /// The state to restore.
  public var current: EditState? { states.last }
}

/// Appends every state change as one JSON line, so that a killed editor loses nothing.
///
/// Lines: `{"session":ID,"start":T}`, `{"session":ID,"command":"…","state":{…},"strokes":{…}}`,
/// `{"session":ID,"close":true}`. A torn last line (kill during write) is ignored.
///
/// Strokes are journaled as a change to the previous line's list: `"strokes":{"keep":K,
/// "add":[…]}` means the first K strokes of the previous state followed by `add`, and `state`
/// then holds everything but the strokes. Each line stays as small as its change, so a long
/// drawing session writes a journal that grows linearly with the number of strokes (the full
/// list on every line grew with its square). Lines whose `state` holds its own strokes (older
/// journals) are read as they are.
public final class Journal {
  /// The journal file.
  public let path: String
  /// This session's id.
  public let sessionID: String
  private var started = false
  /// The strokes of the last recorded state (the base of the next line's stroke change).
  private var lastStrokes: [Stroke] = []

  /// A journal at `path` (created on the first write); compacts files over 2 MB.
  public init(path: String = StatePaths.journal) {
    self.path = path
    sessionID =
      String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36) + "-"
      + String(getpid())
  }

  /// Records a change.
  public func record(command: String, state: EditState) {
    start()
    let keep = zip(lastStrokes, state.strokes).prefix { $0 == $1 }.count
    let added = state.strokes[keep...].map { Journal.quote($0.text) }.joined(separator: ",")
    var rest = state
    rest.strokes = []
    // A line that did not reach the disk must not be the base of the next one: start over
    // from an empty list (the next line then lists every stroke).
    lastStrokes = state.strokes
    let written = append(
      "{\"session\":\(Journal.quote(sessionID)),\"command\":\(Journal.quote(command)),"
        + "\"state\":\(rest.json),\"strokes\":{\"keep\":\(keep),\"add\":[\(added)]}}")
    if !written { lastStrokes = [] }
  }

  /// Marks this session as closed normally.
  public func close() {
    guard started else { return }
    append("{\"session\":\(Journal.quote(sessionID)),\"close\":true}")
  }

  private func start() {
    guard !started else { return }
    started = true
    let dir = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    compactIfLarge()
    append(
      "{\"session\":\(Journal.quote(sessionID)),\"start\":\(Date().timeIntervalSince1970)}")
  }

  /// Appends one line; false when it could not be written whole.
  @discardableResult
  private func append(_ line: String) -> Bool {
    let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
    guard fd >= 0 else { return false }
    defer { Glibc.close(fd) }
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if n <= 0 { return false }
      offset += n
    }
    return true
  }

  /// Keeps only the last session when the file is over 2 MB.
  private func compactIfLarge() {
    guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
      let size = attrs[.size] as? Int, size > 2_000_000,
      let text = try? String(contentsOfFile: path, encoding: .utf8)
    else { return }
    let lines = text.split(separator: "\n")
    guard let last = Journal.sessions(in: text).last else { return }
    let marker = "\"session\":\(Journal.quote(last.id))"
    let kept = lines.filter { $0.contains(marker) }.joined(separator: "\n") + "\n"
    let tmp = path + ".tmp"
    if FileManager.default.createFile(atPath: tmp, contents: Data(kept.utf8)) {
      rename(tmp, path)
    }
  }

  /// The most recent session with at least one change, if any.
  public static func lastSession(at path: String = StatePaths.journal) -> JournalSession? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    return sessions(in: text).last { !$0.states.isEmpty }
  }

  /// All sessions in journal text, in order of first appearance.
  public static func sessions(in text: String) -> [JournalSession] {
    var order: [String] = []
    var byID: [String: JournalSession] = [:]
    // Sessions whose stroke chain lost a link: their stroke changes are skipped until a line
    // lists every stroke again (keep 0), rather than applied to the wrong list.
    var broken: Set<String> = []
    for line in text.split(separator: "\n") {
      guard let data = line.data(using: .utf8),
        let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let id = obj["session"] as? String
      else { continue }
      if byID[id] == nil {
        order.append(id)
        byID[id] = JournalSession(
          id: id, started: obj["start"] as? Double ?? 0, states: [], commands: [],
          closed: false)
      }
      if obj["close"] as? Bool == true { byID[id]?.closed = true }
      if let stateObj = obj["state"],
        let stateData = try? JSONSerialization.data(withJSONObject: stateObj),
        var state = try? JSONDecoder().decode(EditState.self, from: stateData)
      {
        if let change = obj["strokes"] as? [String: Any] {
          let previous = byID[id]?.states.last?.strokes ?? []
          guard let keep = (change["keep"] as? NSNumber)?.intValue, keep >= 0,
            keep <= previous.count, keep == 0 || !broken.contains(id),
            let added = change["add"] as? [String], let strokes = try? strokes(from: added)
          else {
            broken.insert(id)
            continue
          }
          broken.remove(id)
          state.strokes = Array(previous.prefix(keep)) + strokes
        }
        byID[id]?.states.append(state)
        byID[id]?.commands.append(obj["command"] as? String ?? "")
      }
    }
    return order.compactMap { byID[$0] }
  }

  /// Parses journaled stroke commands (`draw …`/`erase …`).
  private static func strokes(from lines: [String]) throws -> [Stroke] {
    try lines.map { line in
      guard case .stroke(let stroke)? = try Command.parse(line) else {
        throw StudioError.syntax("'\(line)' in the journal is not a stroke")
      }
      return stroke
    }
  }

  static func quote(_ s: String) -> String {
    let data = try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
    let text = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
    return String(text.dropFirst().dropLast())
  }
}
