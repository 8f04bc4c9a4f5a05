// The editor's behaviour: keys and mouse in, session commands and view state out.

import FaceSynth
import Foundation
import Imaging
import Models
import Studio

/// The panel that has keyboard focus.
public enum Panel: Sendable { case attributes, expression }

/// Input modes of the editor.
public enum InputMode {
  case normal
  /// The `:` command line; `text` is what was typed.
  case prompt(text: String)
  case help
  /// A yes/no question; the closure receives the answer.
  case confirm(question: String, answer: (Bool) -> Void)
}

/// Editor state and input handling, independent of ncurses (the bench drives it headless).
public final class EditorController {
  public let session: Session
  public let worker: RenderWorker
  public var layout: Layout { didSet { geometry = PanelGeometry(layout: layout) } }
  public private(set) var geometry: PanelGeometry
  public private(set) var focus: Panel = .attributes
  public private(set) var selected = 0
  /// 0: expression chips, 1: intensity slider.
  public private(set) var expressionRow = 0
  public private(set) var mode: InputMode = .normal
  public private(set) var showBefore = false
  public private(set) var quit = false
  /// The edited result and the unedited baseline.
  public private(set) var result: Image?
  public private(set) var baseline: Image?
  public private(set) var lastRenderMilliseconds: Double?
  public private(set) var renderNotes: [String] = []
  /// The one-line message under the panels, and whether it is an error.
  public private(set) var message: (text: String, error: Bool)?
  /// True while a mouse drag moves a slider.
  public var dragging: Bool { drag != nil }
  /// Bumped whenever something visible changes.
  public private(set) var version = 0
  /// Bumped when the result or baseline image changes.
  public internal(set) var imageVersion = 0

  /// How previews are drawn (placement of the source image for mouse drawing and cropping).
  public var capabilities = TerminalCapabilities.decide(
    environment: [:], replies: nil, window: nil, isTTY: true, forcedMode: .truecolor)
  /// Draw mode's brush, or nil outside draw mode.
  public internal(set) var canvas: (tool: CanvasTool, width: Int)?
  /// The crop box being framed, or nil outside crop mode.
  public internal(set) var cropBox: CropRect? {
    didSet { cropOverlayCache = nil }
  }
  var strokeDrag: (start: EditState, points: [Stroke.Point])?
  var cropGesture: CropGesture?
  var lastBrushWidth = 2
  private var cropOverlayCache: (box: CropRect, key: String, image: Image)?

  private var drag:
    (command: (Float) -> Command, track: SliderTrack, start: EditState, last: Command?)?
  private var pendingQ = false
  private var pendingAt = false
  private var count = 0
  private var submitted: EditState?
  private var submittedKey: String?
  private var shownGeneration = 0
  private var baselineGeneration = -1
  private var baselineKey: String?
  private var history: [String] = []
  private var historyIndex = 0

  public init(session: Session, worker: RenderWorker, layout: Layout) {
    self.session = session
    self.worker = worker
    self.layout = layout
    geometry = PanelGeometry(layout: layout)
  }

  /// The image in the source panel: the model input with its strokes, or in crop mode the
  /// original with the crop box.
  public var sourcePreview: Image? {
    guard let src = session.source else { return nil }
    guard let box = cropBox else { return session.input }
    if let c = cropOverlayCache, c.box == box, c.key == src.key { return c.image }
    let image = cropOverlay(box, on: src.original)
    cropOverlayCache = (box, src.key, image)
    return image
  }

  /// The attribute with the cursor.
  public var selectedAttribute: Attribute { Vocabulary.attributes[selected] }

  /// True while `q` waits for a register letter.
  public var awaitingRegister: Bool { pendingQ || pendingAt }

  /// Shows a message in the hint row.
  public func say(_ text: String, error: Bool = false) {
    message = (text, error)
    version += 1
  }

  /// Asks a yes/no question in the hint row.
  public func confirm(_ question: String, _ answer: @escaping (Bool) -> Void) {
    mode = .confirm(question: question, answer: answer)
    version += 1
  }

  // MARK: - Rendering

  /// Sends a render request when the state differs from the last one sent.
  public func requestRender() {
    guard let src = session.source else { return }
    if session.state != submitted || src.key != submittedKey {
      if let r = session.renderRequest() {
        submitted = session.state
        submittedKey = src.key
        worker.submit(r)
      }
    } else if showBefore && baselineKey != baselineIdentity && !worker.isBusy {
      if var r = session.renderRequest(for: session.state.unedited) {
        r.expression = nil
        baselineGeneration = r.generation
        baselineKey = baselineIdentity
        worker.submit(r)
      }
    }
  }

