// Names of attributes and expressions as typed in commands.

import FaceSynth

/// Looks up attribute and expression names typed by the user.
///
/// Attribute names match case-insensitively with `_`, `-` or nothing between words
/// (`no_beard`, `No-Beard`, `nobeard`), or by a unique prefix (`smi`).
public enum Vocabulary {
  /// Attributes in slider order (the model's attribute order).
  public static let attributes: [Attribute] = Attribute.allCases
  /// Expressions in panel order (the model's condition order).
  public static let expressions: [FaceExpression] = FaceExpression.allCases

  /// The command-line name of an attribute, such as `no_beard`.
  public static func name(_ a: Attribute) -> String { a.description.lowercased() }

  static func squash(_ s: String) -> String {
    String(s.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " })
  }

  /// The attribute called `text`, or nil.
  public static func attribute(named text: String) -> Attribute? {
    let key = squash(text)
    guard !key.isEmpty else { return nil }
    if let exact = attributes.first(where: { squash($0.description) == key }) { return exact }
    let matches = attributes.filter { squash($0.description).hasPrefix(key) }
    return matches.count == 1 ? matches[0] : nil
  }

  /// The expression called `text` (full name or unique prefix), or nil.
  public static func expression(named text: String) -> FaceExpression? {
    let key = text.lowercased()
    guard !key.isEmpty else { return nil }
    if let exact = FaceExpression(name: key) { return exact }
    let matches = expressions.filter { $0.description.hasPrefix(key) }
    return matches.count == 1 ? matches[0] : nil
  }
}
