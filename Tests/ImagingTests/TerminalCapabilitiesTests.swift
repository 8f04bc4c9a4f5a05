import Imaging
import XCTest

final class TerminalCapabilitiesTests: XCTestCase {
  func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

  func testParsesXtermVT340Replies() {
    let reply = bytes(
      "\u{1B}[4;484;804t\u{1B}[?2;0;1000;1000S\u{1B}[?1;0;256S"
        + "\u{1B}P>|XTerm(379)\u{1B}\\\u{1B}[?2026;0$y\u{1B}[?63;1;2;4;6;9;15;16;22;28c")
    let r = ProbeReplies.parse(reply)
    XCTAssertEqual(r.deviceAttributes, [63, 1, 2, 4, 6, 9, 15, 16, 22, 28])
    XCTAssertTrue(r.sixel)
    XCTAssertTrue(r.isComplete)
    XCTAssertEqual(r.textArea, PixelSize(width: 804, height: 484))
    XCTAssertEqual(r.sixelGeometry, PixelSize(width: 1000, height: 1000))
    XCTAssertEqual(r.colorRegisters, 256)
    XCTAssertEqual(r.terminalName, "XTerm(379)")
    XCTAssertFalse(r.synchronizedOutput)
    XCTAssertNil(r.cellSize)
  }

  func testParsesOtherReplies() {
    let tmux = ProbeReplies.parse(bytes("\u{1B}P>|tmux 3.3a\u{1B}\\\u{1B}[?1;2c"))
    XCTAssertEqual(tmux.deviceAttributes, [1, 2])
    XCTAssertFalse(tmux.sixel)  // "2" must not be confused with "4"; nor "14" etc.
    XCTAssertFalse(ProbeReplies.parse(bytes("\u{1B}[?62;14;24c")).sixel)
    let wt = ProbeReplies.parse(bytes("\u{1B}[?61;4;6;7;14;21;22;23;24;28;32;42c"))
    XCTAssertTrue(wt.sixel)
    let kitty = ProbeReplies.parse(
      bytes("\u{1B}[6;20;10t\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?2026;2$y\u{1B}[?62;c"))
    XCTAssertTrue(kitty.kittyGraphics)
    XCTAssertEqual(kitty.cellSize, CellSize(width: 10, height: 20))
    XCTAssertTrue(kitty.synchronizedOutput)
    XCTAssertEqual(kitty.deviceAttributes, [62, 0])
    let partial = ProbeReplies.parse(bytes("\u{1B}[6;20;10t\u{1B}[?63;4"))
    XCTAssertFalse(partial.isComplete)
    XCTAssertEqual(partial.cellSize, CellSize(width: 10, height: 20))
    XCTAssertEqual(ProbeReplies.parse(bytes("garbage\u{1B}")), ProbeReplies())
  }

  func decide(
    _ env: [String: String], _ replies: ProbeReplies? = nil, window: WindowSize? = nil,
    tty: Bool = true, forced: GraphicsMode? = nil, cell: CellSize? = nil
  ) -> TerminalCapabilities {
    TerminalCapabilities.decide(
      environment: env, replies: replies, window: window, isTTY: tty, forcedMode: forced,
      forcedCell: cell)
  }

  func testModeDecisions() {
    let sixelReply = ProbeReplies.parse(bytes("\u{1B}[?63;1;2;4;6c"))
    let plainReply = ProbeReplies.parse(bytes("\u{1B}[?62;22c"))
    XCTAssertEqual(decide(["TERM": "xterm-256color"], sixelReply).mode, .sixel)
    XCTAssertEqual(decide(["TERM": "xterm-256color"], plainReply).mode, .color256)
    XCTAssertEqual(
      decide(["TERM": "xterm-256color", "COLORTERM": "truecolor"], plainReply).mode, .truecolor)
    XCTAssertEqual(decide(["TERM": "dumb"], sixelReply).mode, .ascii)
    XCTAssertEqual(decide([:]).mode, .ascii)
    XCTAssertEqual(decide(["TERM": "xterm-256color"], sixelReply, tty: false).mode, .ascii)
    XCTAssertEqual(decide(["TERM": "dumb"], forced: .sixel).mode, .sixel)
    // tmux 3.3: no sixel in DA1 → blocks, truecolor when COLORTERM says so.
    let tmuxReply = ProbeReplies.parse(bytes("\u{1B}[?1;2c"))
    let tmuxEnv = ["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"]
    let inTmux = decide(tmuxEnv, tmuxReply)
    XCTAssertEqual(inTmux.mode, .color256)
    XCTAssertTrue(inTmux.multiplexer)
    XCTAssertEqual(
      decide(tmuxEnv.merging(["COLORTERM": "24bit"]) { $1 }, tmuxReply).mode, .truecolor)
    // Kitty: reply or env (no probe), never through tmux.
    let kittyReply = ProbeReplies.parse(bytes("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62c"))
    XCTAssertEqual(decide(["TERM": "xterm-256color"], kittyReply).mode, .kitty)
    XCTAssertEqual(decide(["TERM": "xterm-kitty"]).mode, .kitty)
    XCTAssertEqual(decide(["TERM": "xterm-kitty", "TMUX": "x"]).mode, .truecolor)
    // Env hints only without a probe reply.
    XCTAssertEqual(decide(["TERM": "foot"]).mode, .sixel)
    XCTAssertEqual(decide(["TERM": "foot"], plainReply).mode, .color256)
    XCTAssertEqual(decide(["TERM": "xterm", "KONSOLE_VERSION": "230401"]).mode, .sixel)
    XCTAssertEqual(decide(["TERM": "linux"]).mode, .ascii)
  }

  func testCellSizeOrder() {
    let reply = ProbeReplies.parse(bytes("\u{1B}[6;18;9t\u{1B}[?62c"))
    let window = WindowSize(columns: 80, rows: 24, pixelWidth: 804, pixelHeight: 484)
    XCTAssertEqual(
      decide(["TERM": "xterm"], reply, window: window).cellSize, CellSize(width: 10, height: 20))
    let noPixels = WindowSize(columns: 80, rows: 24)
    XCTAssertEqual(
      decide(["TERM": "xterm"], reply, window: noPixels).cellSize, CellSize(width: 9, height: 18))
    XCTAssertEqual(decide(["TERM": "xterm"], nil, window: noPixels).cellSize, .default)
    XCTAssertEqual(
      decide(["TERM": "xterm"], reply, window: window, cell: CellSize(width: 7, height: 14))
        .cellSize,
      CellSize(width: 7, height: 14))
    // Contour once reported 0 pixels: rejected rather than divided by.
    let zero = ProbeReplies.parse(bytes("\u{1B}[6;0;0t\u{1B}[?62c"))
    XCTAssertEqual(decide(["TERM": "xterm"], zero, window: noPixels).cellSize, .default)
    XCTAssertEqual(CellSize(parsing: "10x20"), CellSize(width: 10, height: 20))
    XCTAssertNil(CellSize(parsing: "0x20"))
    XCTAssertNil(CellSize(parsing: "ten"))
    XCTAssertEqual(GraphicsMode(argument: "256"), .color256)
    XCTAssertNil(GraphicsMode(argument: "png"))
  }

  func testPlanarRoundTrip() {
    let image = testPattern(width: 5, height: 3, channels: 3)
    let planar = image.planar()
    XCTAssertEqual(planar[15], image[0, 0, 1])
    XCTAssertEqual(Image(width: 5, height: 3, channels: 3, planar: planar), image)
  }
}
