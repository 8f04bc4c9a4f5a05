// Draws the editor with ncurses; images go in cells or straight to the tty after doupdate.

import CNcurses
import FaceSynth
import Foundation
import Imaging
import Studio

/// Paints an `EditorController` onto the ncurses screen.
public final class EditorScreen {
  public var capabilities: TerminalCapabilities
  private var pairs: [Int64: Int32] = [:]
  private var cache: [String: (key: String, grid: CellGrid?, bytes: [UInt8])] = [:]
  private var lastImageVersion = -1
  private var lastOverlay = false
  private var imagesDirty = true

  public init(capabilities: TerminalCapabilities) {
    self.capabilities = capabilities
  }

  /// True when ncurses itself can emit RGB (direct-colour terminfo such as xterm-direct):
  /// truecolor previews then go into cells through `alloc_pair` with RGB colour values.
  var directColor: Bool { capabilities.mode == .truecolor && cn_colors() >= 0x100_0000 }

  /// True when images are written to the tty rather than into ncurses cells: sixel, kitty,
  /// and truecolor blocks on terminals whose terminfo only knows 256 colours.
  var passThrough: Bool {
    capabilities.mode == .sixel || capabilities.mode == .kitty
      || (capabilities.mode == .truecolor && !directColor)
  }

  /// Forces images to be written again (after a resize or a full redraw).
  public func invalidate() {
    imagesDirty = true
    // Kitty placements would stay where the old layout put them.
    if capabilities.mode == .kitty { TerminalProbe.writeAll(KittyEncoder.deleteAll()) }
  }

  private func pair(_ fg: Int32, _ bg: Int32) -> Int32 {
    let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
    if let p = pairs[key] { return p }
    let p = has_colors() ? alloc_pair(fg, bg) : 0
    pairs[key] = max(0, p)
    return max(0, p)
  }

  private func put(
    _ y: Int, _ x: Int, _ text: String, _ attrs: UInt32 = 0, _ pair: Int32 = 0, width: Int? = nil
  ) {
    var t = text
    if let w = width {
      if t.count > w { t = String(t.prefix(max(0, w - 1))) + (w > 0 ? "…" : "") }
      if t.count < w { t += String(repeating: " ", count: w - t.count) }
    }
    _ = cn_print(cn_stdscr(), Int32(y), Int32(x), t, attrs, pair)
  }

  private func box(_ r: Rect, title: String, focused: Bool) {
    guard r.width >= 2, r.height >= 2 else { return }
    let attrs = focused ? cn_attr_bold() : cn_attr_dim()
    let color = focused ? pair(6, -1) : 0
    let h = String(repeating: "─", count: r.width - 2)
    put(r.y, r.x, "┌" + h + "┐", attrs, color)
    for y in (r.y + 1)..<(r.y + r.height - 1) {
      put(y, r.x, "│", attrs, color)
      put(y, r.x + r.width - 1, "│", attrs, color)
    }
    put(r.y + r.height - 1, r.x, "└" + h + "┘", attrs, color)
    if !title.isEmpty {
      put(r.y, r.x + 2, " \(title) ", cn_attr_bold() | (focused ? 0 : 0), color, width: nil)
    }
  }

  /// Draws everything and flushes.
  public func draw(_ c: EditorController) {
    let L = c.layout
    werase(cn_stdscr())
    guard L.fits else {
      put(
        0, 0,
        "terminal too small: need \(Layout.minimum.columns)×\(Layout.minimum.rows),"
          + " now \(L.columns)×\(L.rows)", cn_attr_bold())
      wnoutrefresh(cn_stdscr())
      doupdate()
      if capabilities.mode == .kitty && !imagesDirty {
        TerminalProbe.writeAll(KittyEncoder.deleteAll())
      }
      imagesDirty = true
      return
    }
    drawTitle(c)
    drawPreviews(c)
    drawAttributes(c)
    drawExpression(c)
    drawHint(c)
    drawStatus(c)
    var overlay = false
    if case .help = c.mode {
      overlay = true
      drawHelp(L)
    }
    wnoutrefresh(cn_stdscr())
    doupdate()
    if overlay != lastOverlay || c.imageVersion != lastImageVersion { imagesDirty = true }
    if overlay && !lastOverlay && capabilities.mode == .kitty {
      // Kitty images sit above the text; take them down while the help is up.
      TerminalProbe.writeAll(KittyEncoder.deleteAll())
    }
    lastOverlay = overlay
    lastImageVersion = c.imageVersion
    if passThrough && !overlay && imagesDirty {
      writeImages(c)
    }
    imagesDirty = false
  }