  private var baselineIdentity: String {
    "\(session.inputKey ?? "")|\(session.state.variant.rawValue)"
  }

  /// True when the shown result matches the current state.
  public var upToDate: Bool {
    session.source == nil || (session.state == submitted && !worker.isBusy)
  }

  /// Takes finished renders.
  ///
  /// Returns true when something changed.
  @discardableResult
  public func collect() -> Bool {
    var changed = false
    for r in worker.takeFinished() {
      switch r {
      case .success(let out):
        if out.generation == baselineGeneration {
          baseline = out.image
        } else if out.generation > shownGeneration {
          shownGeneration = out.generation
          result = out.image
          lastRenderMilliseconds = out.milliseconds
          renderNotes = out.notes
          session.noteScores(out.scores)
        }
        imageVersion += 1
      case .failure(let e):
        say("render failed: \(e)", error: true)
      }
      changed = true
    }
    if changed { version += 1 }
    requestRender()
    return changed
  }

  /// Forgets images (after opening another source).
  func sourceChanged() {
    finishGestures()
    cropBox = nil
    if session.source?.kind != .sketch { canvas = nil }
    result = nil
    baseline = nil
    baselineKey = nil
    imageVersion += 1
  }

  // MARK: - Commands

  /// Runs a command line (from `:`), handling editor-only words (`help`, `before`).
  public func execute(_ line: String) {
    let word = line.trimmingCharacters(in: .whitespaces).lowercased()
    if word == "help" || word == "h" || word == "?" {
      mode = .help
      return
    }
    if word == "before" || word == "after" {
      showBefore = word == "before"
      return
    }
    if word == "record" || word.hasPrefix("record ") {
      let r = word.dropFirst(6).trimmingCharacters(in: .whitespaces)
      if let c = r.first { startRecording(c) } else { say("usage: record a-z", error: true) }
      return
    }
    if word == "stop" {
      stopRecording()
      return
    }
    do {
      guard let c = try Command.parse(line) else { return }
      apply(c)
    } catch {
      say("\(error)", error: true)
    }
  }

  /// Applies a command to the session and reports the outcome.
  public func apply(_ command: Command) {
    let oldKey = session.source?.key
    let oldStrokes = session.state.strokes
    do {
      let text = try session.apply(command)
      if !text.isEmpty { say(text) }
      if session.quitRequested { finish() }
    } catch {
      say("\(error)", error: true)
    }
    if session.source?.key != oldKey { sourceChanged() }
    if session.state.strokes != oldStrokes { imageVersion += 1 }
    version += 1
    requestRender()
  }

  private func finish() {
    if session.recording != nil { stopRecording() }
    quit = true
  }

  private func startRecording(_ r: Character) {
    do {
      try session.startRecording(r)
      say("recording macro \(r) — press q to stop")
    } catch {
      say("\(error)", error: true)
    }
  }

  private func stopRecording() {
    do {
      if let (r, n) = try session.stopRecording() {
        say("macro \(r) recorded (\(n) commands) — @\(r) plays it")
      }
    } catch {
      say("\(error)", error: true)
    }
  }

  // MARK: - Keys

