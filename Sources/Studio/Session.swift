// The editing session: state, undo/redo, sources, saving, macros and the journal.

import FaceSynth
import Foundation
import Imaging
import Models

/// An editing session: state, history, sources, journal and macros.
///
/// Every change goes through `apply`, which keeps undo/redo, the autosave journal and a
/// macro being recorded in step. Not thread-safe: use it from one thread (the UI thread);
/// renders may run elsewhere from `renderRequest()` snapshots.
public final class Session {
  /// The current edit state.
  public private(set) var state = EditState()
  /// The opened source, if any.
  public private(set) var source: LoadedSource?
  /// The model-backed (or stub) renderer.
  public let renderer: Renderer
  /// The autosave journal (nil: no autosave).
  public let journal: Journal?
  /// Macro registers.
  public let macros: MacroStore
  /// The model's reading of the source's attributes, once known.
  public private(set) var scores: [Float]?
  /// Set by the `quit` command.
  public private(set) var quitRequested = false
  /// The register being recorded and what it holds so far.
  public private(set) var recording: (register: Character, commands: [String])?
  /// True when the state changed since the last save.
  public private(set) var modified = false
  /// The last register played (for `@@`).
  public private(set) var lastPlayed: Character?

  /// How many changes undo reaches back.
  public static let undoLimit = 500
  private var undoStack: [EditState] = []
  private var redoStack: [EditState] = []
  private var sources: [String: LoadedSource] = [:]
  private var generation = 0
  private var playDepth = 0
  private var painted: (sourceKey: String, strokes: [Stroke], key: String, image: Image)?
  /// The input with every stroke but the last painted: a stroke being drawn repaints only itself.
  private var underlay: (sourceKey: String, strokes: [Stroke], image: Image)?

  /// A session drawing with `renderer`, journaling to `journal`, with `macros`.
  public init(
    renderer: Renderer, journal: Journal? = nil, macros: MacroStore = MacroStore(path: nil)
  ) {
    self.renderer = renderer
    self.journal = journal
    self.macros = macros
  }

  /// Number of undoable and redoable steps.
  public var undoDepth: Int { undoStack.count }
  public var redoDepth: Int { redoStack.count }

  /// Parses and applies one line, returning a message.
  ///
  /// Blank and comment lines do nothing.
  @discardableResult
  public func run(_ line: String) throws -> String {
    guard let c = try Command.parse(line) else { return "" }
    return try apply(c)
  }

  /// Applies a command, returning a short message for the status line.
  @discardableResult
  public func apply(_ command: Command) throws -> String {
    switch command {
    case .undo:
      guard let previous = undoStack.popLast() else { throw StudioError.invalid("nothing to undo") }
      redoStack.append(state)
      try adopt(previous)
      journal?.record(command: "undo", state: state)
      recordMacro(command)
      return "undone"
    case .redo:
      guard let next = redoStack.popLast() else { throw StudioError.invalid("nothing to redo") }
      undoStack.append(state)
      try adopt(next)
      journal?.record(command: "redo", state: state)
      recordMacro(command)
      return "redone"
    case .save(let path, let overwrite):
      let message = try save(path: path, overwrite: overwrite)
      recordMacro(command)
      return message
    case .play(let r, let count):
      return try play(r, count: count)
    case .reload:
      renderer.reload()
      sources = [:]
      if let p = state.sourcePath { source = try load(p, state.sourceKind, state.crop) }
      scores = nil
      return "models reloaded: \(renderer.status.summary)"
    case .quit:
      quitRequested = true
      return "bye"
    default:
      let before = state
      let message = try change(command)
      guard state != before else { return message }
      recordChange(command, from: before)
      return message
    }
  }

  /// Applies a state-changing command without undo, journal or macro (a live drag).
  ///
  /// Finish the gesture with `commit(_:from:)`.
  public func preview(_ command: Command) throws {
    precondition(command.changesState, "preview of a non-editing command")
    _ = try change(command)
  }

