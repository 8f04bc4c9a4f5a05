import Foundation
import Imaging
import XCTest

final class BadInputTests: XCTestCase {
  func decodeMustNotCrash(_ bytes: [UInt8]) -> Result<Image, Error> {
    Result { try ImageIO.decode(bytes, name: "mem") }
  }

  func testTruncatedFilesThrow() throws {
    let png = try PNGCodec.encode(testPattern(width: 24, height: 16), text: ["k": "v"])
    let jpeg = try FileIO.readAll(path: fixture("quad-progressive.jpg"))
    let baseline = try FileIO.readAll(path: fixture("quad-baseline.jpg"))
    for source in [png, jpeg, baseline] {
      for cut in 0..<(source.count - 2) {
        let result = decodeMustNotCrash(Array(source[0..<cut]))
        if case .success = result { XCTFail("truncated at \(cut) of \(source.count) decoded") }
      }
    }
  }

  func testByteFlipsNeverCrash() throws {
    var rng = SplitMix(state: 42)
    let png = try PNGCodec.encode(testPattern(width: 24, height: 16))
    let sources = [
      png, try FileIO.readAll(path: fixture("quad-progressive.jpg")),
      try FileIO.readAll(path: fixture("quad-baseline.jpg")),
      try FileIO.readAll(path: fixture("quad-exif6.jpg")),
    ]
    var pngFailures = 0
    for (index, source) in sources.enumerated() {
      for _ in 0..<300 {
        var bytes = source
        let flips = 1 + Int(rng.next() % 3)
        for _ in 0..<flips {
          let at = Int(rng.next() % UInt64(bytes.count))
          bytes[at] ^= UInt8(1 << (rng.next() % 8))
        }
        switch decodeMustNotCrash(bytes) {
        case .success(let image):
          // JPEG entropy data has no checksum: a flip may decode to a damaged picture.
          XCTAssertNotEqual(index, 0, "a damaged PNG decoded")
          XCTAssertGreaterThan(image.width * image.height, 0)
        case .failure(let error):
          XCTAssertTrue(error is ImagingError)
          XCTAssertFalse("\(error)".contains("\n"))
          if index == 0 { pngFailures += 1 }
        }
      }
    }
    XCTAssertEqual(pngFailures, 300)
  }

  func testRefusesHugeAndZeroDimensionsBeforeDecoding() throws {
    var png = try PNGCodec.encode(Image(width: 4, height: 4, channels: 1))
    // Patch IHDR width/height to 100000 x 100000 (CRC left stale: limits are checked first).
    png.replaceSubrange(16..<24, with: [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0])
    XCTAssertThrowsError(try ImageIO.decode(png, name: "big.png")) {
      guard case .tooLarge = $0 as? ImagingError else { return XCTFail("\($0)") }
      XCTAssertTrue("\($0)".hasPrefix("big.png: image is 100000x100000, above the limit"))
    }
    png.replaceSubrange(16..<24, with: [0, 0, 0, 0, 0, 0, 0, 4])
    XCTAssertThrowsError(try ImageIO.decode(png, name: "z.png")) {
      XCTAssertEqual($0 as? ImagingError, .zeroDimensions(path: "z.png"))
    }
    var jpeg = try FileIO.readAll(path: fixture("quad-baseline.jpg"))
    let sof = (0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }!
    jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0xFF, 0xFF, 0xFF])
    XCTAssertThrowsError(try ImageIO.decode(jpeg, name: "big.jpg")) {
      guard case .tooLarge = $0 as? ImagingError else { return XCTFail("\($0)") }
    }
  }

  func testUnsupportedAndUnreadable() throws {
    let folder = temporaryFolder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let gif = folder + "/a.gif"
    _ = FileManager.default.createFile(atPath: gif, contents: Data("GIF89a......".utf8))
    XCTAssertThrowsError(try ImageIO.read(path: gif)) {
      XCTAssertEqual($0 as? ImagingError, .unsupportedFormat(path: gif))
    }
    let empty = folder + "/empty.png"
    _ = FileManager.default.createFile(atPath: empty, contents: Data())
    XCTAssertThrowsError(try ImageIO.read(path: empty))
    XCTAssertThrowsError(try ImageIO.read(path: folder + "/missing.png")) {
      XCTAssertEqual("\($0)", folder + "/missing.png: cannot read: No such file or directory")
    }
    XCTAssertThrowsError(try ImageIO.read(path: folder)) {
      XCTAssertTrue("\($0)".hasSuffix("is a directory"))
    }
  }
}
