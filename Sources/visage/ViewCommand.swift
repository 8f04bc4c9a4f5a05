// `visage view FILE…`: show images in the terminal with the best available mode.
import Imaging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Usage text for `visage view`.
private let viewUsage = """
  usage: visage view FILE... [--size WxH] [--graphics=sixel|kitty|truecolor|256|ascii]
                             [--cell-size WxH] [--fast] [--debug-term]
    --size WxH       fit each image into W columns by H rows (default: the terminal)
    --graphics MODE  force a mode instead of detecting it
    --cell-size WxH  cell size in pixels (default: detected, else 10x20)
    --fast           use the fast drag-path encoders (fixed palette, ordered dither)
    --debug-term     print the detected terminal capabilities to stderr

  """

/// Runs `visage view`; returns the process exit status (0 ok, 1 a file failed, 2 usage).
func runViewCommand(_ arguments: [String]) -> Int32 {
  var files: [String] = []
  var size: (Int, Int?)? = nil
  var forcedMode: GraphicsMode? = nil
  var forcedCell: CellSize? = nil
  var fast = false, debug = false
  func fail(_ message: String) -> Int32 {
    writeError("visage view: \(message)\n" + viewUsage)
    return 2
  }
  var index = 0
  while index < arguments.count {
    let argument = arguments[index]
    index += 1
    var name = argument, value: String? = nil
    if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
      name = String(argument[..<eq])
      value = String(argument[argument.index(after: eq)...])
    }
    func takeValue() -> String? {
      if let value { return value }
      guard index < arguments.count else { return nil }
      index += 1
      return arguments[index - 1]
    }
    switch name {
    case "-h", "--help":
      writeOut(Array(viewUsage.utf8))
      return 0
    case "--size", "-s":
      guard let text = takeValue(), let parsed = parseSize(text) else {
        return fail("--size expects WxH (columns x rows) or W")
      }
      size = parsed
    case "--graphics", "-g":
      guard let text = takeValue(), let mode = GraphicsMode(argument: text) else {
        return fail("--graphics expects sixel, kitty, truecolor, 256 or ascii")
      }
      forcedMode = mode
    case "--cell-size":
      guard let text = takeValue(), let cell = CellSize(parsing: text) else {
        return fail("--cell-size expects WxH in pixels, e.g. 10x20")
      }
      forcedCell = cell
    case "--fast":
      fast = true
    case "--debug-term":
      debug = true
    case "--":
      files.append(contentsOf: arguments[index...])
      index = arguments.count
    default:
      if argument.hasPrefix("-") && argument.count > 1 { return fail("unknown option \(argument)") }
      files.append(argument)
    }
  }
  if files.isEmpty { return fail("no image files given") }

  var environment: [String: String] = [:]
  for key in [
    "TERM", "COLORTERM", "TMUX", "STY", "TERM_PROGRAM", "VTE_VERSION", "KITTY_WINDOW_ID",
    "GHOSTTY_RESOURCES_DIR", "GHOSTTY_BIN_DIR", "KONSOLE_VERSION", "MLTERM",
  ] {
    if let value = getenv(key) { environment[key] = String(cString: value) }
  }
  let (caps, window) = TerminalProbe.detect(
    environment: environment, forcedMode: forcedMode, forcedCell: forcedCell)
  if debug {
    writeError(
      "visage view: mode \(caps.mode.rawValue), cell \(caps.cellSize), "
        + "window \(window.map { "\($0.columns)x\($0.rows)" } ?? "unknown"): \(caps.reason)\n")
  }
  // Fit into the terminal, leaving a row for the prompt (and the cursor after sixel).
  var columns = window?.columns ?? 80
  var rows = max(1, (window?.rows ?? 25) - 1)
  if let size {
    columns = size.0
    rows = size.1 ?? 10_000  // width only: fit to the width
  }
  var status: Int32 = 0
  for file in files {
    let image: Image
    do {
      image = try ImageIO.read(path: file)
    } catch {
      writeError("visage view: \(error)\n")
      status = 1
      continue
    }
    // Like timg: pixel modes show small images at their own size unless --size asks.
    var bytes = TerminalRenderer.render(
      image, mode: caps.mode, columns: columns, rows: rows, cellSize: caps.cellSize, fast: fast,
      upscalePixels: size != nil)
    bytes.append(0x0A)
    if !writeOut(bytes) { return 1 }
  }
  return status
}

/// Parses "WxH" or "W" (cells).
private func parseSize(_ text: String) -> (Int, Int?)? {
  let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
  guard let w = Int(parts[0]), w > 0, w <= 10_000 else { return nil }
  if parts.count == 1 { return (w, nil) }
  guard parts.count == 2, let h = Int(parts[1]), h > 0, h <= 10_000 else { return nil }
  return (w, h)
}

@discardableResult
private func writeOut(_ bytes: [UInt8]) -> Bool { TerminalProbe.writeAll(bytes, to: 1) }

private func writeError(_ text: String) { TerminalProbe.writeAll(Array(text.utf8), to: 2) }
