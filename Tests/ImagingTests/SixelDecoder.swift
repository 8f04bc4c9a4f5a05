// A small sixel decoder for tests: DCS bytes → RGB image (unset pixels are black).
import Imaging

enum SixelDecodeError: Error { case malformed(String) }

func decodeSixel(_ bytes: [UInt8]) throws -> Image {
  var i = 0
  guard bytes.count > 4, bytes[0] == 0x1B, bytes[1] == 0x50 else {
    throw SixelDecodeError.malformed("no DCS")
  }
  while i < bytes.count && bytes[i] != 0x71 { i += 1 }  // 'q'
  i += 1
  func number() -> Int {
    var n = 0
    while i < bytes.count, (48...57).contains(bytes[i]) {
      n = n * 10 + Int(bytes[i] - 48)
      i += 1
    }
    return n
  }
  var width = 0, height = 0
  var palette = [Int: (Float, Float, Float)]()
  var pixels: [Float] = []
  var color = 0, x = 0, y = 0
  func paint(_ pattern: Int, _ count: Int) {
    let c = palette[color] ?? (0, 0, 0)
    for _ in 0..<count {
      for bit in 0..<6 where pattern & (1 << bit) != 0 {
        let py = y + bit
        if x < width && py < height {
          let p = (py * width + x) * 3
          pixels[p] = c.0
          pixels[p + 1] = c.1
          pixels[p + 2] = c.2
        }
      }
      x += 1
    }
  }
  while i < bytes.count {
    let b = bytes[i]
    switch b {
    case 0x22:  // '"'
      i += 1
      _ = number(); i += 1
      _ = number(); i += 1
      width = number(); i += 1
      height = number()
      pixels = [Float](repeating: 0, count: width * height * 3)
    case 0x23:  // '#'
      i += 1
      color = number()
      if i < bytes.count && bytes[i] == 0x3B {
        i += 1
        let kind = number(); i += 1
        let r = number(); i += 1
        let g = number(); i += 1
        let bl = number()
        guard kind == 2 else { throw SixelDecodeError.malformed("HLS colour") }
        palette[color] = (Float(r) / 100, Float(g) / 100, Float(bl) / 100)
      }
    case 0x21:  // '!'
      i += 1
      let count = number()
      let ch = Int(bytes[i]) - 0x3F
      i += 1
      paint(ch, count)
    case 0x24: x = 0; i += 1
    case 0x2D: x = 0; y += 6; i += 1
    case 0x3F...0x7E: paint(Int(b) - 0x3F, 1); i += 1
    case 0x1B:
      return Image(width: width, height: height, channels: 3, pixels: pixels)
    default:
      throw SixelDecodeError.malformed("byte \(b) at \(i)")
    }
  }
  throw SixelDecodeError.malformed("no ST")
}

/// Gaussian blur (σ = 1.5) used for "perceived" PSNR: dither grain averaged out.
func blurred(_ image: Image) -> Image {
  Sketch.gaussianBlur(image, sigma: 1.5)
}
