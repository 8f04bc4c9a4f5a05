import Imaging
import XCTest

final class GeometryTests: XCTestCase {
  func testAreaDownscaleAveragesExactly() {
    let image = Image(width: 4, height: 2, channels: 1, pixels: [0, 1, 0.5, 0.5, 1, 0, 0.25, 0.75])
    let small = image.resized(width: 2, height: 1)
    XCTAssertEqual(small.pixels[0], 0.5, accuracy: 1e-6)
    XCTAssertEqual(small.pixels[1], 0.5, accuracy: 1e-6)
    let third = Image(width: 3, height: 1, channels: 1, pixels: [0, 0.3, 0.9]).resized(
      width: 2, height: 1)
    // Output 0 covers pixels 0 and half of 1: (0 + 0.15) / 1.5.
    XCTAssertEqual(third.pixels[0], 0.1, accuracy: 1e-6)
  }

  func testUpscalePreservesConstantsAndRange() {
    let flat = Image(width: 5, height: 3, channels: 3, value: 0.3)
    for filter in [ResizeFilter.automatic, .bilinear, .lanczos3] {
      let big = flat.resized(width: 17, height: 11, filter: filter)
      XCTAssertLessThan(
        maxDifference(big, Image(width: 17, height: 11, channels: 3, value: 0.3)), 1e-5)
    }
    let edge = Image(width: 4, height: 1, channels: 1, pixels: [0, 0, 1, 1]).resized(
      width: 16, height: 1)
    XCTAssertTrue(edge.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
    let pattern = testPattern(width: 64, height: 64)
    let roundTrip = pattern.resized(width: 128, height: 128).resized(width: 64, height: 64)
    XCTAssertGreaterThan(psnr(roundTrip, pattern), 30)
  }

  func testCropPadAndBoxes() {
    let image = Image(width: 4, height: 2, channels: 1, pixels: [1, 2, 3, 4, 5, 6, 7, 8])
    XCTAssertEqual(
      image.cropped(to: CropBox(x: 1, y: 0, width: 2, height: 2)).pixels, [2, 3, 6, 7])
    XCTAssertEqual(
      image.cropped(to: CropBox(x: -1, y: 1, width: 2, height: 2), fill: 0).pixels, [0, 5, 0, 0])
    let square = image.paddedToSquare(fill: 0)
    XCTAssertEqual([square.width, square.height], [4, 4])
    XCTAssertEqual(Array(square.pixels[4..<12]), [1, 2, 3, 4, 5, 6, 7, 8])
    XCTAssertEqual(image.centerCroppedToSquare().pixels, [2, 3, 6, 7])
    let box = CropBox(x: 10, y: 20, width: 30, height: 50)
    XCTAssertEqual(box.enclosingSquare, CropBox(x: 0, y: 20, width: 50, height: 50))
    XCTAssertEqual(box.expanded(by: 0.1), CropBox(x: 7, y: 15, width: 36, height: 60))
    XCTAssertEqual(
      box.clamped(width: 25, height: 100), CropBox(x: 10, y: 20, width: 15, height: 50))
  }

  func testChannelConversions() {
    let rgba = Image(width: 1, height: 1, channels: 4, pixels: [0, 0, 0, 0.25])
    XCTAssertEqual(rgba.rgb().pixels, [0.75, 0.75, 0.75])
    XCTAssertEqual(rgba.grayscale().pixels[0], 0.75, accuracy: 1e-6)
    let gray = Image(width: 1, height: 1, channels: 1, pixels: [0.2])
    XCTAssertEqual(gray.rgb().pixels, [0.2, 0.2, 0.2])
    XCTAssertEqual(gray.converted(channels: 4).pixels, [0.2, 0.2, 0.2, 1])
    XCTAssertEqual(Image(width: 1, height: 1, channels: 1, bytes: [255]).pixels, [1])
    XCTAssertEqual(Image(width: 1, height: 1, channels: 1, pixels: [0.5]).bytes8(), [128])
  }
}
