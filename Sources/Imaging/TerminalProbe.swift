// The small tty part of capability detection: raw mode, one query batch, poll, restore.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Talks to the controlling terminal.
///
/// Everything else in detection is pure.
public enum TerminalProbe {
  /// The query batch, DA1 last: cell size (`CSI 16 t`), text area (`CSI 14 t`), sixel
  /// geometry and colour registers (XTSMGRAPHICS), kitty graphics, XTVERSION,
  /// synchronized output (DECRQM 2026), then DA1 (`CSI c`).
  public static let queries =
    "\u{1B}[16t\u{1B}[14t\u{1B}[?2;1;0S\u{1B}[?1;1;0S"
    + "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[>0q\u{1B}[?2026$p\u{1B}[c"

  /// True when both standard input and output are terminals.
  public static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

  /// The window size of standard output (or /dev/tty), if any.
  public static func windowSize() -> WindowSize? {
    var size = winsize()
    var ok = ioctl(1, UInt(TIOCGWINSZ), &size) == 0
    if !ok {
      let fd = open("/dev/tty", O_RDONLY | O_NOCTTY)
      if fd >= 0 {
        ok = ioctl(fd, UInt(TIOCGWINSZ), &size) == 0
        close(fd)
      }
    }
    guard ok, size.ws_col > 0, size.ws_row > 0 else { return nil }
    return WindowSize(
      columns: Int(size.ws_col), rows: Int(size.ws_row), pixelWidth: Int(size.ws_xpixel),
      pixelHeight: Int(size.ws_ypixel))
  }

  /// Sends the query batch to /dev/tty in raw mode and collects the replies.
  ///
  /// Reads until DA1 arrives or `timeoutMilliseconds` pass. Returns nil without a tty.
  public static func probe(timeoutMilliseconds: Int = 300) -> ProbeReplies? {
    let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var saved = termios()
    guard tcgetattr(fd, &saved) == 0 else { return nil }
    var raw = saved
    cfmakeraw(&raw)
    guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
    defer { _ = tcsetattr(fd, TCSANOW, &saved) }
    let query = Array(queries.utf8)
    let written = query.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == query.count else { return nil }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1024)
    let deadline = monotonicMilliseconds() + timeoutMilliseconds
    var replies = ProbeReplies()
    while true {
      let remaining = deadline - monotonicMilliseconds()
      if remaining <= 0 { break }
      var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&pfd, 1, Int32(remaining))
      if ready < 0 && errno == EINTR { continue }
      if ready <= 0 { break }
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      received.append(contentsOf: buffer[0..<n])
      replies = ProbeReplies.parse(received)
      if replies.isComplete { break }
    }
    return replies
  }

  /// Detects capabilities for the current process: probes only when interactive.
  public static func detect(
    environment: [String: String], forcedMode: GraphicsMode? = nil,
    forcedCell: CellSize? = nil
  ) -> (TerminalCapabilities, WindowSize?) {
    let interactive = isInteractive
    let window = windowSize()
    let term = environment["TERM"] ?? ""
    // Probe for the mode, or for the cell size when a pixel mode is forced without one.
    let needCell =
      (forcedMode == .sixel || forcedMode == .kitty) && forcedCell == nil
      && window?.cellSize == nil
    let mayProbe =
      interactive && !term.isEmpty && term != "dumb" && (forcedMode == nil || needCell)
    let replies = mayProbe ? probe() : nil
    let caps = TerminalCapabilities.decide(
      environment: environment, replies: replies, window: window, isTTY: interactive,
      forcedMode: forcedMode, forcedCell: forcedCell)
    return (caps, window)
  }

  static func monotonicMilliseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
  }

  /// Writes all of `bytes` to `fd` in as few writes as possible (retries partial writes).
  @discardableResult
  public static func writeAll(_ bytes: [UInt8], to fd: Int32 = 1) -> Bool {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR || errno == EAGAIN { continue }
          return false
        }
        offset += n
      }
      return true
    }
  }
}
