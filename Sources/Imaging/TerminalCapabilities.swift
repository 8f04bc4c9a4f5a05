// Terminal capability decisions from probe replies and the environment (pure functions).

/// A size in pixels.
public struct PixelSize: Equatable, Sendable {
  public var width: Int
  public var height: Int
  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }
}

/// The window size from `TIOCGWINSZ`: cells and (if the terminal reports them) pixels.
public struct WindowSize: Equatable, Sendable {
  public var columns: Int
  public var rows: Int
  public var pixelWidth: Int
  public var pixelHeight: Int
  public init(columns: Int, rows: Int, pixelWidth: Int = 0, pixelHeight: Int = 0) {
    self.columns = columns
    self.rows = rows
    self.pixelWidth = pixelWidth
    self.pixelHeight = pixelHeight
  }

  /// Cell size from the pixel fields, if plausible (at least 2×4 pixels per cell).
  public var cellSize: CellSize? {
    guard columns > 0, rows > 0 else { return nil }
    let w = pixelWidth / columns, h = pixelHeight / rows
    return w >= 2 && h >= 4 ? CellSize(width: w, height: h) : nil
  }
}

/// What the terminal answered to the probe batch (see `TerminalProbe.queries`).
public struct ProbeReplies: Equatable, Sendable {
  /// DA1 parameters (`CSI ? 62 ; 4 ; … c`); `nil` until the reply arrives.
  public var deviceAttributes: [Int]?
  /// Cell size from `CSI 6 ; h ; w t`.
  public var cellSize: CellSize?
  /// Text area from `CSI 4 ; h ; w t`.
  public var textArea: PixelSize?
  /// Maximum sixel geometry from `CSI ? 2 ; 0 ; W ; H S`.
  public var sixelGeometry: PixelSize?
  /// Colour registers from `CSI ? 1 ; 0 ; N S`.
  public var colorRegisters: Int?
  /// The kitty graphics query was answered OK.
  public var kittyGraphics = false
  /// XTVERSION name (`DCS > | name ST`).
  public var terminalName: String?
  /// Synchronized output (mode 2026) is recognized.
  public var synchronizedOutput = false

  public init() {}

  /// True once the DA1 reply (the last query) has arrived.
  public var isComplete: Bool { deviceAttributes != nil }

  /// DA1 lists parameter 4 (sixel graphics).
  public var sixel: Bool { deviceAttributes?.contains(4) ?? false }

  /// Parses every reply found in `bytes`; unknown or partial sequences are skipped.
  public static func parse(_ bytes: [UInt8]) -> ProbeReplies {
    var replies = ProbeReplies()
    var i = 0
    let n = bytes.count
    while i < n {
      guard bytes[i] == 0x1B, i + 1 < n else {
        i += 1
        continue
      }
      let kind = bytes[i + 1]
      if kind == 0x5B {  // CSI
        var j = i + 2
        var prefix: UInt8 = 0
        if j < n, [0x3F, 0x3E, 0x3C, 0x3D].contains(bytes[j]) {
          prefix = bytes[j]
          j += 1
        }
        var params: [Int] = []
        var current = 0, hasDigits = false
        var intermediate: UInt8 = 0
        while j < n, (0x20...0x3F).contains(bytes[j]) {
          let b = bytes[j]
          if (0x30...0x39).contains(b) {
            current = min(current * 10 + Int(b - 0x30), 1_000_000)
            hasDigits = true
          } else if b == 0x3B || b == 0x3A {
            params.append(hasDigits ? current : 0)
            current = 0
            hasDigits = false
          } else if (0x20...0x2F).contains(b) {
            intermediate = b
          }
          j += 1
        }
        guard j < n else { break }
        if hasDigits || !params.isEmpty { params.append(hasDigits ? current : 0) }
        let final = bytes[j]
        replies.apply(csi: final, prefix: prefix, intermediate: intermediate, params: params)
        i = j + 1
      } else if kind == 0x5F || kind == 0x50 {  // APC or DCS, up to ST (ESC \) or BEL
        var j = i + 2
        while j < n && bytes[j] != 0x07 && !(bytes[j] == 0x1B && j + 1 < n && bytes[j + 1] == 0x5C)
        {
          j += 1
        }
        guard j < n else { break }
        let body = String(decoding: bytes[(i + 2)..<j], as: UTF8.self)
        if kind == 0x5F {
          if body.hasPrefix("G") && body.contains("i=31") && body.hasSuffix(";OK") {
            replies.kittyGraphics = true
          }
        } else if body.hasPrefix(">|") {
          replies.terminalName = String(body.dropFirst(2))
        }
        i = j + (bytes[j] == 0x07 ? 1 : 2)
      } else {
        i += 2
      }
    }
    return replies
  }