  private func drawTitle(_ c: EditorController) {
    let L = c.layout
    let s = c.session
    var title = " visage"
    if let src = s.source {
      title += " │ \((src.path as NSString).lastPathComponent) (\(src.kind.rawValue))"
      if s.modified { title += " ●" }
    } else {
      title += " │ no source — press o to open a sketch or photo"
    }
    if s.undoDepth > 0 { title += " │ undo \(s.undoDepth)" }
    let right = "? help  : command  ^C quit "
    let bar = pair(15, 24)
    put(0, 0, title, cn_attr_bold(), bar, width: L.columns)
    if L.columns > title.count + right.count + 2 {
      put(0, L.columns - right.count, right, 0, bar)
    }
  }

  private func previewImage(_ c: EditorController, source: Bool) -> Image? {
    if source { return c.sourcePreview }
    return c.showBefore ? c.baseline : c.result
  }

  private func drawPreviews(_ c: EditorController) {
    let L = c.layout
    var sourceTitle = c.session.source.map { "input · \($0.kind.rawValue)" } ?? "input"
    if let (tool, width) = c.canvas { sourceTitle = "draw · \(tool.rawValue) \(width)px" }
    if c.cropBox != nil { sourceTitle = "crop · Enter applies" }
    box(L.source, title: sourceTitle, focused: c.canvas != nil || c.cropBox != nil)
    var resultTitle = c.showBefore ? "BEFORE (unedited)" : "result"
    if !c.upToDate { resultTitle += " …" }
    box(L.result, title: resultTitle, focused: false)
    for (rect, isSource) in [(L.source, true), (L.result, false)] {
      let inner = rect.inner
      guard inner.width > 0, inner.height > 0 else { continue }
      guard let img = previewImage(c, source: isSource) else {
        let text =
          c.session.source == nil ? "" : (c.showBefore ? "rendering before…" : "rendering…")
        put(
          inner.y + inner.height / 2, inner.x + max(0, (inner.width - text.count) / 2), text,
          cn_attr_dim())
        continue
      }
      if passThrough { continue }
      let grid = cellGrid(img, inner, key: isSource ? "source" : "result", c)
      let ox = inner.x + (inner.width - grid.columns) / 2
      let oy = inner.y + (inner.height - grid.rows) / 2
      for row in 0..<grid.rows {
        for col in 0..<grid.columns {
          let cell = grid[col, row]
          _ = cn_put_wch(
            cn_stdscr(), Int32(oy + row), Int32(ox + col), wchar_t(cell.glyph.value), 0,
            pair(color(cell.foreground), color(cell.background)))
        }
      }
    }
  }

  private func color(_ t: TermColor) -> Int32 {
    switch t {
    case .indexed(let i): return Int32(i)
    case .rgb(let c):
      guard directColor else { return Int32(XTermPalette.nearest(c)) }
      // Direct colour: values below 8 are palette indices, so lift near-black by a notch.
      let v = Int32(c.r) << 16 | Int32(c.g) << 8 | Int32(c.b)
      return v < 8 ? 8 : v
    case .terminalDefault: return -1
    }
  }

  private func cellGrid(_ img: Image, _ r: Rect, key: String, _ c: EditorController) -> CellGrid {
    let id =
      "\(c.imageVersion)|\(c.showBefore)|\(r)|\(capabilities.mode)|\(c.session.source?.key ?? "")"
    if let hit = cache[key], hit.key == id, let g = hit.grid { return g }
    let grid: CellGrid
    if capabilities.mode == .ascii {
      grid = AsciiRenderer.render(
        img, columns: r.width, rows: r.height, cellSize: capabilities.cellSize)
    } else {
      grid = BlockRenderer.render(
        img, columns: r.width, rows: r.height, cellSize: capabilities.cellSize, shape: .half,
        depth: capabilities.mode == .color256 ? .indexed256 : .truecolor, fast: c.dragging)
    }
    cache[key] = (id, grid, [])
    return grid
  }

