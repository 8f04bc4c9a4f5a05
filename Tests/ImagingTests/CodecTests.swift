import Foundation
import Imaging
import XCTest

final class CodecTests: XCTestCase {
  func testPNGRoundTripIsBitExactFor8Bit() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for channels in [1, 3, 4] {
      let source = testPattern(width: 37, height: 23, channels: channels)
      let quantized = Image(
        width: 37, height: 23, channels: channels, bytes: source.bytes8())
      let path = folder + "/rt\(channels).png"
      try PNGCodec.write(quantized, to: path)
      let back = try PNGCodec.read(path: path, keepAlpha: true)
      XCTAssertEqual(back.channels, channels)
      XCTAssertEqual(back.bytes8(), quantized.bytes8())
    }
  }

  func testPNG16BitRoundTrip() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let source = Image(
      width: 9, height: 5, channels: 3, words: (0..<135).map { UInt16($0 * 487) })
    try PNGCodec.write(source, to: folder + "/a.png", bitDepth: 16)
    let back = try PNGCodec.read(path: folder + "/a.png")
    XCTAssertEqual(back.words16(), source.words16())
  }

  func testPNGMetadataRoundTrip() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let long = String(repeating: "{\"smile\": 0.8, \"age\": -0.2} ", count: 100)
    let text = ["visage.recipe": long, "Comment": "héllo ✓", "Software": "Visage"]
    let path = folder + "/meta.png"
    try PNGCodec.write(testPattern(width: 8, height: 8), to: path, text: text)
    XCTAssertEqual(try PNGCodec.readText(path: path), text)
    XCTAssertThrowsError(
      try PNGCodec.write(testPattern(width: 4, height: 4), to: folder + "/x.png", text: ["": "a"]))
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/x.png"))
  }

  func testWriteRefusesToOverwriteUnlessAsked() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/o.png"
    try PNGCodec.write(Image(width: 2, height: 2, channels: 1, value: 0), to: path)
    XCTAssertThrowsError(try PNGCodec.write(Image(width: 3, height: 3, channels: 1), to: path)) {
      XCTAssertEqual($0 as? ImagingError, .exists(path: path))
    }
    XCTAssertEqual(try PNGCodec.read(path: path).width, 2)
    try PNGCodec.write(Image(width: 3, height: 3, channels: 1), to: path, overwrite: true)
    XCTAssertEqual(try PNGCodec.read(path: path).width, 3)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder)
    XCTAssertEqual(leftovers, ["o.png"])
  }

  func testWriteToMissingFolderFails() {
    XCTAssertThrowsError(
      try PNGCodec.write(Image(width: 2, height: 2, channels: 1), to: "/nonexistent/dir/a.png")
    ) { XCTAssertTrue("\($0)".hasPrefix("/nonexistent/dir/a.png: cannot write")) }
  }

  func testPNGFixtureVariants() throws {
    let palette = try ImageIO.read(path: fixture("quad-palette.png"))
    XCTAssertEqual([palette.width, palette.height, palette.channels], [32, 16, 3])
    XCTAssertEqual(palette.bytes8()[0..<3], [255, 0, 0])
    let interlaced = try ImageIO.read(path: fixture("quad-interlaced.png"))
    XCTAssertEqual(interlaced, palette)
    let gray16 = try ImageIO.read(path: fixture("gray16.png"))
    XCTAssertEqual(gray16.channels, 1)
    XCTAssertEqual(gray16.pixels[0], 1, accuracy: 1e-6)
    XCTAssertEqual(gray16.pixels[gray16.pixels.count - 1], 0, accuracy: 1e-6)
    // 16-bit precision survives: interior rows are not multiples of 1/255.
    let midRow = gray16.pixels[5 * 20]
    XCTAssertNotEqual(midRow * 255, (midRow * 255).rounded(), accuracy: 1e-4)
    let grayAlpha = try PNGCodec.read(path: fixture("gray-alpha.png"), keepAlpha: true)
    XCTAssertEqual(grayAlpha.channels, 4)
    let flat = try ImageIO.read(path: fixture("gray-alpha.png"))
    XCTAssertEqual(flat.channels, 1)
    // Column 0 is fully transparent: composited on white.
    XCTAssertEqual(flat[0, 6, 0], 1, accuracy: 1e-3)
    let rgba = try ImageIO.read(path: fixture("rgba.png"))
    XCTAssertEqual(rgba.channels, 3)
    XCTAssertEqual(rgba[0, 11, 0], 1, accuracy: 0.01)  // transparent bottom → white
    XCTAssertEqual(rgba[0, 11, 1], 1, accuracy: 0.01)
  }

  /// Quadrants: red (top left), lime (top right), blue (bottom left), white (bottom right).
  func assertQuad(_ image: Image, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(
      [image.width, image.height, image.channels], [32, 16, 3], file: file, line: line)
    let probes: [(Int, Int, [Float])] = [
      (4, 3, [1, 0, 0]), (27, 3, [0, 1, 0]), (4, 12, [0, 0, 1]), (27, 12, [1, 1, 1]),
    ]
    for (x, y, rgb) in probes {
      for c in 0..<3 {
        XCTAssertEqual(
          image[x, y, c], rgb[c], accuracy: 0.06, "(\(x),\(y),\(c))", file: file, line: line)
      }
    }
  }

  func testJPEGFixtures() throws {
    assertQuad(try JPEGCodec.read(path: fixture("quad-baseline.jpg")))
    assertQuad(try JPEGCodec.read(path: fixture("quad-progressive.jpg")))
    assertQuad(try ImageIO.read(path: fixture("quad-exif6.jpg")))
    assertQuad(try ImageIO.read(path: fixture("quad-cmyk.jpg")))
    let header = try JPEGCodec.scanHeader(
      FileIO.readAll(path: fixture("quad-exif6.jpg")), name: "x")
    XCTAssertEqual(header.orientation, 6)
    XCTAssertEqual([header.width, header.height], [16, 32])
    let progressive = try JPEGCodec.scanHeader(
      FileIO.readAll(path: fixture("gradient-progressive.jpg")), name: "x")
    XCTAssertTrue(progressive.progressive)
    let gradient = try ImageIO.read(path: fixture("gradient-progressive.jpg"))
    XCTAssertEqual([gradient.width, gradient.height], [40, 30])
    XCTAssertEqual(gradient[20, 0, 0], 1, accuracy: 0.08)
    XCTAssertEqual(gradient[20, 29, 2], 1, accuracy: 0.08)
    let gray = try ImageIO.read(path: fixture("gray.jpg"))
    XCTAssertEqual(gray.channels, 1)
  }

  func testJPEGWriteRead() throws {
    let source = testPattern(width: 48, height: 32)
    let bytes = try JPEGCodec.encode(source, quality: 95)
    let back = try JPEGCodec.decode(bytes, name: "mem")
    XCTAssertGreaterThan(psnr(back, source), 30)
  }

  func testOrientationTags() {
    let image = Image(width: 3, height: 2, channels: 1, pixels: [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(image.applyingEXIFOrientation(6).pixels, [4, 1, 5, 2, 6, 3])
    XCTAssertEqual(image.applyingEXIFOrientation(8).pixels, [3, 6, 2, 5, 1, 4])
    XCTAssertEqual(image.applyingEXIFOrientation(3).pixels, [6, 5, 4, 3, 2, 1])
    XCTAssertEqual(image.applyingEXIFOrientation(5).pixels, [1, 4, 2, 5, 3, 6])
    XCTAssertEqual(image.applyingEXIFOrientation(2).pixels, [3, 2, 1, 6, 5, 4])
    XCTAssertEqual(image.rotatedClockwise().rotatedCounterClockwise(), image)
  }
}
