// One editing action, parsed from and printed as a line of text.

import FaceSynth
import Foundation
import Models

/// An editing command; every change to a session is one of these.
///
/// Text forms (see `docs/editor.md`): `open [--as=sketch|photo] PATH`, `set ATTR V`,
/// `add ATTR D`, `reset [ATTR|expr]`, `expr NAME [I]`, `expr none`, `intensity I`,
/// `variant dis|dec`, `crop X Y W H`, `crop off`, `new` (a blank sketch canvas),
/// `draw W X,Y …`, `erase W X,Y …`, `strokes clear`, `save PATH`, `save! PATH`, `undo`, `redo`,
/// `play R [N]`, `reload`, `quit`.
public enum Command: Equatable, Sendable {
  case open(path: String, kind: SourceKind?)
  case set(Attribute, Float)
  case add(Attribute, Float)
  case clear(Attribute)
  case resetAll
  case expression(FaceExpression, Float?)
  case noExpression
  case intensity(Float)
  case variant(EditVariant)
  case crop(CropRect)
  case uncrop
  /// A pen or eraser stroke on the sketch.
  case stroke(Stroke)
  /// Removes every stroke.
  case clearStrokes
  case save(path: String, overwrite: Bool)
  case undo
  case redo
  case play(register: Character, count: Int)
  case reload
  case quit

  /// True for commands that change the edit state (and so are undoable and journaled).
  public var changesState: Bool {
    switch self {
    case .save, .undo, .redo, .play, .reload, .quit: return false
    default: return true
    }
  }

  /// Parses one line.
  ///
  /// Blank lines and `#` comments are not commands (nil).
  public static func parse(_ line: String) throws -> Command? {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
    let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    let verb = words[0].lowercased()
    let args = Array(words.dropFirst())
    let rest = trimmed.dropFirst(words[0].count).trimmingCharacters(in: .whitespaces)

    func value(_ s: String, _ range: ClosedRange<Float>, _ what: String) throws -> Float {
      guard let v = Float(s), v.isFinite else {
        throw StudioError.syntax("\(what) must be a number, got '\(s)'")
      }
      guard range.contains(v) else {
        throw StudioError.syntax(
          "\(what) \(s) is outside [\(format(range.lowerBound)), \(format(range.upperBound))]")
      }
      return v
    }
    func attribute(_ s: String) throws -> Attribute {
      guard let a = Vocabulary.attribute(named: s) else {
        throw StudioError.syntax("unknown attribute '\(s)' (try: smiling, male, young, bangs…)")
      }
      return a
    }
    func expect(_ n: ClosedRange<Int>, _ usage: String) throws {
      guard n.contains(args.count) else { throw StudioError.syntax("usage: \(usage)") }
    }

    switch verb {
    case "open", "o", "e", "edit":
      var path = rest
      var kind: SourceKind? = nil
      if path.hasPrefix("--as=") {
        let flag = path.prefix { $0 != " " }
        guard let k = SourceKind(rawValue: String(flag.dropFirst(5))) else {
          throw StudioError.syntax("usage: open [--as=sketch|photo] PATH")
        }
        kind = k
        path = path.dropFirst(flag.count).trimmingCharacters(in: .whitespaces)
      }
      path = unquote(path)
      guard !path.isEmpty else { throw StudioError.syntax("usage: open [--as=sketch|photo] PATH") }
      return .open(path: path, kind: kind)
    case "new":
      try expect(0...0, "new")
      return .open(path: SourceLoader.blankCanvas, kind: .sketch)
    case "draw", "erase":
      return .stroke(try Stroke.parse(erase: verb == "erase", args))
    case "strokes":
      guard args.count == 1, ["clear", "off", "none"].contains(args[0].lowercased()) else {
        throw StudioError.syntax("usage: strokes clear")
      }
      return .clearStrokes
    case "set", "s":
      try expect(2...2, "set ATTRIBUTE VALUE (VALUE in [-1, 1])")
      return .set(try attribute(args[0]), try value(args[1], -1...1, "value"))
    case "add", "nudge":
      try expect(2...2, "add ATTRIBUTE DELTA")
      return .add(try attribute(args[0]), try value(args[1], -2...2, "delta"))
    case "reset", "clear":
      try expect(0...1, "reset [ATTRIBUTE|expr]")
      guard let target = args.first, target.lowercased() != "all" else { return .resetAll }
      if ["expr", "expression"].contains(target.lowercased()) { return .noExpression }
      return .clear(try attribute(target))
    case "expr", "expression":
      try expect(1...2, "expr NAME [INTENSITY] | expr none")
      if ["none", "off"].contains(args[0].lowercased()) { return .noExpression }
      guard let e = Vocabulary.expression(named: args[0]) else {
        let names = Vocabulary.expressions.map(\.description).joined(separator: ", ")
        throw StudioError.syntax("unknown expression '\(args[0])' (\(names))")
      }
      return .expression(e, try args.count > 1 ? value(args[1], 0...1, "intensity") : nil)
    case "intensity":
      try expect(1...1, "intensity VALUE (in [0, 1])")
      return .intensity(try value(args[0], 0...1, "intensity"))
    case "variant":
      try expect(1...1, "variant dis|dec")
      guard let v = EditVariant(rawValue: args[0].lowercased()) else {
        throw StudioError.syntax("variant must be dis or dec, got '\(args[0])'")
      }
      return .variant(v)
    case "crop":
      if args.count == 1 && ["off", "none", "reset"].contains(args[0].lowercased()) {
        return .uncrop
      }
      try expect(4...4, "crop X Y W H | crop off")
      let n = try args.map { s -> Int in
        guard let v = Int(s) else { throw StudioError.syntax("crop needs integers, got '\(s)'") }
        return v
      }
      guard n[0] >= 0, n[1] >= 0, n[2] > 0, n[3] > 0 else {
        throw StudioError.syntax("crop needs X, Y ≥ 0 and W, H > 0")
      }
      return .crop(CropRect(x: n[0], y: n[1], width: n[2], height: n[3]))
    case "save", "w", "write", "save!", "w!", "write!":
      let path = unquote(rest)
      guard !path.isEmpty else { throw StudioError.syntax("usage: \(verb) PATH") }
      return .save(path: path, overwrite: verb.hasSuffix("!"))
    case "undo", "u":
      try expect(0...0, "undo")
      return .undo
    case "redo":
      try expect(0...0, "redo")
      return .redo
    case "play", "@":
      try expect(1...2, "play REGISTER [COUNT]")
      guard args[0].count == 1, let r = args[0].first, r.isLowercase, r.isASCII else {
        throw StudioError.syntax("register must be a letter a–z, got '\(args[0])'")
      }
      var count = 1
      if args.count == 2 {
        guard let c = Int(args[1]), (1...1000).contains(c) else {
          throw StudioError.syntax("count must be 1…1000, got '\(args[1])'")
        }
        count = c
      }
      return .play(register: r, count: count)
    case "reload":
      return .reload
    case "quit", "q", "exit", "q!":
      return .quit
    default:
      throw StudioError.syntax("unknown command '\(words[0])' (type ? or :help for the list)")
    }
  }

