// PNG reading and writing through libpng (via the CImageCodecs setjmp wrappers).
import CImageCodecs
import CZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// PNG input and output.
///
/// Reading accepts gray, gray+alpha, palette, RGB and RGBA at any bit depth; 16-bit samples
/// keep their precision in the float image. Text chunks (tEXt, zTXt, iTXt) carry metadata
/// such as the edit recipe.
public enum PNGCodec {
  /// The 8-byte PNG signature.
  public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Reads a PNG; alpha is composited on white, so the result has 1 (gray) or 3 channels.
  public static func read(path: String) throws -> Image {
    try decode(FileIO.readAll(path: path), name: path, keepAlpha: false)
  }

  /// Reads a PNG, keeping alpha (1, 3 or 4 channels; gray+alpha becomes RGBA).
  public static func read(path: String, keepAlpha: Bool) throws -> Image {
    try decode(FileIO.readAll(path: path), name: path, keepAlpha: keepAlpha)
  }

  /// Returns the width and height from the IHDR chunk, validating signature and limits.
  public static func dimensions(_ bytes: [UInt8], name: String) throws -> (Int, Int) {
    guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
      throw ImagingError.unsupportedFormat(path: name)
    }
    guard bytes.count >= 33 else {
      throw ImagingError.corrupt(path: name, reason: "truncated header")
    }
    guard bigEndian32(bytes, 8) == 13, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
      throw ImagingError.corrupt(path: name, reason: "missing IHDR chunk")
    }
    let width = bigEndian32(bytes, 16), height = bigEndian32(bytes, 20)
    try checkDimensions(width: width, height: height, name: name)
    return (width, height)
  }

  /// Decodes PNG bytes; `name` labels errors.
  public static func decode(_ bytes: [UInt8], name: String, keepAlpha: Bool = false) throws
    -> Image
  {
    _ = try dimensions(bytes, name: name)
    var raster = vc_raster()
    var message = [CChar](repeating: 0, count: Int(VC_ERROR_CAPACITY))
    let status = bytes.withUnsafeBufferPointer { buffer in
      message.withUnsafeMutableBufferPointer { error in
        vc_png_decode(
          buffer.baseAddress, buffer.count, UInt64(ImageLimits.maxPixels), &raster,
          error.baseAddress)
      }
    }
    if status != 0 {
      let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      throw ImagingError.corrupt(path: name, reason: reason)
    }
    defer { vc_free(raster.data) }
    let image = imageFromRaster(raster)
    if keepAlpha { return image }
    return raster.channels == 2 ? image.converted(channels: 1) : image.flattened()
  }

  /// Writes `image` as a PNG at `path` atomically, with `text` as iTXt chunks.
  ///
  /// `bitDepth` is 8 or 16. Refuses to replace an existing file unless `overwrite`.
  public static func write(
    _ image: Image, to path: String, text: [String: String] = [:], overwrite: Bool = false,
    bitDepth: Int = 8
  ) throws {
    if !overwrite && access(path, F_OK) == 0 { throw ImagingError.exists(path: path) }
    let bytes: [UInt8]
    do {
      bytes = try encode(image, text: text, bitDepth: bitDepth)
    } catch ImagingError.unwritable(_, let reason) {
      throw ImagingError.unwritable(path: path, reason: reason)
    }
    try FileIO.writeAtomically(bytes, to: path, overwrite: overwrite)
  }

  /// Encodes `image` as PNG bytes (8- or 16-bit, 1/3/4 channels) with `text` metadata.
  public static func encode(
    _ image: Image, text: [String: String] = [:], bitDepth: Int = 8, compression: Int = 6
  ) throws -> [UInt8] {
    precondition(bitDepth == 8 || bitDepth == 16)
    guard image.width > 0 && image.height > 0 else {
      throw ImagingError.unwritable(path: "<png>", reason: "image has zero width or height")
    }
    let keys = text.keys.sorted()
    for key in keys {
      try validateKeyword(key)
      if text[key]!.utf8.contains(0) {
        throw ImagingError.invalidMetadata(key: key, reason: "value contains a NUL byte")
      }
    }
    let cKeys = keys.map { strdup($0) }
    let cValues = keys.map { strdup(text[$0]!) }
    defer {
      cKeys.forEach { free($0) }
      cValues.forEach { free($0) }
    }
    let keyPointers = cKeys.map { UnsafePointer<CChar>($0) }
    let valuePointers = cValues.map { UnsafePointer<CChar>($0) }
    var out: UnsafeMutablePointer<UInt8>?
    var count = 0
    var message = [CChar](repeating: 0, count: Int(VC_ERROR_CAPACITY))
    func run(_ data: UnsafeRawPointer) -> Int32 {
      var raster = vc_raster(
        width: UInt32(image.width), height: UInt32(image.height),
        channels: UInt32(image.channels), bit_depth: UInt32(bitDepth),
        data: UnsafeMutableRawPointer(mutating: data))
      return keyPointers.withUnsafeBufferPointer { kp in
        valuePointers.withUnsafeBufferPointer { vp in
          message.withUnsafeMutableBufferPointer { error in
            vc_png_encode(
              &raster, kp.baseAddress, vp.baseAddress, keys.count, Int32(compression), &out,
              &count, error.baseAddress)
          }
        }
      }
    }
    let status: Int32
    if bitDepth == 8 {
      status = image.bytes8().withUnsafeBytes { run($0.baseAddress!) }
    } else {
      status = image.words16().withUnsafeBytes { run($0.baseAddress!) }
    }
    if status != 0 {
      let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      throw ImagingError.unwritable(path: "<png>", reason: reason)
    }
    defer { vc_free(out) }
    return Array(UnsafeBufferPointer(start: out, count: count))
  }

  /// Reads the text metadata (tEXt, zTXt and iTXt chunks) of the PNG at `path`.
  ///
  /// Chunk CRCs are checked; a damaged file throws `corrupt`.
  public static func readText(path: String) throws -> [String: String] {
    try text(in: FileIO.readAll(path: path), name: path)
  }

  /// Parses text chunks from PNG bytes; see `readText(path:)`.
  public static func text(in bytes: [UInt8], name: String) throws -> [String: String] {
    _ = try dimensions(bytes, name: name)
    var result: [String: String] = [:]
    var offset = 8
    var sawEnd = false
    while offset + 12 <= bytes.count {
      let length = bigEndian32(bytes, offset)
      guard length <= bytes.count - offset - 12 else { break }
      let typeStart = offset + 4
      let dataStart = offset + 8
      let type = String(decoding: bytes[typeStart..<(typeStart + 4)], as: UTF8.self)
      let expected = bytes.withUnsafeBufferPointer { p -> UInt32 in
        UInt32(crc32(0, p.baseAddress! + typeStart, UInt32(length + 4)))
      }
      guard UInt32(bigEndian32(bytes, dataStart + length)) == expected else {
        throw ImagingError.corrupt(path: name, reason: "CRC error in \(type) chunk")
      }
      let data = Array(bytes[dataStart..<(dataStart + length)])
      switch type {
      case "tEXt", "zTXt", "iTXt":
        if let (key, value) = try parseTextChunk(type: type, data: data, name: name) {
          result[key] = value
        }
      case "IEND":
        sawEnd = true
      default:
        break
      }
      if sawEnd { break }
      offset = dataStart + length + 4
    }
    guard sawEnd else { throw ImagingError.corrupt(path: name, reason: "truncated data") }
    return result
  }

  // MARK: - Helpers

  static func checkDimensions(width: Int, height: Int, name: String) throws {
    if width == 0 || height == 0 { throw ImagingError.zeroDimensions(path: name) }
    if width > ImageLimits.maxSide || height > ImageLimits.maxSide
      || width * height > ImageLimits.maxPixels
    {
      throw ImagingError.tooLarge(
        path: name, width: width, height: height, limit: ImageLimits.maxPixels)
    }
  }

  static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> Int {
    Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8
      | Int(bytes[offset + 3])
  }

  static func validateKeyword(_ key: String) throws {
    let utf8 = Array(key.utf8)
    guard (1...79).contains(utf8.count) else {
      throw ImagingError.invalidMetadata(key: key, reason: "length must be 1 to 79")
    }
    guard utf8.allSatisfy({ (32...126).contains($0) }) else {
      throw ImagingError.invalidMetadata(key: key, reason: "only printable ASCII is allowed")
    }
    guard utf8.first != 32 && utf8.last != 32 && !key.contains("  ") else {
      throw ImagingError.invalidMetadata(key: key, reason: "leading, trailing or double space")
    }
  }

  /// Turns a decoded raster into an Image; gray+alpha (2 channels) is expanded to RGBA.
  static func imageFromRaster(_ raster: vc_raster) -> Image {
    let width = Int(raster.width), height = Int(raster.height)
    let channels = Int(raster.channels)
    let count = width * height * channels
    let outChannels = channels == 2 ? 4 : channels
    var out = [Float](repeating: 0, count: width * height * outChannels)
    let scale: Float = raster.bit_depth == 16 ? 1 / 65535 : 1 / 255
    out.withUnsafeMutableBufferPointer { dst in
      func load(_ i: Int) -> Float {
        raster.bit_depth == 16
          ? Float(raster.data.load(fromByteOffset: i * 2, as: UInt16.self)) * scale
          : Float(raster.data.load(fromByteOffset: i, as: UInt8.self)) * scale
      }
      if channels == 2 {
        for p in 0..<(width * height) {
          let v = load(2 * p)
          dst[4 * p] = v; dst[4 * p + 1] = v; dst[4 * p + 2] = v
          dst[4 * p + 3] = load(2 * p + 1)
        }
      } else if raster.bit_depth == 16 {
        let src = raster.data.assumingMemoryBound(to: UInt16.self)
        for i in 0..<count { dst[i] = Float(src[i]) * scale }
      } else {
        let src = raster.data.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { dst[i] = Float(src[i]) * scale }
      }
    }
    return Image(width: width, height: height, channels: outChannels, pixels: out)
  }

  static func parseTextChunk(type: String, data: [UInt8], name: String) throws
    -> (String, String)?
  {
    guard let keyEnd = data.firstIndex(of: 0), keyEnd > 0 else { return nil }
    let key = String(decoding: data[0..<keyEnd], as: UTF8.self)
    var rest = Array(data[(keyEnd + 1)...])
    switch type {
    case "tEXt":
      return (key, latin1(rest))
    case "zTXt":
      guard rest.count >= 1 else { return nil }
      return (key, latin1(try inflate(Array(rest[1...]), name: name)))
    default:  // iTXt: flag, method, language\0, translated keyword\0, text
      guard rest.count >= 2 else { return nil }
      let compressed = rest[0] == 1
      rest = Array(rest[2...])
      guard let langEnd = rest.firstIndex(of: 0) else { return nil }
      rest = Array(rest[(langEnd + 1)...])
      guard let transEnd = rest.firstIndex(of: 0) else { return nil }
      rest = Array(rest[(transEnd + 1)...])
      let body = compressed ? try inflate(rest, name: name) : rest
      return (key, String(decoding: body, as: UTF8.self))
    }
  }

  static func latin1(_ bytes: [UInt8]) -> String {
    String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
  }

  /// Inflates a zlib stream (at most 64 MiB of output).
  static func inflate(_ input: [UInt8], name: String) throws -> [UInt8] {
    var capacity = max(1024, input.count * 4)
    while capacity <= 64 << 20 {
      var output = [UInt8](repeating: 0, count: capacity)
      var outLength = uLongf(capacity)
      let status = output.withUnsafeMutableBufferPointer { out in
        input.withUnsafeBufferPointer { inp in
          uncompress(out.baseAddress, &outLength, inp.baseAddress, uLong(inp.count))
        }
      }
      if status == Z_OK { return Array(output[0..<Int(outLength)]) }
      if status != Z_BUF_ERROR {
        throw ImagingError.corrupt(path: name, reason: "bad compressed text")
      }
      capacity *= 4
    }
    throw ImagingError.corrupt(path: name, reason: "compressed text too large")
  }
}
