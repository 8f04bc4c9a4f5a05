// The S2F evaluation's layout-move measure on moves whose answer is known.

import Models
import XCTest

final class S2FEvaluationTests: XCTestCase {
  /// Half the true move along its direction gives ratio 0.5 and alignment 1; no move gives 0
  /// and 0; a move at right angles gives alignment 0; the opposite move gives −1.
  func testLayoutMoveMeasuresSizeAndDirection() {
    let start: [Float] = [1, 2, 3, 4]
    let encoded: [Float] = [3, 2, 3, 0]  // move (2, 0, 0, −4)
    typealias M = S2FEvaluation.LayoutMove
    let half = M.measure(start: start, edited: [2, 2, 3, 2], encoded: encoded)
    XCTAssertEqual(half.ratio, 0.5, accuracy: 1e-12)
    XCTAssertEqual(half.alignment, 1, accuracy: 1e-12)
    XCTAssertEqual(
      M.measure(start: start, edited: start, encoded: encoded), M(ratio: 0, alignment: 0))
    let across = M.measure(start: start, edited: [5, 2, 3, 6], encoded: encoded)  // (4, 0, 0, 2)
    XCTAssertEqual(across.alignment, 0, accuracy: 1e-12)
    XCTAssertEqual(across.ratio, 1, accuracy: 1e-12)
    let back = M.measure(start: start, edited: [-1, 2, 3, 8], encoded: encoded)
    XCTAssertEqual(back.alignment, -1, accuracy: 1e-12)
    XCTAssertEqual(back.ratio, 1, accuracy: 1e-12)
  }
}