  private func writeImages(_ c: EditorController) {
    var out: [UInt8] = []
    for (rect, isSource) in [(c.layout.source, true), (c.layout.result, false)] {
      let inner = rect.inner
      guard inner.width > 0, inner.height > 0, let img = previewImage(c, source: isSource) else {
        continue
      }
      switch capabilities.mode {
      case .truecolor:
        let g = BlockRenderer.render(
          img, columns: inner.width, rows: inner.height, cellSize: capabilities.cellSize,
          shape: .half, depth: .truecolor)
        let ox = inner.x + (inner.width - g.columns) / 2
        let oy = inner.y + (inner.height - g.rows) / 2
        out += TerminalRenderer.placed(
          g.encoded(origin: (oy + 1, ox + 1)), row: oy + 1, column: ox + 1)
      default:
        let (w, _) = TerminalRenderer.pixelSize(
          for: img, columns: inner.width, rows: inner.height, cellSize: capabilities.cellSize,
          sixel: capabilities.mode == .sixel)
        let cols = (w + capabilities.cellSize.width - 1) / capabilities.cellSize.width
        let ox = inner.x + max(0, (inner.width - cols) / 2)
        let bytes = TerminalRenderer.render(
          img, mode: capabilities.mode, columns: inner.width, rows: inner.height,
          cellSize: capabilities.cellSize, fast: c.dragging, imageID: isSource ? 1 : 2)
        out += TerminalRenderer.placed(
          bytes, row: inner.y + 1, column: ox + 1,
          synchronized: capabilities.synchronizedOutput)
      }
    }
    if !out.isEmpty { TerminalProbe.writeAll(out) }
  }

  private func drawAttributes(_ c: EditorController) {
    let g = c.geometry
    let s = c.session
    let focused = c.focus == .attributes
    box(
      c.layout.attributes, title: "attributes · \(s.state.variant.rawValue.uppercased())",
      focused: focused)
    let inner = c.layout.attributes.inner
    for (i, a) in Vocabulary.attributes.enumerated() {
      let y = g.attributeTop + i
      guard y < inner.y + inner.height else { break }
      let isSel = i == c.selected
      let target = s.state.target(a)
      let score = s.scores.flatMap { i < $0.count ? $0[i] : nil }
      let marker = isSel ? (focused ? "▶" : "›") : " "
      let nameAttrs =
        isSel && focused ? cn_attr_reverse() | cn_attr_bold() : (target != nil ? cn_attr_bold() : 0)
      put(y, inner.x, marker, cn_attr_bold(), pair(6, -1))
      put(
        y, g.nameX, a.description.replacingOccurrences(of: "_", with: " "), nameAttrs, 0, width: 11)
      let glyphs = g.attributeTrack.glyphs(value: target, ghost: score)
      let trackColor = target != nil ? pair(3, -1) : 0
      put(y, g.attributeTrack.x, String(glyphs), target != nil ? 0 : cn_attr_dim(), trackColor)
      let value: String
      if let t = target {
        value = String(format: "%+.2f", t)
      } else if let sc = score {
        value = String(format: "~%+.1f", sc)
      } else {
        value = "  ·"
      }
      put(y, g.valueX, value, target != nil ? cn_attr_bold() : cn_attr_dim(), 0, width: 6)
    }
  }

