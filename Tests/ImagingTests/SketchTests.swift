import Imaging
import XCTest

final class SketchTests: XCTestCase {
  /// A gray disc (0.3) on light paper (0.9), plus faint noise.
  func discPhoto(size: Int) -> Image {
    var image = Image(width: size, height: size, channels: 3, value: 0.9)
    var rng = SplitMix(state: 7)
    for y in 0..<size {
      for x in 0..<size {
        let dx = Double(x - size / 2), dy = Double(y - size / 2)
        let inside = dx * dx + dy * dy < Double(size * size) / 9
        for c in 0..<3 {
          image[x, y, c] = (inside ? 0.3 : 0.9) + Float(rng.next() % 100) / 100 * 0.02
        }
      }
    }
    return image
  }

  func testXDoGDrawsThinDarkOutline() {
    let sketch = Sketch.extract(from: discPhoto(size: 96))
    XCTAssertEqual(sketch.channels, 1)
    let ink = sketch.pixels.filter { $0 < 0.5 }.count
    // Circumference ≈ 2π·32 ≈ 200 px; a thin stroke is 1–3 px wide.
    XCTAssertGreaterThan(ink, 100)
    XCTAssertLessThan(ink, 800)
    XCTAssertEqual(sketch[48, 48, 0], 1)  // flat interior stays paper
    XCTAssertEqual(sketch[2, 2, 0], 1)
  }

  func testNormalizeCentersAndBinarizes() {
    // A thick dark stroke in the top-left corner of a large, slightly gray page.
    var page = Image(width: 120, height: 80, channels: 1, value: 0.85)
    for y in 10..<40 { for x in 10..<16 { page[x, y, 0] = 0.1 } }
    for y in 10..<16 { for x in 10..<40 { page[x, y, 0] = 0.1 } }
    let out = Sketch.normalize(page, size: 64)
    XCTAssertEqual([out.width, out.height, out.channels], [64, 64, 1])
    XCTAssertEqual(out[0, 0, 0], 1)
    XCTAssertEqual(out[63, 63, 0], 1)
    let ink = out.pixels.filter { $0 < 0.5 }.count
    XCTAssertGreaterThan(ink, 0)
    // Ink reaches near the margins: the drawing was scaled up to fill the frame.
    let inkColumns = (0..<64).filter { x in (0..<64).contains { out[x, $0, 0] < 0.5 } }
    XCTAssertLessThan(inkColumns.first!, 10)
    XCTAssertGreaterThan(inkColumns.last!, 54)
    // White-on-black input is inverted.
    var inverted = page
    inverted.pixels = page.pixels.map { 1 - $0 }
    XCTAssertEqual(Sketch.normalize(inverted, size: 64)[0, 0, 0], 1)
    XCTAssertEqual(
      Sketch.normalize(Image(width: 8, height: 8, channels: 1, value: 1), size: 16).pixels,
      [Float](repeating: 1, count: 256))
  }

  func testNormalizeRemovesUnevenLighting() {
    // A photographed page: paper from 0.95 (left) down to 0.45 (right), with a dark cross.
    var page = Image(width: 160, height: 120, channels: 1)
    for y in 0..<120 {
      for x in 0..<160 {
        let paper = 0.95 - 0.5 * Float(x) / 159
        let ink =
          (abs(x - 80) < 2 && (30..<90).contains(y)) || (abs(y - 60) < 2 && (50..<110).contains(x))
        page[x, y, 0] = ink ? paper * 0.25 : paper
      }
    }
    let out = Sketch.normalize(page, size: 64)
    // Without flattening the dim right half would turn into ink; here only the cross is.
    let ink = out.pixels.filter { $0 < 0.5 }.count
    XCTAssertGreaterThan(ink, 40)
    XCTAssertLessThan(ink, 64 * 64 / 6)
    XCTAssertEqual(out[63, 32, 0], 1)
  }
}
