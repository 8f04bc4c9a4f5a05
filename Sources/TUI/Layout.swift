// Where each panel goes for a given terminal size.

/// A rectangle of cells (0-based).
public struct Rect: Equatable, Sendable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// The rectangle inside a one-cell border.
  public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

  public func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < x + width && py >= y && py < y + height
  }
}

/// Screen layout: title row, two previews side by side over the expression panel, the
/// attribute panel on the right, a hint/prompt row and a status bar.
public struct Layout: Equatable, Sendable {
  /// Smallest supported size.
  public static let minimum = (columns: 60, rows: 21)

  public let columns: Int
  public let rows: Int
  public let title: Rect
  public let source: Rect
  public let result: Rect
  public let expression: Rect
  public let attributes: Rect
  public let hint: Rect
  public let status: Rect

  public init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
    let attrWidth = min(48, max(34, columns * 2 / 5))
    let left = max(0, columns - attrWidth)
    let bodyHeight = max(0, rows - 3)
    // Expression chips need two rows from 48 inner columns, three below.
    let exprHeight = left - 2 >= 48 ? 5 : 6
    let previewHeight = max(0, bodyHeight - exprHeight)
    title = Rect(x: 0, y: 0, width: columns, height: 1)
    source = Rect(x: 0, y: 1, width: left / 2, height: previewHeight)
    result = Rect(x: left / 2, y: 1, width: left - left / 2, height: previewHeight)
    expression = Rect(x: 0, y: 1 + previewHeight, width: left, height: exprHeight)
    attributes = Rect(x: left, y: 1, width: attrWidth, height: bodyHeight)
    hint = Rect(x: 0, y: max(0, rows - 2), width: columns, height: 1)
    status = Rect(x: 0, y: max(0, rows - 1), width: columns, height: 1)
  }

  /// False below `minimum`.
  public var fits: Bool { columns >= Layout.minimum.columns && rows >= Layout.minimum.rows }
}