  /// Shows `command` applied to `start` (not to the current state) without undo, journal or
  /// macro: for gestures whose command grows as they go, such as a stroke being drawn.
  public func preview(_ command: Command, from start: EditState) throws {
    precondition(command.changesState, "preview of a non-editing command")
    try adopt(start)
    _ = try change(command)
  }

  /// Ends a gesture started at `start` as one undoable `command`.
  public func commit(_ command: Command, from start: EditState) {
    guard state != start else { return }
    recordChange(command, from: start)
  }

  /// Records a change that `command` made from `before`: undo history, journal and macro.
  ///
  /// History starts at the first opened file: states without a source are never kept for undo
  /// (undoing into one would only empty the canvas), and opening the first file drops settings
  /// changed before it from the history.
  private func recordChange(_ command: Command, from before: EditState) {
    if before.sourcePath == nil {
      if case .open = command { undoStack = [] }
    } else {
      undoStack.append(before)
      if undoStack.count > Session.undoLimit { undoStack.removeFirst() }
    }
    redoStack = []
    if case .open = command { modified = false } else { modified = true }
    journal?.record(command: command.text, state: state)
    recordMacro(command)
  }

  /// Restores a journaled session: its last state, with the earlier states as undo history.
  public func restore(_ recovered: JournalSession) throws {
    guard let last = recovered.current else { return }
    try adopt(last)
    undoStack = Array(
      recovered.states.dropLast().filter { $0.sourcePath != nil }.suffix(Session.undoLimit))
    redoStack = []
    modified = true
    journal?.record(command: "restore", state: state)
  }

  /// Starts recording into register `r`.
  public func startRecording(_ r: Character) throws {
    guard MacroStore.isRegister(r) else {
      throw StudioError.invalid("register must be a letter a–z, got '\(r)'")
    }
    recording = (r, [])
  }

  /// Stops recording, stores the macro and returns its register and command count.
  @discardableResult
  public func stopRecording() throws -> (Character, Int)? {
    guard let rec = recording else { return nil }
    recording = nil
    try macros.set(rec.register, rec.commands)
    return (rec.register, rec.commands.count)
  }

  /// Notes the attribute scores from a finished render.
  public func noteScores(_ s: [Float]?) {
    if let s { scores = s }
  }

  /// A render request for the current state (nil without a source).
  public func renderRequest() -> RenderRequest? {
    renderRequest(for: state)
  }

  /// A render request for `s` (which must share the current source).
  public func renderRequest(for s: EditState) -> RenderRequest? {
    guard let src = source, let (key, image) = input(for: s) else { return nil }
    generation += 1
    return RenderRequest(
      sourceKey: key, input: image, kind: src.kind, state: s, generation: generation)
  }

  /// The model input of the current state: the prepared source with its strokes painted.
  public var input: Image? { input(for: state)?.image }

  /// The cache key of the current model input (changes with the source, its crop and strokes).
  public var inputKey: String? { input(for: state)?.key }

  /// The cache key and model input for `s`: the source's, or a painted copy when `s` has
  /// strokes (the last painted copy is kept, and the copy without the last stroke, so a drag
  /// repaints only the stroke it draws).
  private func input(for s: EditState) -> (key: String, image: Image)? {
    guard let src = source else { return nil }
    guard !s.strokes.isEmpty else { return (src.key, src.input) }
    if let hit = painted, hit.sourceKey == src.key, hit.strokes == s.strokes {
      return (hit.key, hit.image)
    }
    var hasher = StableHash()
    for stroke in s.strokes { hasher.add(stroke.text) }
    let key = "\(src.key)|strokes \(s.strokes.count) \(hasher.hex)"
    let below = Array(s.strokes.dropLast())
    if underlay == nil || underlay?.sourceKey != src.key || underlay?.strokes != below {
      underlay = (src.key, below, Stroke.apply(below, to: src.input))
    }
    let image = Stroke.apply([s.strokes[s.strokes.count - 1]], to: underlay!.image)
    painted = (src.key, s.strokes, key, image)
    return (key, image)
  }

