// Typed errors for image input and output.

/// Why reading or writing an image failed; `description` is one line naming the file.
public enum ImagingError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The path could not be opened or read (`reason` is the system's message).
  case unreadable(path: String, reason: String)
  /// The file does not start with a signature we decode.
  case unsupportedFormat(path: String)
  /// The header declares a zero width or height.
  case zeroDimensions(path: String)
  /// The image has more pixels than `ImageLimits.maxPixels`.
  case tooLarge(path: String, width: Int, height: Int, limit: Int)
  /// The file is truncated or its data is invalid (`reason` from the decoder).
  case corrupt(path: String, reason: String)
  /// The output file exists and `overwrite` was not requested.
  case exists(path: String)
  /// Writing failed (`reason` is the system's or encoder's message).
  case unwritable(path: String, reason: String)
  /// A metadata key or value cannot be stored (PNG keywords are 1–79 Latin-1 characters).
  case invalidMetadata(key: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
    case .unsupportedFormat(let path):
      return "\(path): unsupported format (expected PNG or JPEG)"
    case .zeroDimensions(let path): return "\(path): image has zero width or height"
    case .tooLarge(let path, let width, let height, let limit):
      return "\(path): image is \(width)x\(height), above the limit of \(limit) pixels"
    case .corrupt(let path, let reason): return "\(path): corrupt image: \(reason)"
    case .exists(let path): return "\(path): file exists (use overwrite to replace it)"
    case .unwritable(let path, let reason): return "\(path): cannot write: \(reason)"
    case .invalidMetadata(let key, let reason): return "metadata key '\(key)': \(reason)"
    }
  }
}

/// Size limits applied before decoding.
public enum ImageLimits {
  /// The largest image decoded, in pixels (width × height): 64 megapixels.
  ///
  /// That is 8192×8192 for a square image. Larger headers are refused before any pixel
  /// memory is allocated.
  public static let maxPixels = 64 * 1024 * 1024
  /// The largest width or height accepted.
  public static let maxSide = 65_535
}
