// Reading and writing the safetensors format with strict validation.

import Foundation
import Tensor

/// Why a safetensors file was rejected.
///
/// Every check happens before any tensor is allocated.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
  case unreadable(String)
  case tooShort(Int)
  case headerTooLarge(UInt64)
  case headerOutOfBounds(UInt64, fileSize: Int)
  case badHeader(String)
  case duplicateKey(String)
  case badEntry(String, String)
  case unsupportedDType(String, String)
  case sizeOverflow(String)
  case sizeMismatch(String, expected: Int, actual: Int)
  case notContiguous(String)
  case incompleteBuffer(expected: Int, actual: Int)
  case badMetadata(String)
  case tooLarge(Int, limit: Int)

  public var description: String {
    switch self {
    case .unreadable(let s): return "cannot read: \(s)"
    case .tooShort(let n): return "file is \(n) bytes, too short for a safetensors header"
    case .headerTooLarge(let n): return "header length \(n) exceeds the 100 MB limit"
    case .headerOutOfBounds(let n, let size):
      return "header length \(n) runs past the end of a \(size)-byte file"
    case .badHeader(let s): return "malformed header: \(s)"
    case .duplicateKey(let k): return "duplicate key \"\(k)\" in header"
    case .badEntry(let k, let s): return "tensor \"\(k)\": \(s)"
    case .unsupportedDType(let k, let d):
      return "tensor \"\(k)\": unsupported dtype \(d) (F32, F16, BF16, F64 are accepted)"
    case .sizeOverflow(let k): return "tensor \"\(k)\": shape size overflows"
    case .sizeMismatch(let k, let e, let a):
      return "tensor \"\(k)\": shape needs \(e) bytes, offsets give \(a)"
    case .notContiguous(let k): return "tensor \"\(k)\": data offsets overlap or leave a hole"
    case .incompleteBuffer(let e, let a): return "data buffer is \(a) bytes, header describes \(e)"
    case .badMetadata(let s): return "__metadata__: \(s)"
    case .tooLarge(let n, let limit): return "tensors need \(n) bytes, over the limit of \(limit)"
    }
  }
}

/// Element types a safetensors tensor may have here.
public enum SafetensorsDType: String, Sendable {
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"
  case f64 = "F64"

  var byteSize: Int {
    switch self {
    case .f32: return 4
    case .f16, .bf16: return 2
    case .f64: return 8
    }
  }
}

/// The contents of a safetensors file: named tensors (as Float32) and string metadata.
public struct SafetensorsFile {
  /// Tensors in file order (sorted by data offset).
  public var tensors: [(name: String, tensor: Tensor)]
  /// The `__metadata__` map.
  public var metadata: [String: String]

  public init(tensors: [(name: String, tensor: Tensor)] = [], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The tensor named `name`, if present.
  public subscript(name: String) -> Tensor? {
    tensors.first { $0.name == name }?.tensor
  }

  /// Reads and validates a file.
  public static func read(path: String, maxBytes: Int = 1 << 31) throws(SafetensorsError)
    -> SafetensorsFile
  {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .unreadable(path)
    }
    return try decode([UInt8](data), maxBytes: maxBytes)
  }

