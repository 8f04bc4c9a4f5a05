// ncurses start-up and shutdown, mouse modes, and restoring the terminal on every exit path.

import CNcurses
import Foundation
import Imaging

/// Owns the ncurses screen: starts it, and always gives the terminal back.
///
/// Exit paths covered: normal return, `exit()` (atexit), SIGTERM/SIGINT/SIGHUP (a flag the
/// main loop polls), and crashes (SEGV, ILL, TRAP, ABRT, BUS, FPE: the reset sequence is
/// written from the signal handler before the previous handler runs).
public final class TerminalSession {
  /// True once `start` ran and `stop` has not.
  public private(set) var active = false

  public init() {}

  // The C helpers keep their state (saved termios, quit flag) in function-local statics,
  // which exist once per object file that emits them. Every call that touches that state
  // stays in this file and is never inlined elsewhere, so there is exactly one copy.

  /// Enters the full-screen UI.
  @inline(never)
  public func start() {
    setlocale(LC_ALL, "")
    cn_save_termios()
    cn_install_signal_handlers()
    cn_install_exit_hook()
    initscr()
    raw()
    noecho()
    nonl()
    keypad(cn_stdscr(), true)
    set_escdelay(25)
    curs_set(0)
    if has_colors() {
      start_color()
      use_default_colors()
    }
    // Mouse reports are parsed here, not by ncurses: with several reports queued (a fast
    // drag on a busy machine) ncurses merges them and drops presses. KEY_MOUSE is disabled
    // so `ESC [ < b ; x ; y M/m` arrives as plain characters.
    keyok(KEY_MOUSE, false)
    active = true
    cn_set_ui_active(1)
    enableDragReports()
  }

  /// Turns on button-event mouse tracking with SGR coordinates.
  ///
  /// Modes 1000 + 1002 report presses and drags; 1006 has no 223-column limit. Sent again
  /// after resizes.
  public func enableDragReports() {
    TerminalProbe.writeAll(Array("\u{1B}[?1000h\u{1B}[?1002h\u{1B}[?1006h".utf8))
  }

  /// Turns the mouse tracking of ``enableDragReports()`` off.
  func disableDragReports() {
    TerminalProbe.writeAll(Array("\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?1000l".utf8))
  }

  /// Leaves the UI and restores the terminal.
  @inline(never)
  public func stop() {
    guard active else { return }
    active = false
    cn_set_ui_active(0)
    disableDragReports()
    endwin()
    TerminalProbe.writeAll(Array("\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l\u{1B}[?1000l".utf8))
  }

  /// Hands the terminal back to the shell and stops the process (Ctrl-Z); returns after `fg`
  /// (false when there is no job control and nothing was stopped).
  ///
  /// Mouse reports are turned off while stopped so the shell does not receive them; the
  /// caller redraws everything afterwards.
  @discardableResult
  @inline(never)
  public func suspend() -> Bool {
    guard active else { return false }
    disableDragReports()
    endwin()
    cn_set_ui_active(0)
    let stopped = cn_stop_self() != 0
    cn_set_ui_active(1)
    reset_prog_mode()
    clearok(cn_curscr(), true)
    enableDragReports()
    buttonDown = false
    return stopped
  }

  /// The signal that asked to quit, or 0.
  public var quitSignal: Int32 { pendingQuitSignal() }

  @inline(never)
  private func pendingQuitSignal() -> Int32 { cn_pending_quit_signal() }

  /// Events read ahead while looking for a mouse report.
  private var pushback: [Key] = []

  /// Reads one event, waiting at most `milliseconds` (nil when none arrived).
  public func read(timeout milliseconds: Int32) -> Key? {
    if !pushback.isEmpty { return pushback.removeFirst() }
    guard let key = readRaw(timeout: milliseconds) else { return nil }
    guard key == .escape else { return key }
    // ESC [ < b ; x ; y (M|m): an SGR mouse report.
    var consumed: [Key] = []
    func next() -> Key? {
      let k = readRaw(timeout: 10)
      if let k { consumed.append(k) }
      return k
    }
    guard next() == .char("["), next() == .char("<") else {
      pushback += consumed
      return .escape
    }
    var body = ""
    while body.count < 24, let k = next() {
      guard case .char(let c) = k else { break }
      if c == "M" || c == "m" {
        if let m = TerminalSession.parseSGR(body, final: c, buttonDown: &buttonDown) {
          return .mouse(m)
        }
        return read(timeout: 0)
      }
      body.append(c)
    }
    pushback += consumed
    return .escape
  }

  /// Decodes the body `b;x;y` of an SGR mouse report ending in `final`.
  static func parseSGR(_ body: String, final: Character, buttonDown: inout Bool) -> MouseEvent? {
    let parts = body.split(separator: ";").compactMap { Int($0) }
    guard parts.count == 3 else { return nil }
    let (b, x, y) = (parts[0], parts[1] - 1, parts[2] - 1)
    if b & 64 != 0 { return MouseEvent(b & 1 == 0 ? .wheelUp : .wheelDown, x: x, y: y) }
    guard b & 3 == 0 else { return nil }  // left button only
    if final == "m" {
      buttonDown = false
      return MouseEvent(.release, x: x, y: y)
    }
    if b & 32 != 0 { return buttonDown ? MouseEvent(.drag, x: x, y: y) : nil }
    buttonDown = true
    return MouseEvent(.press, x: x, y: y)
  }

  private func readRaw(timeout milliseconds: Int32) -> Key? {
    wtimeout(cn_stdscr(), milliseconds)
    var ch: wint_t = 0
    let r = wget_wch(cn_stdscr(), &ch)
    if r == ERR { return nil }
    if r == KEY_CODE_YES { return special(Int32(ch)) }
    switch ch {
    case 3: return .ctrl("c")
    case 9: return .tab
    case 10, 13: return .enter
    case 27: return .escape
    case 8, 127: return .backspace
    case 1...26: return .ctrl(Character(Unicode.Scalar(ch + 96)!))
    default:
      guard let s = Unicode.Scalar(ch) else { return nil }
      return .char(Character(s))
    }
  }

  private var buttonDown = false

  private func special(_ code: Int32) -> Key? {
    switch code {
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_SLEFT: return .shiftLeft
    case KEY_SRIGHT: return .shiftRight
    case KEY_SR: return .shiftUp
    case KEY_SF: return .shiftDown
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_ENTER: return .enter
    case KEY_BTAB: return .backTab
    case KEY_BACKSPACE: return .backspace
    case KEY_DC: return .delete
    case KEY_RESIZE: return .resize
    default: return nil
    }
  }
}
