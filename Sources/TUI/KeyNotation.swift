// Vim-like key notation for `--keys`: `<Right><S-Right>:save out.png<CR>q`.

/// Parses and prints key sequences in vim-like notation.
///
/// Named keys: `<Left> <Right> <Up> <Down> <S-Left> <S-Right> <S-Up> <S-Down> <Home> <End>
/// <PageUp> <PageDown> <CR> <Enter> <Esc> <Tab> <S-Tab> <BS> <Del> <Space> <lt> <C-x>
/// <Wait>`; every other character stands for itself.
public enum KeyNotation {
  static let names: [(String, Key)] = [
    ("left", .left), ("right", .right), ("up", .up), ("down", .down),
    ("s-left", .shiftLeft), ("s-right", .shiftRight), ("s-up", .shiftUp),
    ("s-down", .shiftDown), ("home", .home), ("end", .end), ("pageup", .pageUp),
    ("pagedown", .pageDown), ("cr", .enter), ("enter", .enter), ("return", .enter),
    ("esc", .escape), ("tab", .tab), ("s-tab", .backTab), ("bs", .backspace),
    ("del", .delete), ("space", .char(" ")), ("lt", .char("<")), ("wait", .wait),
  ]

  /// The keys written in `text`.
  public static func parse(_ text: String) throws -> [Key] {
    var keys: [Key] = []
    var i = text.startIndex
    while i < text.endIndex {
      let c = text[i]
      if c == "<", let close = text[i...].firstIndex(of: ">"),
        let key = named(String(text[text.index(after: i)..<close]))
      {
        keys.append(key)
        i = text.index(after: close)
        continue
      }
      if c == "\n" || c == "\r" {
        keys.append(.enter)
      } else {
        keys.append(.char(c))
      }
      i = text.index(after: i)
    }
    return keys
  }

  static func named(_ name: String) -> Key? {
    let lower = name.lowercased()
    if let hit = names.first(where: { $0.0 == lower }) { return hit.1 }
    if lower.hasPrefix("c-"), lower.count == 3, let ch = lower.last, ch.isLetter {
      return .ctrl(ch)
    }
    return nil
  }

  /// The notation of one key.
  public static func text(_ key: Key) -> String {
    switch key {
    case .char("<"): return "<lt>"
    case .char(" "): return "<Space>"
    case .char(let c): return String(c)
    case .ctrl(let c): return "<C-\(c)>"
    case .mouse(let m): return "<Mouse:\(m.kind):\(m.x),\(m.y)>"
    case .resize: return "<Resize>"
    default:
      if let hit = names.first(where: { $0.1 == key }) {
        let n = hit.0
        return "<" + n.prefix(1).uppercased() + n.dropFirst() + ">"
      }
      return "<?>"
    }
  }
}