  /// Validates and decodes bytes.
  public static func decode(_ bytes: [UInt8], maxBytes: Int = 1 << 31) throws(SafetensorsError)
    -> SafetensorsFile
  {
    guard bytes.count >= 8 else { throw .tooShort(bytes.count) }
    var n64: UInt64 = 0
    for k in 0..<8 { n64 |= UInt64(bytes[k]) << (8 * UInt64(k)) }
    guard n64 <= 100_000_000 else { throw .headerTooLarge(n64) }
    let n = Int(n64)
    guard n >= 2, n <= bytes.count - 8 else { throw .headerOutOfBounds(n64, fileSize: bytes.count) }
    var header = Array(bytes[8..<(8 + n)])
    while let last = header.last, last == 0x20 { header.removeLast() }
    guard header.first == UInt8(ascii: "{") else { throw .badHeader("must start with '{'") }
    guard case .object(let members) = try StrictJSON.parse(header) else {
      throw .badHeader("not an object")
    }
    var metadata: [String: String] = [:]
    struct Entry {
      let name: String
      let dtype: SafetensorsDType
      let shape: [Int]
      let begin: Int
      let end: Int
    }
    var entries: [Entry] = []
    for (name, value) in members {
      if name == "__metadata__" {
        guard case .object(let kv) = value else { throw .badMetadata("must be an object") }
        for (k, v) in kv {
          guard case .string(let s) = v else {
            throw .badMetadata("value of \"\(k)\" is not a string")
          }
          metadata[k] = s
        }
        continue
      }
      guard case .object(let fields) = value else { throw .badEntry(name, "not an object") }
      let keys = Set(fields.map(\.0))
      guard keys == ["dtype", "shape", "data_offsets"] else {
        throw .badEntry(
          name, "needs exactly dtype, shape, data_offsets; has \(fields.map(\.0).sorted())")
      }
      var dtypeName = ""
      var shape: [Int] = []
      var offsets: [Int] = []
      for (k, v) in fields {
        switch (k, v) {
        case ("dtype", .string(let s)): dtypeName = s
        case ("shape", .array(let a)):
          for d in a {
            guard case .integer(let x) = d else {
              throw .badEntry(name, "shape entries must be non-negative integers")
            }
            shape.append(x)
          }
        case ("data_offsets", .array(let a)):
          for d in a {
            guard case .integer(let x) = d else {
              throw .badEntry(name, "offsets must be non-negative integers")
            }
            offsets.append(x)
          }
        default: throw .badEntry(name, "field \(k) has the wrong type")
        }
      }
      guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
        throw .unsupportedDType(name, dtypeName)
      }
      guard offsets.count == 2, offsets[0] <= offsets[1] else {
        throw .badEntry(name, "data_offsets must be [begin, end] with begin ≤ end")
      }
      var elements = 1
      for d in shape {
        let (p, o) = elements.multipliedReportingOverflow(by: d)
        guard !o else { throw .sizeOverflow(name) }
        elements = p
      }
      let (byteCount, o) = elements.multipliedReportingOverflow(by: dtype.byteSize)
      guard !o else { throw .sizeOverflow(name) }
      guard offsets[1] - offsets[0] == byteCount else {
        throw .sizeMismatch(name, expected: byteCount, actual: offsets[1] - offsets[0])
      }
      entries.append(
        Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1]))
    }
    entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var cursor = 0
    for e in entries {
      guard e.begin == cursor else { throw .notContiguous(e.name) }
      cursor = e.end
    }
    let dataStart = 8 + n
    guard cursor == bytes.count - dataStart else {
      throw .incompleteBuffer(expected: cursor, actual: bytes.count - dataStart)
    }
    let floatBytes = entries.reduce(0) { $0 + $1.shape.reduce(1, *) * 4 }
    guard floatBytes <= maxBytes else { throw .tooLarge(floatBytes, limit: maxBytes) }
    var tensors: [(name: String, tensor: Tensor)] = []
    bytes.withUnsafeBytes { raw in
      for e in entries {
        let src = raw.baseAddress! + dataStart + e.begin
        let count = e.shape.reduce(1, *)
        let t = Tensor(shape: e.shape) { out in
          for j in 0..<count {
            switch e.dtype {
            case .f32:
              out[j] = Float(
                bitPattern: src.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self).littleEndian)
            case .f16:
              out[j] = Float(
                Float16(
                  bitPattern: src.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self).littleEndian
                ))
            case .bf16:
              out[j] = Float(
                bitPattern: UInt32(
                  src.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self).littleEndian) << 16)
            case .f64:
              out[j] = Float(
                Double(
                  bitPattern: src.loadUnaligned(fromByteOffset: 8 * j, as: UInt64.self).littleEndian
                ))
            }
          }
        }
        tensors.append((e.name, t))
      }
    }
    return SafetensorsFile(tensors: tensors, metadata: metadata)
  }

  /// Encodes tensors (in the given order) with `dtype`; the header is padded to 8 bytes.
  public func encode(dtype: SafetensorsDType = .f32) -> [UInt8] {
    var header = "{"
    var parts: [String] = []
    if !metadata.isEmpty {
      let kv = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
      parts.append("\"__metadata__\":{\(kv.joined(separator: ","))}")
    }
    var offset = 0
    for (name, t) in tensors {
      let size = t.count * dtype.byteSize
      let shape = t.shape.map(String.init).joined(separator: ",")
      parts.append(
        "\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}"
      )
      offset += size
    }
    header += parts.joined(separator: ",") + "}"
    var hb = Array(header.utf8)
    while hb.count % 8 != 0 { hb.append(0x20) }
    var out: [UInt8] = []
    out.reserveCapacity(8 + hb.count + offset)
    let n = UInt64(hb.count)
    for k in 0..<8 { out.append(UInt8((n >> (8 * UInt64(k))) & 0xFF)) }
    out.append(contentsOf: hb)
    for (_, t) in tensors {
      t.withUnsafeBufferPointer { buf in
        for x in buf {
          switch dtype {
          case .f32:
            let b = x.bitPattern
            for k in 0..<4 { out.append(UInt8((b >> (8 * UInt32(k))) & 0xFF)) }
          case .f16:
            let b = Float16(x).bitPattern
            out.append(UInt8(b & 0xFF))
            out.append(UInt8(b >> 8))
          case .bf16:
            // Round to nearest even.
            let b = x.bitPattern
            let r = (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16
            out.append(UInt8(r & 0xFF))
            out.append(UInt8((r >> 8) & 0xFF))
          case .f64:
            let b = Double(x).bitPattern
            for k in 0..<8 { out.append(UInt8((b >> (8 * UInt64(k))) & 0xFF)) }
          }
        }
      }
    }
    return out
  }

  /// Writes the file atomically (temporary file, then rename).
  public func write(path: String, dtype: SafetensorsDType = .f32) throws {
    let bytes = encode(dtype: dtype)
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
  }
}

private func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        out +=
          "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count)
          + String(u.value, radix: 16)
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