  private func drawExpression(_ c: EditorController) {
    let g = c.geometry
    let s = c.session
    let focused = c.focus == .expression
    box(c.layout.expression, title: "expression", focused: focused)
    for chip in g.chips {
      let on = chip.expression == s.state.expression
      let label = chip.expression?.description ?? "none"
      var attrs: UInt32 = on ? cn_attr_reverse() | cn_attr_bold() : 0
      if focused && c.expressionRow == 0 && on { attrs |= cn_attr_underline() }
      put(chip.y, chip.x, on ? "[\(label)]" : " \(label) ", attrs, on ? pair(2, -1) : 0)
    }
    let inner = c.layout.expression.inner
    let selIntensity = focused && c.expressionRow == 1
    put(
      g.intensityY, inner.x, (selIntensity ? "▶" : " ") + "intensity",
      selIntensity ? cn_attr_bold() | cn_attr_reverse() : 0)
    let glyphs = g.intensityTrack.glyphs(value: s.state.intensity, ghost: nil)
    put(
      g.intensityY, g.intensityTrack.x, String(glyphs),
      s.state.expression == nil ? cn_attr_dim() : 0)
    put(
      g.intensityY, g.intensityTrack.x + g.intensityTrack.width + 1,
      String(format: "%.2f", s.state.intensity), cn_attr_bold())
  }

  private func drawHint(_ c: EditorController) {
    let r = c.layout.hint
    switch c.mode {
    case .prompt(let text):
      put(r.y, 0, ":" + text, 0, 0, width: r.width)
      curs_set(1)
      wmove(cn_stdscr(), Int32(r.y), Int32(min(r.width - 1, text.count + 1)))
      return
    case .confirm(let q, _):
      put(r.y, 0, q + " [Y/n]", cn_attr_bold(), pair(3, -1), width: r.width)
      curs_set(0)
      return
    default:
      curs_set(0)
    }
    if let m = c.message {
      put(
        r.y, 0, " " + m.text, m.error ? cn_attr_bold() : 0, m.error ? pair(1, -1) : 0,
        width: r.width)
    } else {
      let common = "  b before/after  u undo  s save  q rec  @ play  ? help"
      let hints =
        c.cropBox != nil
        ? " crop: drag to move · drag a corner to resize · ←→↑↓ move · +/- size · Enter apply"
          + " · 0 remove · Esc cancel"
        : c.canvas != nil
          ? " draw: drag on the input · e pen/eraser · [ ] brush width · C clear strokes"
            + " · u undo · d/Esc done"
          : c.focus == .attributes
            ? " ↑↓ select  ←→ adjust  ⇧←→ ×5  0 reset  Tab expression" + common
            : " ←→ choose/adjust  ↑↓ row  0 none  Tab attributes" + common
      put(r.y, 0, hints, cn_attr_dim(), 0, width: r.width)
    }
  }

  private func drawStatus(_ c: EditorController) {
    let r = c.layout.status
    let s = c.session
    var parts: [String] = []
    if let rec = s.recording { parts.append("● REC \(rec.register)") }
    parts.append(
      c.lastRenderMilliseconds.map { String(format: "render %.0f ms", $0) } ?? "render –")
    parts.append(modeName)
    parts.append(s.state.variant.rawValue.uppercased())
    if let src = s.source { parts.append((src.path as NSString).lastPathComponent) }
    parts.append(s.renderer.status.summary)
    if !c.renderNotes.isEmpty { parts.append(c.renderNotes.joined(separator: "; ")) }
    put(r.y, 0, " " + parts.joined(separator: " │ "), 0, pair(0, 7), width: r.width)
  }

  private var modeName: String {
    switch capabilities.mode {
    case .sixel: return "sixel"
    case .kitty: return "kitty"
    case .truecolor: return "24-bit blocks"
    case .color256: return "256-colour blocks"
    case .ascii: return "ascii"
    }
  }

  private func drawHelp(_ L: Layout) {
    let lines = HelpText.lines
    let w = min(L.columns - 2, (lines.map(\.count).max() ?? 20) + 4)
    let h = min(L.rows - 2, lines.count + 2)
    let x = (L.columns - w) / 2, y = (L.rows - h) / 2
    let frame = Rect(x: x, y: y, width: w, height: h)
    for row in y..<(y + h) { put(row, x, "", 0, 0, width: w) }
    box(frame, title: "help", focused: true)
    for (i, line) in lines.prefix(h - 2).enumerated() {
      put(y + 1 + i, x + 2, line, i == 0 ? cn_attr_bold() : 0, 0, width: w - 4)
    }
  }
}
