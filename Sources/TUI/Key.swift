// Logical input events: keys, mouse and resize.

/// A mouse event in 0-based screen cells.
public struct MouseEvent: Equatable, Sendable {
  public enum Kind: Equatable, Sendable { case press, drag, release, wheelUp, wheelDown }
  public var kind: Kind
  public var x: Int
  public var y: Int

  public init(_ kind: Kind, x: Int, y: Int) {
    self.kind = kind
    self.x = x
    self.y = y
  }
}

/// One input event, independent of how the terminal encoded it.
public enum Key: Equatable, Sendable {
  case char(Character)
  case ctrl(Character)
  case left, right, up, down
  case shiftLeft, shiftRight, shiftUp, shiftDown
  case home, end, pageUp, pageDown
  case enter, escape, tab, backTab, backspace, delete
  case mouse(MouseEvent)
  case resize
  /// Pause a key script until the preview is up to date (`<Wait>`).
  case wait
}
