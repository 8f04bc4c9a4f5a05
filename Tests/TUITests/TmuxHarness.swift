// Runs the built `visage` binary inside a detached tmux session and reads its screen.

import Foundation
import XCTest

/// A private tmux server with one session running `visage` at a fixed size.
final class TmuxHarness {
  let tmux: String
  let binary: String
  let socket = "visage-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  /// The current session; `start(…, session:)` switches to another one.
  private(set) var session = "ed"
  let directory: String
  let env: [String: String]

  /// Finds tmux and the binary; throws XCTSkip only when one of them is missing.
  init() throws {
    guard let tmux = TmuxHarness.which("tmux") else {
      throw XCTSkip("tmux is not installed (make deps installs it)")
    }
    guard let binary = TmuxHarness.visageBinary() else {
      throw XCTSkip("visage binary not found next to the test bundle (build it first)")
    }
    self.tmux = tmux
    self.binary = binary
    directory = NSTemporaryDirectory() + "tui-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    env = [
      "TERM": "xterm-256color", "VISAGE_STATE_DIR": directory + "/state",
      "VISAGE_CONFIG_DIR": directory + "/config", "VISAGE_MODELS": directory + "/nomodels",
      "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "VISAGE_KEYLOG": directory + "/keys.log",
      "SWIFT_BACKTRACE": "enable=no",
    ]
    try TmuxHarness.writeSample(to: directory + "/sketch.png")
  }

  deinit {
    _ = try? run([tmux, "-L", socket, "kill-server"])
    // tmux leaves the socket file behind when its server is killed.
    try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// The `visage` executable beside the running test bundle (`.build/<config>/`).
  static func visageBinary() -> String? {
    var candidates: [String] = []
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      candidates.append(exe)
    }
    candidates.append(CommandLine.arguments.first ?? "")
    candidates.append(contentsOf: CommandLine.arguments.filter { $0.hasSuffix(".xctest") })
    for c in candidates where !c.isEmpty {
      var dir = URL(fileURLWithPath: c).deletingLastPathComponent()
      for _ in 0..<4 {
        let bin = dir.appendingPathComponent("visage").path
        if FileManager.default.isExecutableFile(atPath: bin) { return bin }
        dir = dir.deletingLastPathComponent()
      }
    }
    return nil
  }

  static func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
      let p = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  /// Copies the bundled sample sketch, or draws a simple one.
  static func writeSample(to path: String) throws {
    if let bin = visageBinary() {
      var dir = URL(fileURLWithPath: bin).deletingLastPathComponent()
      for _ in 0..<4 {
        let sample = dir.appendingPathComponent("assets/samples/sketch.png").path
        if FileManager.default.fileExists(atPath: sample) {
          try FileManager.default.copyItem(atPath: sample, toPath: path)
          return
        }
        dir = dir.deletingLastPathComponent()
      }
    }
    XCTFail("assets/samples/sketch.png not found above \(visageBinary() ?? "?")")
  }

  /// Starts `visage ARGS` in the session.
  ///
  /// With `exec`, the pane's process is visage itself and the pane stays after it exits
  /// (for exit status and kill tests).
  func start(
    _ args: String, width: Int = 100, height: Int = 30, exec: Bool = false,
    session name: String = "ed"
  ) throws {
    session = name
    let envText = env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      .joined(separator: " ")
    let command =
      exec
      ? "cd \(directory) && exec env \(envText) \(binary) \(args)"
      : "cd \(directory) && env \(envText) \(binary) \(args); echo EXITED $?; sleep 600"
    try run(
      detached: true,
      [
        tmux, "-u", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", session,
        "-x", "\(width)",
        "-y", "\(height)", command,
      ])
    if exec { try run([tmux, "-L", socket, "set-option", "-t", session, "remain-on-exit", "on"]) }
  }

  /// Starts an interactive bash (job control on) and types `visage ARGS` into it.
  func startInShell(_ args: String, width: Int = 100, height: Int = 30) throws {
    guard let bash = TmuxHarness.which("bash") else { throw XCTSkip("bash is not installed") }
    session = "sh"
    try run(
      detached: true,
      [
        tmux, "-u", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", session,
        "-x", "\(width)", "-y", "\(height)", "\(bash) --norc --noprofile -i",
      ])
    let envText = env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      .joined(separator: " ")
    try text("PS1='$ '; cd \(directory) && env \(envText) \(binary) \(args); echo EXITED $?")
    try keys("Enter")
  }

  /// The visible screen text.
  func screen() -> String {
    (try? run([tmux, "-u", "-L", socket, "capture-pane", "-p", "-t", session])) ?? ""
  }

  /// Sends tmux key names (`Right`, `S-Right`, `Enter`, `C-c`).
  func keys(_ names: String...) throws {
    try run([tmux, "-L", socket, "send-keys", "-t", session] + names)
  }

  /// Sends literal text (including raw escape sequences such as SGR mouse reports).
  func text(_ s: String) throws {
    try run([tmux, "-L", socket, "send-keys", "-t", session, "-l", s])
  }

  /// An SGR mouse report: button 0 press (`M`), motion with button (32), release (`m`).
  func mouse(_ kind: String, x: Int, y: Int) throws {
    switch kind {
    case "press": try text("\u{1B}[<0;\(x + 1);\(y + 1)M")
    case "drag": try text("\u{1B}[<32;\(x + 1);\(y + 1)M")
    case "release": try text("\u{1B}[<0;\(x + 1);\(y + 1)m")
    case "wheelup": try text("\u{1B}[<64;\(x + 1);\(y + 1)M")
    default: XCTFail("unknown mouse kind \(kind)")
    }
  }

  /// A tmux format value of the pane, such as `#{pane_pid}`.
  func paneValue(_ format: String) -> String {
    ((try? run([tmux, "-L", socket, "display-message", "-p", "-t", session, format])) ?? "")
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func resize(width: Int, height: Int) throws {
    try run([
      tmux, "-L", socket, "resize-window", "-t", session, "-x", "\(width)", "-y", "\(height)",
    ])
  }

  /// Polls the screen until `predicate` holds; fails with the last screen after `timeout`.
  @discardableResult
  func waitFor(
    _ what: String, timeout: Double = 15, file: StaticString = #filePath, line: UInt = #line,
    _ predicate: (String) -> Bool
  ) -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = screen()
      if predicate(last) { return last }
      usleep(50_000)
    }
    let keys = (try? String(contentsOfFile: directory + "/keys.log", encoding: .utf8)) ?? ""
    XCTFail(
      "timed out waiting for \(what); screen:\n\(last)\nkeys received:\n\(keys)",
      file: file, line: line)
    return last
  }

  /// Waits until the screen contains `text`.
  @discardableResult
  func waitFor(
    text: String, timeout: Double = 15, file: StaticString = #filePath, line: UInt = #line
  ) -> String {
    waitFor("'\(text)'", timeout: timeout, file: file, line: line) { $0.contains(text) }
  }

  /// The screen row holding the slider of `name`, such as "Smiling".
  func sliderRow(_ name: String) -> String {
    screen().split(separator: "\n").first { $0.contains(" \(name) ") }.map(String.init) ?? ""
  }

  /// Runs a command and returns its output.
  ///
  /// `detached` commands may start the tmux server, which would keep an output pipe open
  /// forever, so their output goes to /dev/null. Uses posix_spawn and waitpid because
  /// Foundation's `Process.waitUntilExit` can hang here.
  @discardableResult
  func run(detached: Bool = false, _ argv: [String]) throws -> String {
    try TmuxHarness.spawn(argv, capture: !detached).output
  }

  /// Spawns `argv`, optionally capturing stdout and stderr; returns (status, output).
  static func spawn(_ argv: [String], capture: Bool, stdinNull: Bool = true) throws
    -> (status: Int32, output: String)
  {
    var fds: [Int32] = [-1, -1]
    if capture { guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if stdinNull { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
    if capture {
      posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
      posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
      posix_spawn_file_actions_addclose(&actions, fds[0])
      posix_spawn_file_actions_addclose(&actions, fds[1])
    } else {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cargs { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .ENOENT) }
    var output = [UInt8]()
    if capture {
      close(fds[1])
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
        if n <= 0 { break }
        output += buffer[0..<n]
      }
      close(fds[0])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (code, String(decoding: output, as: UTF8.self))
  }
}
