// `visage edit`: start-up, the event loop and shutdown.

import CNcurses
import Foundation
import Imaging
import Studio

/// Options of `visage edit`.
public struct EditorOptions {
  /// File to open; nil offers to restore the journaled session or opens the sample.
  public var file: String?
  /// Keys fed to the UI before the terminal's own input (`--keys`).
  public var keys: [Key] = []
  /// Forced graphics mode (`--graphics=`).
  public var graphics: GraphicsMode?
  /// Forced cell size (`--cell-size=WxH`).
  public var cellSize: CellSize?
  /// Model directory (default `ModelRenderer.defaultDirectory()`).
  public var modelDirectory: String?

  public init() {}
}

/// The full-screen editor.
public enum EditorApp {
  /// Runs the editor; returns the exit status.
  public static func run(_ options: EditorOptions) -> Int32 {
    guard isatty(0) == 1 && isatty(1) == 1 else {
      FileHandle.standardError.write(
        Data(
          ("visage edit needs a terminal (stdin/stdout is not a tty); "
            + "for batch edits use: visage script FILE\n").utf8))
      return 2
    }
    let (caps, _) = TerminalProbe.detect(
      environment: ProcessInfo.processInfo.environment, forcedMode: options.graphics,
      forcedCell: options.cellSize)
    let renderer = ModelRenderer(
      directory: options.modelDirectory ?? ModelRenderer.defaultDirectory())
    let session = Session(renderer: renderer, journal: Journal(), macros: MacroStore())
    let worker = RenderWorker(renderer: renderer)
    let terminal = TerminalSession()
    terminal.start()
    let screen = EditorScreen(capabilities: caps)
    let controller = EditorController(
      session: session, worker: worker,
      layout: Layout(columns: Int(cn_cols()), rows: Int(cn_lines())))
    controller.capabilities = caps
    open(options.file, controller)
    if !renderer.status.problems.isEmpty, case .normal = controller.mode {
      let opened = controller.message.map { $0.text + " — " } ?? ""
      controller.say(
        opened + renderer.status.problems.joined(separator: "; ")
          + " — results show the source until weights exist", error: true)
    }

    // VISAGE_KEYLOG=FILE logs every input event (for debugging terminals and tests).
    let keyLog = ProcessInfo.processInfo.environment["VISAGE_KEYLOG"].flatMap { path in
      _ = FileManager.default.createFile(atPath: path, contents: nil)
      return FileHandle(forWritingAtPath: path)
    }
    var keys = options.keys[...]
    var drawnVersion = -1
    var drawnImages = -1
    var exitCode: Int32 = 0
    var ticks = 0
    while !controller.quit {
      if terminal.quitSignal != 0 {
        exitCode = 128 + terminal.quitSignal
        break
      }
      ticks += 1
      if ticks % 32 == 0 && isatty(0) == 0 {
        exitCode = 129  // the terminal went away without a SIGHUP
        break
      }
      controller.collect()
      if controller.version != drawnVersion || controller.imageVersion != drawnImages {
        drawnVersion = controller.version
        drawnImages = controller.imageVersion
        screen.draw(controller)
      }
      var key: Key?
      if let next = keys.first {
        if next == .wait {
          if controller.upToDate { keys.removeFirst() }
          key = terminal.read(timeout: 5)
        } else {
          keys.removeFirst()
          key = next
          if keys.isEmpty && next == .char("q") {
            controller.handle(next)
            key = controller.awaitingRegister ? .enter : nil  // a final q quits
          }
        }
      } else {
        key = terminal.read(timeout: 30)
      }
      guard let key else { continue }
      if let log = keyLog { log.write(Data((KeyNotation.text(key) + "\n").utf8)) }
      if key == .resize {
        controller.layout = Layout(columns: Int(cn_cols()), rows: Int(cn_lines()))
        if let w = TerminalProbe.windowSize()?.cellSize, options.cellSize == nil {
          screen.capabilities.cellSize = w
          controller.capabilities.cellSize = w
        }
        clearok(cn_curscr(), true)
        screen.invalidate()
        terminal.enableDragReports()
        controller.say("resized to \(cn_cols())×\(cn_lines())")
        continue
      }
      if key == .ctrl("z") {
        controller.finishGestures()
        let stopped = terminal.suspend()
        controller.layout = Layout(columns: Int(cn_cols()), rows: Int(cn_lines()))
        screen.invalidate()
        controller.say(
          stopped ? "welcome back" : "Ctrl-Z: no job control here (SIGTSTP is ignored)")
        continue
      }
      if key == .ctrl("l") {
        clearok(cn_curscr(), true)
        screen.invalidate()
      }
      controller.handle(key)
    }
    worker.stop()
    if screen.capabilities.mode == .kitty { TerminalProbe.writeAll(KittyEncoder.deleteAll()) }
    if session.recording != nil { _ = try? session.stopRecording() }
    session.journal?.close()
    terminal.stop()
    if session.modified {
      print("visage: unsaved edits are kept in the journal — `visage edit` restores them")
    }
    return exitCode
  }

  /// Opens `file`, or offers the journaled session, or opens the bundled sample.
  static func open(_ file: String?, _ c: EditorController) {
    if let file {
      c.apply(.open(path: file, kind: nil))
      return
    }
    let openSample = {
      if let sample = samplePath() {
        c.apply(.open(path: sample, kind: nil))
      } else {
        c.say("no file given — press o to open a sketch or photo")
      }
    }
    if let last = Journal.lastSession(), let state = last.current, let path = state.sourcePath,
      FileManager.default.fileExists(atPath: path)
    {
      let name = (path as NSString).lastPathComponent
      let when = Date(timeIntervalSince1970: last.started)
      let f = DateFormatter()
      f.dateFormat = "HH:mm"
      let how = last.closed ? "last session" : "unfinished session (editor was killed)"
      c.confirm(
        "Restore the \(how) from \(f.string(from: when)): \(name)?"
      ) { yes in
        if yes {
          do {
            try c.session.restore(last)
            c.sourceChanged()
            c.say("restored \(name) with \(c.session.undoDepth) changes (u undoes them)")
          } catch {
            c.say("cannot restore: \(error)", error: true)
            openSample()
          }
        } else {
          openSample()
        }
      }
      return
    }
    openSample()
  }

  /// `assets/samples/sketch.png` in the working directory or above the executable.
  public static func samplePath() -> String? {
    let fm = FileManager.default
    let local = SourceLoader.absolute("assets/samples/sketch.png")
    if fm.fileExists(atPath: local) { return local }
    var dir = (CommandLine.arguments.first.map(SourceLoader.absolute) ?? "/") as NSString
    for _ in 0..<5 {
      dir = dir.deletingLastPathComponent as NSString
      let candidate = dir.appendingPathComponent("assets/samples/sketch.png")
      if fm.fileExists(atPath: candidate) { return candidate }
    }
    return nil
  }
}
