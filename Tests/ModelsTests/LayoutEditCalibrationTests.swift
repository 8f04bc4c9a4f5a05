// The layout editor's slider gains.

import Models
import XCTest

final class LayoutEditCalibrationTests: XCTestCase {
  typealias M = S2FEvaluation.LayoutMove

  /// The gain is the inverse of the share of the real move covered along its direction,
  /// clamped to [1, maxGain]; a move across or against the real one keeps 1.
  func testGainCoversTheRealMoveAndIsClamped() {
    let g = LayoutEditCalibration.gain
    XCTAssertEqual(g(M(ratio: 0.5, alignment: 1), 3), 2, accuracy: 1e-6)
    XCTAssertEqual(g(M(ratio: 0.8, alignment: 0.5), 3), 2.5, accuracy: 1e-6)
    XCTAssertEqual(g(M(ratio: 0.2, alignment: 0.5), 3), 3, accuracy: 1e-6)
    XCTAssertEqual(g(M(ratio: 0.2, alignment: 0.5), 12), 10, accuracy: 1e-5)
    XCTAssertEqual(g(M(ratio: 2, alignment: 1), 3), 1)
    XCTAssertEqual(g(M(ratio: 1, alignment: 0), 3), 1)
    XCTAssertEqual(g(M(ratio: 1, alignment: -0.5), 3), 1)
  }
}