  /// The canonical text; `parse(text)` gives the command back.
  public var text: String {
    switch self {
    case .open(let p, let k): return k.map { "open --as=\($0.rawValue) \(p)" } ?? "open \(p)"
    case .set(let a, let v): return "set \(Vocabulary.name(a)) \(Command.format(v))"
    case .add(let a, let d): return "add \(Vocabulary.name(a)) \(Command.format(d))"
    case .clear(let a): return "reset \(Vocabulary.name(a))"
    case .resetAll: return "reset"
    case .expression(let e, let i):
      return i.map { "expr \(e.description) \(Command.format($0))" } ?? "expr \(e.description)"
    case .noExpression: return "expr none"
    case .intensity(let i): return "intensity \(Command.format(i))"
    case .variant(let v): return "variant \(v.rawValue)"
    case .crop(let c): return "crop \(c)"
    case .uncrop: return "crop off"
    case .stroke(let s): return s.text
    case .clearStrokes: return "strokes clear"
    case .save(let p, let o): return (o ? "save! " : "save ") + p
    case .undo: return "undo"
    case .redo: return "redo"
    case .play(let r, let n): return n == 1 ? "play \(r)" : "play \(r) \(n)"
    case .reload: return "reload"
    case .quit: return "quit"
    }
  }

  /// Shortest decimal text of a slider value rounded to 1/1000.
  public static func format(_ v: Float) -> String {
    let r = quantize(v)
    if r == r.rounded() { return String(Int(r)) }
    return "\(r)"
  }

  /// A value rounded to 1/1000 (keeps recipes and sums of key steps clean).
  public static func quantize(_ v: Float) -> Float { (v * 1000).rounded() / 1000 }

  static func unquote(_ s: String) -> String {
    if s.count >= 2, let f = s.first, f == s.last, f == "\"" || f == "'" {
      return String(s.dropFirst().dropLast())
    }
    return s
  }
}