  /// Handles one input event.
  public func handle(_ key: Key) {
    version += 1
    switch mode {
    case .help:
      mode = .normal
      return
    case .confirm(_, let answer):
      switch key {
      case .char("y"), .char("Y"), .enter:
        mode = .normal
        answer(true)
      case .char("n"), .char("N"), .escape, .ctrl("c"):
        mode = .normal
        answer(false)
      default: break
      }
      requestRender()
      return
    case .prompt(let text):
      handlePrompt(key, text)
      return
    case .normal:
      break
    }
    if case .mouse(let m) = key {
      if cropBox != nil && handleCropMouse(m) { return }
      if canvas != nil && handleCanvasMouse(m) { return }
      handleMouse(m)
      return
    }
    // A key during a drawing or cropping drag ends that gesture first.
    if key != .wait { finishGestures() }
    if !pendingQ && !pendingAt && (handleCropKey(key) || handleCanvasKey(key)) { return }
    if pendingQ {
      pendingQ = false
      message = nil
      switch key {
      case .char(let c) where MacroStore.isRegister(c): startRecording(c)
      case .enter, .ctrl("c"): finish()
      default: say("cancelled")
      }
      return
    }
    if pendingAt {
      pendingAt = false
      let n = max(1, count)
      count = 0
      switch key {
      case .char("@"):
        if let r = session.lastPlayed {
          apply(.play(register: r, count: n))
        } else {
          say("no macro played yet", error: true)
        }
      case .char(let c) where MacroStore.isRegister(c): apply(.play(register: c, count: n))
      default: say("cancelled")
      }
      return
    }
    if case .char(let c) = key, let d = c.wholeNumberValue, c.isASCII, d > 0 || count > 0 {
      count = min(count * 10 + d, 999)
      say("count \(count)")
      return
    }
    let n = max(1, count)
    count = 0
    switch key {
    case .ctrl("c"), .ctrl("q"): finish()
    case .tab, .backTab: focus = focus == .attributes ? .expression : .attributes
    case .char(":"): openPrompt("")
    case .char("o"): openPrompt("open ")
    case .char("s"), .char("w"): openPrompt("save " + suggestedSaveName())
    case .char("u"): apply(.undo)
    case .ctrl("r"), .char("U"): apply(.redo)
    case .char("b"):
      showBefore.toggle()
      say(showBefore ? "showing BEFORE (unedited) — b for after" : "showing AFTER")
      imageVersion += 1
    case .char("v"): apply(.variant(session.state.variant == .dis ? .dec : .dis))
    case .char("R"): apply(.resetAll)
    case .char("d"): toggleDrawMode()
    case .char("c"): toggleCropMode()
    case .char("N"): apply(.open(path: SourceLoader.blankCanvas, kind: .sketch))
    case .char("q"):
      if session.recording != nil {
        stopRecording()
      } else {
        pendingQ = true
        say("q: press a–z to record a macro · Enter quits · Esc cancels")
      }
    case .char("@"):
      count = n
      pendingAt = true
      say("@: press a–z to play a macro, @ to repeat the last")
    case .ctrl("l"): imageVersion += 1
    case .up, .char("k"), .shiftUp: move(-n)
    case .down, .char("j"), .shiftDown: move(n)
    case .pageUp, .home: move(-100)
    case .pageDown, .end: move(100)
    case .left: adjust(-0.05 * Float(n))
    case .right: adjust(0.05 * Float(n))
    case .shiftLeft, .char("H"): adjust(-0.25 * Float(n))
    case .shiftRight, .char("L"): adjust(0.25 * Float(n))
    case .char("-"): adjust(-0.05 * Float(n))
    case .char("+"), .char("="): adjust(0.05 * Float(n))
    case .char("0"): resetFocused()
    case .enter, .char(" "):
      if focus == .expression && expressionRow == 1 { apply(.intensity(1)) }
    case .escape: message = nil
    case .char("?"): mode = .help
    default:
      say("\(KeyNotation.text(key)) does nothing here — ? shows the keys")
    }
  }

  private func move(_ delta: Int) {
    switch focus {
    case .attributes:
      selected = min(Vocabulary.attributes.count - 1, max(0, selected + delta))
    case .expression:
      expressionRow = min(1, max(0, expressionRow + delta))
    }
  }

  private func adjust(_ delta: Float) {
    switch focus {
    case .attributes:
      apply(.add(selectedAttribute, delta))
    case .expression:
      if expressionRow == 1 {
        let v = min(1, max(0, session.state.intensity + delta))
        apply(.intensity(v))
      } else {
        let all: [FaceExpression?] = [nil] + Vocabulary.expressions.map { $0 }
        let current = all.firstIndex(of: session.state.expression) ?? 0
        let step = delta > 0 ? 1 : -1
        let next = all[(current + step + all.count) % all.count]
        apply(next.map { .expression($0, nil) } ?? .noExpression)
      }
    }
  }

  private func resetFocused() {
    switch focus {
    case .attributes: apply(.clear(selectedAttribute))
    case .expression: apply(expressionRow == 1 ? .intensity(0) : .noExpression)
    }
  }