  mutating func apply(csi final: UInt8, prefix: UInt8, intermediate: UInt8, params: [Int]) {
    switch (final, prefix) {
    case (0x63, 0x3F):  // 'c' with '?': DA1
      deviceAttributes = params
    case (0x74, 0):  // 't'
      if params.count >= 3 && params[1] > 0 && params[2] > 0 {
        if params[0] == 6 {
          cellSize = CellSize(width: params[2], height: params[1])
        } else if params[0] == 4 {
          textArea = PixelSize(width: params[2], height: params[1])
        }
      }
    case (0x53, 0x3F):  // 'S' with '?': XTSMGRAPHICS
      if params.count >= 4 && params[0] == 2 && params[1] == 0 {
        sixelGeometry = PixelSize(width: params[2], height: params[3])
      } else if params.count >= 3 && params[0] == 1 && params[1] == 0 {
        colorRegisters = params[2]
      }
    case (0x79, 0x3F) where intermediate == 0x24:  // DECRPM '$y'
      if params.count >= 2 && params[0] == 2026 { synchronizedOutput = (1...3).contains(params[1]) }
    default:
      break
    }
  }
}

/// The chosen way to draw images, and why.
public struct TerminalCapabilities: Equatable, Sendable {
  public var mode: GraphicsMode
  public var cellSize: CellSize
  /// Inside tmux or screen.
  public var multiplexer: Bool
  /// Synchronized output (`CSI ? 2026 h/l`) may be used around frames.
  public var synchronizedOutput: Bool
  /// A short explanation such as "sixel (DA1 lists 4)".
  public var reason: String

  /// Decides the graphics mode and cell size.
  ///
  /// Order: `forcedMode`; not a tty → ASCII; `TERM` dumb/unset → ASCII; kitty (reply or
  /// env, not in a multiplexer); sixel (DA1 has 4, or without a probe an env hint such as
  /// foot, mlterm, WezTerm, Konsole ≥ 22.03); truecolor (`COLORTERM` truecolor/24bit,
  /// `*-direct`, VTE); `TERM=linux` → ASCII; otherwise 256 colours. Cell size: `forcedCell`,
  /// then `TIOCGWINSZ` pixels, then the `CSI 16 t` reply, then 10×20.
  public static func decide(
    environment env: [String: String], replies: ProbeReplies?, window: WindowSize?,
    isTTY: Bool, forcedMode: GraphicsMode? = nil, forcedCell: CellSize? = nil
  ) -> TerminalCapabilities {
    let term = env["TERM"] ?? ""
    let multiplexer =
      env["TMUX"] != nil || term.hasPrefix("tmux") || term.hasPrefix("screen")
      || env["TERM_PROGRAM"] == "tmux" || env["STY"] != nil
    var cellSize = CellSize.default
    if let forcedCell {
      cellSize = forcedCell
    } else if let fromWindow = window?.cellSize {
      cellSize = fromWindow
    } else if let reply = replies?.cellSize, reply.width >= 2, reply.height >= 4 {
      cellSize = reply
    }
    func result(_ mode: GraphicsMode, _ reason: String) -> TerminalCapabilities {
      TerminalCapabilities(
        mode: mode, cellSize: cellSize, multiplexer: multiplexer,
        synchronizedOutput: replies?.synchronizedOutput ?? false, reason: reason)
    }
    if let forcedMode { return result(forcedMode, "forced by --graphics") }
    if !isTTY { return result(.ascii, "output is not a terminal") }
    if term.isEmpty || term == "dumb" {
      return result(.ascii, "TERM=\(term.isEmpty ? "(unset)" : term)")
    }
    let kittyEnv =
      term == "xterm-kitty" || term == "xterm-ghostty" || env["KITTY_WINDOW_ID"] != nil
      || env["GHOSTTY_RESOURCES_DIR"] != nil || env["GHOSTTY_BIN_DIR"] != nil
    if !multiplexer && (replies?.kittyGraphics == true || (replies == nil && kittyEnv)) {
      return result(.kitty, replies?.kittyGraphics == true ? "kitty graphics reply" : "kitty env")
    }
    if let replies, replies.isComplete {
      if replies.sixel { return result(.sixel, "sixel (DA1 lists 4)") }
    } else if !multiplexer && sixelEnvironmentHint(env) {
      return result(.sixel, "sixel (environment)")
    }
    if kittyEnv && !multiplexer { return result(.kitty, "kitty env") }
    let colorterm = (env["COLORTERM"] ?? "").lowercased()
    if colorterm == "truecolor" || colorterm == "24bit" || term.hasSuffix("-direct")
      || env["VTE_VERSION"] != nil || kittyEnv
    {
      return result(.truecolor, multiplexer ? "truecolor blocks (multiplexer)" : "truecolor")
    }
    if term == "linux" || term == "vt100" || term == "vt220" {
      return result(.ascii, "TERM=\(term) has few colours")
    }
    return result(.color256, "256 colours")
  }

  /// Environment variables that imply sixel support when no probe reply is available.
  public static func sixelEnvironmentHint(_ env: [String: String]) -> Bool {
    let term = env["TERM"] ?? ""
    if term.hasPrefix("foot") || term.hasPrefix("mlterm") || env["MLTERM"] != nil { return true }
    if env["TERM_PROGRAM"] == "WezTerm" { return true }
    if let konsole = env["KONSOLE_VERSION"].flatMap(Int.init), konsole >= 220370 { return true }
    return false
  }
}
