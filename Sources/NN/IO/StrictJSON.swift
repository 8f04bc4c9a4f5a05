// A strict JSON parser for the safetensors header subset.

/// A JSON value restricted to what safetensors headers use.
enum StrictJSON: Equatable {
  case object([(String, StrictJSON)])
  case array([StrictJSON])
  case string(String)
  case integer(Int)

  static func == (a: StrictJSON, b: StrictJSON) -> Bool {
    switch (a, b) {
    case (.array(let x), .array(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.integer(let x), .integer(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// Parses `bytes`: objects (duplicate keys rejected), arrays, strings and non-negative integers only.
  ///
  /// Floats, negatives, exponents, booleans and null are errors.
  static func parse(_ bytes: [UInt8]) throws(SafetensorsError) -> StrictJSON {
    var p = Parser(bytes: bytes)
    p.skipSpace()
    let v = try p.value(depth: 0)
    p.skipSpace()
    guard p.i == bytes.count else { throw .badHeader("trailing bytes after JSON at \(p.i)") }
    return v
  }

  private struct Parser {
    let bytes: [UInt8]
    var i = 0

    mutating func skipSpace() {
      while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    mutating func value(depth: Int) throws(SafetensorsError) -> StrictJSON {
      guard depth < 16 else { throw .badHeader("JSON nested too deeply") }
      guard i < bytes.count else { throw .badHeader("unexpected end of JSON") }
      switch bytes[i] {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try integer())
      default: throw .badHeader("unsupported JSON value at byte \(i)")
      }
    }

    mutating func object(depth: Int) throws(SafetensorsError) -> StrictJSON {
      i += 1
      var members: [(String, StrictJSON)] = []
      var seen: Set<String> = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
          throw .badHeader("expected a key at byte \(i)")
        }
        let key = try string()
        guard seen.insert(key).inserted else { throw .duplicateKey(key) }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
          throw .badHeader("expected ':' at byte \(i)")
        }
        i += 1
        skipSpace()
        members.append((key, try value(depth: depth + 1)))
        skipSpace()
        guard i < bytes.count else { throw .badHeader("unterminated object") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        if bytes[i] == UInt8(ascii: "}") {
          i += 1
          return .object(members)
        }
        throw .badHeader("expected ',' or '}' at byte \(i)")
      }
    }

    mutating func array(depth: Int) throws(SafetensorsError) -> StrictJSON {
      i += 1
      var items: [StrictJSON] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(items)
      }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard i < bytes.count else { throw .badHeader("unterminated array") }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        if bytes[i] == UInt8(ascii: "]") {
          i += 1
          return .array(items)
        }
        throw .badHeader("expected ',' or ']' at byte \(i)")
      }
    }

    mutating func integer() throws(SafetensorsError) -> Int {
      var v = 0
      let start = i
      while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - 0x30))
        guard !o1, !o2 else { throw .badHeader("integer overflow at byte \(start)") }
        v = a
        i += 1
      }
      if i - start > 1 && bytes[start] == 0x30 { throw .badHeader("leading zero at byte \(start)") }
      if i < bytes.count,
        [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[i])
      {
        throw .badHeader("non-integer number at byte \(start)")
      }
      return v
    }

    mutating func string() throws(SafetensorsError) -> String {
      i += 1
      var out: [UInt8] = []
      while i < bytes.count {
        let c = bytes[i]
        if c == UInt8(ascii: "\"") {
          i += 1
          guard let s = String(validating: out, as: UTF8.self) else {
            throw .badHeader("invalid UTF-8 in string")
          }
          return s
        }
        if c < 0x20 { throw .badHeader("control character in string at byte \(i)") }
        if c == UInt8(ascii: "\\") {
          i += 1
          guard i < bytes.count else { break }
          switch bytes[i] {
          case UInt8(ascii: "\""): out.append(0x22)
          case UInt8(ascii: "\\"): out.append(0x5C)
          case UInt8(ascii: "/"): out.append(0x2F)
          case UInt8(ascii: "b"): out.append(0x08)
          case UInt8(ascii: "f"): out.append(0x0C)
          case UInt8(ascii: "n"): out.append(0x0A)
          case UInt8(ascii: "r"): out.append(0x0D)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "u"):
            guard i + 4 < bytes.count,
              let code = UInt32(
                String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self), radix: 16)
            else {
              throw .badHeader("bad \\u escape at byte \(i)")
            }
            i += 4
            var scalarValue = code
            if (0xD800..<0xDC00).contains(code) {
              // A surrogate pair: \uD8xx\uDCxx.
              guard i + 6 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"),
                bytes[i + 2] == UInt8(ascii: "u"),
                let low = UInt32(
                  String(decoding: bytes[(i + 3)...(i + 6)], as: UTF8.self), radix: 16),
                (0xDC00..<0xE000).contains(low)
              else { throw .badHeader("unpaired surrogate at byte \(i)") }
              scalarValue = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
              i += 6
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
              throw .badHeader("bad code point at byte \(i)")
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
          default:
            throw .badHeader("bad escape at byte \(i)")
          }
          i += 1
          continue
        }
        out.append(c)
        i += 1
      }
      throw .badHeader("unterminated string")
    }
  }
}