  /// Renders the current state now, on this thread.
  public func renderNow() throws -> RenderedEdit {
    guard let request = renderRequest() else {
      throw StudioError.invalid("no source open (use: open PATH)")
    }
    let out = try renderer.render(request)
    noteScores(out.scores)
    return out
  }

  /// The PNG text metadata that describes the current state.
  public func recipeText() -> [String: String] {
    Recipe.text(for: state, status: renderer.status)
  }

  // MARK: - Private

  private func change(_ command: Command) throws -> String {
    switch command {
    case .open(let path, let kind):
      let loaded = try load(path, kind, nil)
      var s = EditState()
      s.sourcePath = loaded.path
      s.sourceKind = loaded.kind
      s.variant = state.variant
      source = loaded
      state = s
      scores = nil
      if loaded.path == SourceLoader.blankCanvas {
        return "blank sketch canvas — press d to draw with the mouse"
      }
      let size = "\(loaded.original.width)×\(loaded.original.height)"
      return "opened \((path as NSString).lastPathComponent) (\(loaded.kind.rawValue), \(size))"
    case .set(let a, let v):
      try needSource()
      state.targets[a.rawValue] = Command.quantize(v)
      return "\(Vocabulary.name(a)) → \(Command.format(v))"
    case .add(let a, let d):
      try needSource()
      let base = state.targets[a.rawValue] ?? currentScore(a)
      let v = Command.quantize(min(1, max(-1, base + d)))
      state.targets[a.rawValue] = v
      return "\(Vocabulary.name(a)) → \(Command.format(v))"
    case .clear(let a):
      state.targets[a.rawValue] = nil
      return "\(Vocabulary.name(a)) reset"
    case .resetAll:
      state.targets = Array(repeating: nil, count: state.targets.count)
      state.expression = nil
      state.intensity = 1
      return "all edits reset"
    case .expression(let e, let i):
      try needSource()
      state.expression = e
      if let i { state.intensity = Command.quantize(i) }
      return "expression \(e.description) at \(Command.format(state.intensity))"
    case .noExpression:
      state.expression = nil
      return "expression off"
    case .intensity(let i):
      state.intensity = Command.quantize(i)
      return "intensity \(Command.format(state.intensity))"
    case .variant(let v):
      state.variant = v
      return "variant \(v.rawValue.uppercased())"
    case .crop(let c):
      guard let src = source else { throw StudioError.invalid("no source open (use: open PATH)") }
      try needNoStrokes()
      let box = c.box.clamped(width: src.original.width, height: src.original.height)
      guard box.width >= 8, box.height >= 8 else {
        throw StudioError.invalid(
          "crop \(c) is outside the \(src.original.width)×\(src.original.height) image")
      }
      source = try load(src.path, src.kind, c)
      state.crop = c
      return "cropped to \(c)"
    case .stroke(let stroke):
      guard let src = source else {
        throw StudioError.invalid("no source open (use: new, or open a sketch)")
      }
      guard src.kind == .sketch else {
        throw StudioError.invalid("strokes go on sketches; this source is a photo (new starts one)")
      }
      guard !stroke.points.isEmpty else { throw StudioError.invalid("an empty stroke") }
      state.strokes.append(stroke)
      return stroke.erase ? "erased" : "drew a stroke (\(state.strokes.count) in all)"
    case .clearStrokes:
      guard !state.strokes.isEmpty else { throw StudioError.invalid("no strokes to clear") }
      state.strokes = []
      return "strokes cleared"
    case .uncrop:
      guard let src = source else { throw StudioError.invalid("no source open") }
      try needNoStrokes()
      source = try load(src.path, src.kind, nil)
      state.crop = nil
      return "crop removed"
    default:
      throw StudioError.invalid("'\(command.text)' does not edit")
    }
  }