  private func suggestedSaveName() -> String {
    let path = session.source?.path ?? "face"
    let base = path == SourceLoader.blankCanvas ? "sketch" : (path as NSString).lastPathComponent
    let stem = (base as NSString).deletingPathExtension
    for i in 1..<1000 {
      let name = i == 1 ? "\(stem)-edit.png" : "\(stem)-edit\(i).png"
      if !FileManager.default.fileExists(atPath: name) { return name }
    }
    return "\(stem)-edit.png"
  }

  // MARK: - Prompt

  /// Opens the command line with `text`.
  public func openPrompt(_ text: String) {
    mode = .prompt(text: text)
    historyIndex = history.count
  }

  private func handlePrompt(_ key: Key, _ text: String) {
    switch key {
    case .enter:
      mode = .normal
      let line = text.trimmingCharacters(in: .whitespaces)
      guard !line.isEmpty else { return }
      if history.last != line { history.append(line) }
      execute(line)
    case .escape, .ctrl("c"):
      mode = .normal
      message = nil
    case .backspace:
      if text.isEmpty { mode = .normal } else { mode = .prompt(text: String(text.dropLast())) }
    case .ctrl("u"): mode = .prompt(text: "")
    case .ctrl("w"):
      var t = text
      while t.last == " " { t.removeLast() }
      while let l = t.last, l != " ", l != "/" { t.removeLast() }
      mode = .prompt(text: t)
    case .up:
      if historyIndex > 0 {
        historyIndex -= 1
        mode = .prompt(text: history[historyIndex])
      }
    case .down:
      if historyIndex < history.count - 1 {
        historyIndex += 1
        mode = .prompt(text: history[historyIndex])
      } else {
        historyIndex = history.count
        mode = .prompt(text: "")
      }
    case .tab:
      let (completed, options) = PathCompleter.complete(commandLine: text)
      mode = .prompt(text: completed)
      if options.count > 1 {
        say(options.prefix(8).joined(separator: "  ") + (options.count > 8 ? "  …" : ""))
      }
    case .char(let c): mode = .prompt(text: text + String(c))
    default: break
    }
  }

  // MARK: - Mouse

  private func handleMouse(_ m: MouseEvent) {
    let g = geometry
    switch m.kind {
    case .press:
      if let a = g.attribute(atRow: m.y), layout.attributes.inner.contains(x: m.x, y: m.y) {
        focus = .attributes
        selected = a.rawValue
        if m.x >= g.attributeTrack.x - 1 && m.x <= g.attributeTrack.x + g.attributeTrack.width {
          beginDrag(g.attributeTrack, { .set(a, $0) }, at: m.x)
        }
      } else if m.y == g.intensityY && layout.expression.inner.contains(x: m.x, y: m.y) {
        focus = .expression
        expressionRow = 1
        beginDrag(g.intensityTrack, { .intensity($0) }, at: m.x)
      } else if let chip = g.chip(atX: m.x, y: m.y) {
        focus = .expression
        expressionRow = 0
        apply(chip.map { .expression($0, nil) } ?? .noExpression)
      } else if layout.result.contains(x: m.x, y: m.y) {
        showBefore.toggle()
        imageVersion += 1
      }
    case .drag:
      guard let d = drag else { return }
      let c = d.command(d.track.value(atColumn: m.x))
      if c != d.last {
        try? session.preview(c)
        drag?.last = c
        requestRender()
      }
    case .release:
      guard let d = drag else { return }
      let c = d.command(d.track.value(atColumn: m.x))
      try? session.preview(c)
      session.commit(c, from: d.start)
      say(c.text)
      drag = nil
      requestRender()
    case .wheelUp, .wheelDown:
      let delta: Float = m.kind == .wheelUp ? 0.05 : -0.05
      if let a = g.attribute(atRow: m.y), layout.attributes.inner.contains(x: m.x, y: m.y) {
        selected = a.rawValue
        focus = .attributes
        apply(.add(a, delta))
      } else if m.y == g.intensityY && layout.expression.inner.contains(x: m.x, y: m.y) {
        apply(.intensity(min(1, max(0, session.state.intensity + delta))))
      }
    }
  }

  private func beginDrag(_ track: SliderTrack, _ command: @escaping (Float) -> Command, at x: Int) {
    guard session.source != nil else {
      say("no source open — press o to open a sketch or photo", error: true)
      return
    }
    drag = (command, track, session.state, nil)
    let c = command(track.value(atColumn: x))
    try? session.preview(c)
    drag?.last = c
    requestRender()
  }
}
