// The kitty terminal graphics protocol (PNG payload, base64 in 4096-byte chunks).

/// Encodes images for the kitty graphics protocol (kitty, ghostty, WezTerm, Konsole).
///
/// Layout: `ESC _G a=T,f=100,q=2,m=1;<base64> ESC \`, then `ESC _G m=1;<base64> ESC \`
/// chunks, the last with `m=0`. `q=2` suppresses the terminal's replies. With an image id the
/// first chunk also carries `i=ID,p=1,C=1`: sending another image under the same id replaces the
/// old one (the terminal would otherwise keep every frame), and the cursor stays put.
public enum KittyEncoder {
  /// Transmits and displays `image` at its own pixel size at the cursor.
  ///
  /// `id` (1 ... 2³²−1) names the image so a later frame replaces it; nil sends an anonymous one.
  public static func encode(_ image: Image, id: UInt32? = nil) -> [UInt8] {
    guard let png = try? PNGCodec.encode(image.flattened(), compression: 1) else { return [] }
    let payload = base64(png)
    var out: [UInt8] = []
    out.reserveCapacity(payload.count + payload.count / 4096 * 16 + 64)
    var offset = 0
    var first = true
    repeat {
      let end = min(offset + 4096, payload.count)
      let more = end < payload.count ? 1 : 0
      out.append(contentsOf: "\u{1B}_G".utf8)
      if first {
        out.append(contentsOf: "a=T,f=100,q=2,".utf8)
        if let id { out.append(contentsOf: "i=\(id),p=1,C=1,".utf8) }
      }
      out.append(contentsOf: "m=\(more);".utf8)
      out.append(contentsOf: payload[offset..<end])
      out.append(contentsOf: "\u{1B}\\".utf8)
      offset = end
      first = false
    } while offset < payload.count
    return out
  }

  /// Deletes every image this program placed and frees their data (`a=d,d=A`), for overlays,
  /// resizes and exit.
  public static func deleteAll() -> [UInt8] {
    Array("\u{1B}_Ga=d,d=A,q=2\u{1B}\\".utf8)
  }

  /// Standard base64 with padding.
  public static func base64(_ bytes: [UInt8]) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
      let v = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
      out.append(alphabet[v >> 18])
      out.append(alphabet[(v >> 12) & 63])
      out.append(alphabet[(v >> 6) & 63])
      out.append(alphabet[v & 63])
      i += 3
    }
    let rest = bytes.count - i
    if rest > 0 {
      let v = Int(bytes[i]) << 16 | (rest == 2 ? Int(bytes[i + 1]) << 8 : 0)
      out.append(alphabet[v >> 18])
      out.append(alphabet[(v >> 12) & 63])
      out.append(rest == 2 ? alphabet[(v >> 6) & 63] : 61)
      out.append(61)
    }
    return out
  }
}
