// Format dispatch on magic bytes.

/// Reads and writes images by content (magic bytes) or file extension.
public enum ImageIO {
  /// The formats Visage reads and writes.
  public enum Format: String, Sendable { case png, jpeg }

  /// Identifies a format from the first bytes of a file.
  public static func format(of bytes: [UInt8]) -> Format? {
    if bytes.count >= 8 && Array(bytes[0..<8]) == PNGCodec.signature { return .png }
    if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF {
      return .jpeg
    }
    return nil
  }

  /// Reads a PNG or JPEG (chosen by magic bytes) as gray or RGB, alpha on white.
  public static func read(path: String) throws -> Image {
    let bytes = try FileIO.readAll(path: path)
    return try decode(bytes, name: path)
  }

  /// Decodes PNG or JPEG bytes; `name` labels errors.
  public static func decode(_ bytes: [UInt8], name: String) throws -> Image {
    switch format(of: bytes) {
    case .png: return try PNGCodec.decode(bytes, name: name)
    case .jpeg: return try JPEGCodec.decode(bytes, name: name)
    case nil:
      if bytes.isEmpty { throw ImagingError.corrupt(path: name, reason: "empty file") }
      throw ImagingError.unsupportedFormat(path: name)
    }
  }

  /// Writes PNG or JPEG, chosen by the extension of `path` (.jpg/.jpeg, else PNG).
  public static func write(
    _ image: Image, to path: String, text: [String: String] = [:], overwrite: Bool = false
  ) throws {
    let lower = path.lowercased()
    if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
      try JPEGCodec.write(image, to: path, overwrite: overwrite)
    } else {
      try PNGCodec.write(image, to: path, text: text, overwrite: overwrite)
    }
  }
}