  /// Strokes sit on the prepared input of the current framing; another crop would move the
  /// drawing under them.
  private func needNoStrokes() throws {
    if !state.strokes.isEmpty {
      throw StudioError.invalid(
        "the sketch has strokes drawn on this framing; clear them first (strokes clear)")
    }
  }

  private func needSource() throws {
    if source == nil { throw StudioError.invalid("no source open (use: open PATH)") }
  }

  /// The model's score for `a`, asking the renderer when not yet known (0 without a model).
  private func currentScore(_ a: Attribute) -> Float {
    if scores == nil, let req = renderRequest(for: state.unedited) {
      var plain = req
      plain.expression = nil
      noteScores((try? renderer.render(plain))?.scores)
    }
    guard let s = scores, a.rawValue < s.count else { return 0 }
    return Command.quantize(min(1, max(-1, s[a.rawValue])))
  }

  private func load(_ path: String, _ kind: SourceKind?, _ crop: CropRect?) throws
    -> LoadedSource
  {
    let key = "\(SourceLoader.absolute(path))|\(kind?.rawValue ?? "?")|\(crop?.description ?? "-")"
    if let hit = sources[key] { return hit }
    let loaded = try SourceLoader.load(
      path: path, kind: kind, crop: crop, size: renderer.inputSize)
    if sources.count > 16 { sources = [:] }
    sources[key] = loaded
    sources["\(loaded.path)|\(loaded.kind.rawValue)|\(crop?.description ?? "-")"] = loaded
    return loaded
  }

  /// Makes `s` current, reloading the source when it differs.
  private func adopt(_ s: EditState) throws {
    if let p = s.sourcePath {
      if source?.path != p || state.crop != s.crop || source?.kind != s.sourceKind {
        source = try load(p, s.sourceKind, s.crop)
        if source?.path != state.sourcePath { scores = nil }
      }
    } else {
      source = nil
    }
    state = s
  }

  private func recordMacro(_ command: Command) {
    guard recording != nil else { return }
    switch command {
    case .play, .quit, .reload: return
    default: recording?.commands.append(command.text)
    }
  }

  private func play(_ r: Character, count: Int) throws -> String {
    guard playDepth < 8 else { throw StudioError.invalid("macros nest too deeply") }
    if recording?.register == r {
      throw StudioError.invalid("cannot play register \(r) while recording it")
    }
    let lines = macros[r]
    guard !lines.isEmpty else { throw StudioError.invalid("register \(r) is empty") }
    lastPlayed = r
    playDepth += 1
    defer { playDepth -= 1 }
    var applied = 0
    for _ in 0..<count {
      for (i, line) in lines.enumerated() {
        do {
          try run(line)
          applied += 1
        } catch {
          throw StudioError.invalid("macro \(r) line \(i + 1) '\(line)': \(error)")
        }
        if quitRequested { break }
      }
    }
    return "played \(r)" + (count > 1 ? " ×\(count)" : "") + " (\(applied) commands)"
  }

  private func save(path: String, overwrite: Bool) throws -> String {
    guard source != nil else { throw StudioError.invalid("nothing to save: no source open") }
    let abs = SourceLoader.absolute(path)
    if !overwrite && FileManager.default.fileExists(atPath: abs) {
      throw StudioError.invalid("\(path) exists (use save! \(path) to overwrite)")
    }
    let out = try renderNow()
    do {
      try PNGCodec.write(out.image, to: abs, text: recipeText(), overwrite: overwrite)
    } catch {
      throw StudioError.io("cannot save \(path): \(error)")
    }
    modified = false
    let note = out.notes.isEmpty ? "" : " (\(out.notes.joined(separator: "; ")))"
    return "saved \(path) with its recipe\(note)"
  }
}
