// Everything that determines the edited image: the recipe.

import FaceSynth
import Foundation
import Models

/// The complete, undoable editing state; rendering it is deterministic.
///
/// Attribute targets are in [-1, 1] (nil leaves the attribute as the model reads it from the
/// source); the expression intensity is in [0, 1]. Encodes as readable JSON with names.
public struct EditState: Equatable, Sendable {
  /// The source file, as given (absolute once opened by a session).
  public var sourcePath: String?
  /// Sketch or photo.
  public var sourceKind: SourceKind?
  /// Photo crop; nil means the centred square.
  public var crop: CropRect?
  /// Pen and eraser strokes drawn on a sketch, in order (part of the source, not an edit).
  public var strokes: [Stroke]
  /// One target per attribute in `Vocabulary.attributes` order.
  public var targets: [Float?]
  /// The attribute-editing module.
  public var variant: EditVariant
  /// The target expression, or nil for none.
  public var expression: FaceExpression?
  /// Expression strength in [0, 1].
  public var intensity: Float

  /// An empty state: no source, nothing edited, DIS variant, intensity 1.
  public init() {
    sourcePath = nil
    sourceKind = nil
    crop = nil
    strokes = []
    targets = Array(repeating: nil, count: Vocabulary.attributes.count)
    variant = .dis
    expression = nil
    intensity = 1
  }

  /// The target of one attribute.
  public func target(_ a: Attribute) -> Float? { targets[a.rawValue] }

  /// True when no attribute or expression edit is set.
  public var isUnedited: Bool {
    targets.allSatisfy { $0 == nil } && (expression == nil || intensity == 0)
  }

  /// The same source with every edit removed.
  public var unedited: EditState {
    var s = EditState()
    s.sourcePath = sourcePath
    s.sourceKind = sourceKind
    s.crop = crop
    s.strokes = strokes
    s.variant = variant
    return s
  }

  /// The commands that rebuild this state from nothing (one per line).
  public var script: [String] {
    var lines: [String] = []
    if let p = sourcePath {
      lines.append(Command.open(path: p, kind: sourceKind).text)
    }
    if let c = crop { lines.append(Command.crop(c).text) }
    lines += strokes.map { Command.stroke($0).text }
    if variant != .dis { lines.append(Command.variant(variant).text) }
    for a in Vocabulary.attributes {
      if let t = targets[a.rawValue] { lines.append(Command.set(a, t).text) }
    }
    if let e = expression { lines.append(Command.expression(e, intensity).text) }
    return lines
  }
}

extension EditState: Codable {
  private enum Keys: String, CodingKey {
    case source, kind, crop, strokes, targets, variant, expression, intensity
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: Keys.self)
    self.init()
    sourcePath = try c.decodeIfPresent(String.self, forKey: .source)
    sourceKind = try c.decodeIfPresent(SourceKind.self, forKey: .kind)
    crop = try c.decodeIfPresent(CropRect.self, forKey: .crop)
    for line in try c.decodeIfPresent([String].self, forKey: .strokes) ?? [] {
      guard case .stroke(let stroke)? = try Command.parse(line) else {
        throw StudioError.syntax("'\(line)' in recipe strokes is not a stroke")
      }
      strokes.append(stroke)
    }
    let named = try c.decodeIfPresent([String: Float].self, forKey: .targets) ?? [:]
    for (name, value) in named {
      guard let a = Vocabulary.attribute(named: name) else {
        throw StudioError.syntax("unknown attribute '\(name)' in recipe")
      }
      targets[a.rawValue] = value
    }
    variant = try c.decodeIfPresent(EditVariant.self, forKey: .variant) ?? .dis
    if let e = try c.decodeIfPresent(String.self, forKey: .expression) {
      guard let ex = FaceExpression(name: e) else {
        throw StudioError.syntax("unknown expression '\(e)' in recipe")
      }
      expression = ex
    }
    intensity = try c.decodeIfPresent(Float.self, forKey: .intensity) ?? 1
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: Keys.self)
    try c.encodeIfPresent(sourcePath, forKey: .source)
    try c.encodeIfPresent(sourceKind, forKey: .kind)
    try c.encodeIfPresent(crop, forKey: .crop)
    if !strokes.isEmpty { try c.encode(strokes.map(\.text), forKey: .strokes) }
    var named: [String: Float] = [:]
    for a in Vocabulary.attributes {
      if let t = targets[a.rawValue] { named[a.description] = t }
    }
    try c.encode(named, forKey: .targets)
    try c.encode(variant, forKey: .variant)
    try c.encodeIfPresent(expression?.description, forKey: .expression)
    try c.encode(intensity, forKey: .intensity)
  }

  /// Compact JSON with sorted keys.
  public var json: String {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  /// Parses `json` written by `json`.
  public init(json: String) throws {
    do {
      self = try JSONDecoder().decode(EditState.self, from: Data(json.utf8))
    } catch let e as StudioError {
      throw e
    } catch {
      throw StudioError.syntax("unreadable recipe JSON")
    }
  }
}
