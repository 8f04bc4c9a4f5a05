// Image metrics used by the evaluations: SSIM over the whole image and inside a mask.

import Imaging
import Models
import XCTest

final class ImageMetricsTests: XCTestCase {
  /// A 32×32 gray gradient, with the right half replaced by noise in the second image.
  func pair() -> (Image, Image, [Bool]) {
    var a = Image(width: 32, height: 32, channels: 3, value: 0)
    for y in 0..<32 {
      for x in 0..<32 {
        for c in 0..<3 { a.pixels[(y * 32 + x) * 3 + c] = Float(x + y) / 64 }
      }
    }
    var b = a
    var state: UInt32 = 7
    for y in 0..<32 {
      for x in 16..<32 {
        state = state &* 1_664_525 &+ 1_013_904_223
        let v = Float(state >> 8) / Float(1 << 24)
        for c in 0..<3 { b.pixels[(y * 32 + x) * 3 + c] = v }
      }
    }
    let left = (0..<(32 * 32)).map { $0 % 32 < 8 }
    return (a, b, left)
  }

  /// Spread across faces: zero for identical rows, the mean of per-position deviations.
  func testSpreadIsTheMeanDeviationAcrossRows() {
    let same: [[Float]] = [[0.3, 0.5], [0.3, 0.5], [0.3, 0.5]]
    XCTAssertEqual(S2FEvaluation.spread(same), 0, accuracy: 1e-9)
    // Position 0: 0 and 2 (deviation 1); position 1: 1 and 1 (0).
    XCTAssertEqual(S2FEvaluation.spread([[0, 1], [2, 1]]), 0.5, accuracy: 1e-9)
    XCTAssertEqual(S2FEvaluation.spread([[4, 5]]), 0)
  }

  func testSSIMIsOneForIdenticalImagesAndLowerForChangedOnes() {
    let (a, b, _) = pair()
    XCTAssertEqual(ImageMetrics.ssim(a, a), 1, accuracy: 1e-9)
    XCTAssertLessThan(ImageMetrics.ssim(a, b), 0.8)
  }

  /// Inside a mask that only covers unchanged pixels (beyond the window's reach), SSIM is 1
  /// even though the whole image differs.
  func testSSIMWithinAMaskIgnoresPixelsOutsideIt() {
    let (a, b, left) = pair()
    XCTAssertEqual(ImageMetrics.ssim(a, b, within: left), 1, accuracy: 1e-9)
    let right = left.map { !$0 }
    XCTAssertLessThan(ImageMetrics.ssim(a, b, within: right), ImageMetrics.ssim(a, b))
  }
}
