// JPEG reading (baseline and progressive, EXIF orientation) and writing through libjpeg.
import CImageCodecs

/// JPEG input and output.
public enum JPEGCodec {
  /// What the marker scan found before the first scan: frame size, components and EXIF
  /// orientation (1 when absent).
  public struct Header: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var components: Int
    public var progressive: Bool
    public var orientation: Int
  }

  /// Reads a JPEG as gray (1 channel) or RGB (3 channels), applying EXIF orientation.
  public static func read(path: String) throws -> Image {
    try decode(FileIO.readAll(path: path), name: path)
  }

  /// Decodes JPEG bytes; `name` labels errors.
  ///
  /// `applyOrientation` rotates and flips per the EXIF orientation tag.
  public static func decode(_ bytes: [UInt8], name: String, applyOrientation: Bool = true)
    throws -> Image
  {
    let header = try scanHeader(bytes, name: name)
    var raster = vc_raster()
    var message = [CChar](repeating: 0, count: Int(VC_ERROR_CAPACITY))
    let status = bytes.withUnsafeBufferPointer { buffer in
      message.withUnsafeMutableBufferPointer { error in
        vc_jpeg_decode(
          buffer.baseAddress, buffer.count, UInt64(ImageLimits.maxPixels), &raster,
          error.baseAddress)
      }
    }
    if status != 0 {
      let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      throw ImagingError.corrupt(path: name, reason: reason)
    }
    defer { vc_free(raster.data) }
    let image = PNGCodec.imageFromRaster(raster)
    return applyOrientation ? image.applyingEXIFOrientation(header.orientation) : image
  }

  /// Encodes gray or RGB (alpha composited on white) as a baseline JPEG.
  public static func encode(_ image: Image, quality: Int = 90) throws -> [UInt8] {
    let flat = image.flattened()
    var out: UnsafeMutablePointer<UInt8>?
    var count = 0
    var message = [CChar](repeating: 0, count: Int(VC_ERROR_CAPACITY))
    let status = flat.bytes8().withUnsafeBytes { data in
      var raster = vc_raster(
        width: UInt32(flat.width), height: UInt32(flat.height),
        channels: UInt32(flat.channels), bit_depth: 8,
        data: UnsafeMutableRawPointer(mutating: data.baseAddress))
      return message.withUnsafeMutableBufferPointer { error in
        vc_jpeg_encode(&raster, Int32(quality), &out, &count, error.baseAddress)
      }
    }
    if status != 0 {
      let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      throw ImagingError.unwritable(path: "<jpeg>", reason: reason)
    }
    defer { vc_free(out) }
    return Array(UnsafeBufferPointer(start: out, count: count))
  }

  /// Writes `image` as a JPEG at `path` atomically; refuses to replace a file unless asked.
  public static func write(
    _ image: Image, to path: String, quality: Int = 90, overwrite: Bool = false
  ) throws {
    let bytes: [UInt8]
    do {
      bytes = try encode(image, quality: quality)
    } catch ImagingError.unwritable(_, let reason) {
      throw ImagingError.unwritable(path: path, reason: reason)
    }
    try FileIO.writeAtomically(bytes, to: path, overwrite: overwrite)
  }

  /// Walks the markers up to the first scan.
  ///
  /// Validates structure and size limits, finds the frame header and the EXIF
  /// orientation. Throws before any pixel memory is allocated.
  public static func scanHeader(_ bytes: [UInt8], name: String) throws -> Header {
    guard bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF else {
      throw ImagingError.unsupportedFormat(path: name)
    }
    var header: Header?
    var orientation = 1
    var offset = 2
    func be16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
    while true {
      guard offset + 1 < bytes.count else {
        throw ImagingError.corrupt(path: name, reason: "truncated header")
      }
      guard bytes[offset] == 0xFF else {
        throw ImagingError.corrupt(path: name, reason: "bad marker")
      }
      var m = offset + 1
      while m < bytes.count && bytes[m] == 0xFF { m += 1 }
      guard m < bytes.count else {
        throw ImagingError.corrupt(path: name, reason: "truncated header")
      }
      let marker = bytes[m]
      offset = m + 1
      if marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }
      if marker == 0xD8 || marker == 0xD9 {
        throw ImagingError.corrupt(path: name, reason: "no image data")
      }
      guard offset + 2 <= bytes.count else {
        throw ImagingError.corrupt(path: name, reason: "truncated header")
      }
      let length = be16(offset)
      guard length >= 2, offset + length <= bytes.count else {
        throw ImagingError.corrupt(path: name, reason: "truncated header")
      }
      let body = offset + 2
      let bodyLength = length - 2
      switch marker {
      case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
        guard bodyLength >= 6 else {
          throw ImagingError.corrupt(path: name, reason: "bad frame header")
        }
        let height = be16(body + 1), width = be16(body + 3)
        try PNGCodec.checkDimensions(width: width, height: height, name: name)
        header = Header(
          width: width, height: height, components: Int(bytes[body + 5]),
          progressive: marker == 0xC2 || marker == 0xC6 || marker == 0xCA
            || marker == 0xCE, orientation: 1)
      case 0xE1:
        if let tag = exifOrientation(Array(bytes[body..<(body + bodyLength)])) {
          orientation = tag
        }
      case 0xDA:
        guard var found = header else {
          throw ImagingError.corrupt(path: name, reason: "scan before frame header")
        }
        found.orientation = orientation
        return found
      default:
        break
      }
      offset += length
    }
  }

  /// Finds tag 0x0112 (Orientation) in IFD0 of an APP1 "Exif" payload.
  static func exifOrientation(_ data: [UInt8]) -> Int? {
    guard data.count >= 14, Array(data[0..<6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] else {
      return nil
    }
    let tiff = 6
    let little: Bool
    switch (data[tiff], data[tiff + 1]) {
    case (0x49, 0x49): little = true
    case (0x4D, 0x4D): little = false
    default: return nil
    }
    func u16(_ i: Int) -> Int? {
      guard i >= 0, i + 2 <= data.count else { return nil }
      return little
        ? Int(data[i]) | Int(data[i + 1]) << 8 : Int(data[i]) << 8 | Int(data[i + 1])
    }
    func u32(_ i: Int) -> Int? {
      guard let a = u16(i), let b = u16(i + 2) else { return nil }
      return little ? a | b << 16 : a << 16 | b
    }
    guard let ifd = u32(tiff + 4), let count = u16(tiff + ifd) else { return nil }
    for entry in 0..<min(count, 512) {
      let e = tiff + ifd + 2 + entry * 12
      guard let tag = u16(e) else { return nil }
      if tag == 0x0112 {
        guard let type = u16(e + 2), type == 3, let value = u16(e + 8) else { return nil }
        return (1...8).contains(value) ? value : nil
      }
    }
    return nil
  }
}
