// The SARGAN evaluation's changed-region gain on generators whose answer is known.

import FaceSynth
import Foundation
import Models
import NN
import Tensor
import XCTest

final class SARGANEvaluationTests: XCTestCase {
  /// A generator that returns its input scores a changed-region gain of exactly 0 on every
  /// expressive target, nothing on neutral (the truth is the input), and keeps the input at
  /// intensity 0.
  func testIdentityGeneratorGainsNothing() {
    let g = SARGANGenerator(config: .lite(expressions: FaceExpression.allCases.count))
    g.head.weight.assign(Tensor(zeros: g.head.weight.shape))
    let judge = Judge(
      attributes: Attribute.allCases.count, expressions: FaceExpression.allCases.count,
      identityClasses: 4)
    let r = SARGANEvaluation.run(generator: g, judge: judge, count: 2, threads: 1)
    XCTAssertEqual(r.rows.count, FaceExpression.allCases.count)
    for row in r.rows {
      if row.name == FaceExpression.neutral.description {
        XCTAssertNil(row.regionGain)
      } else {
        XCTAssertEqual(try XCTUnwrap(row.regionGain, row.name), 0, accuracy: 1e-9, row.name)
      }
    }
    XCTAssertEqual(r.zeroIntensityL1, 0)
    XCTAssertTrue(r.markdown(record: "test", figures: []).contains("changed-region gain"))
  }

  /// A generator that ignores its condition is read as one class per face.
  ///
  /// It returns the same image for every target, so the judge reads each face as one class
  /// whatever the target: the accuracies over all targets sum to exactly 1, and each target's
  /// misreads are the rest. The canonical truth is named in the table.
  func testConditionBlindGeneratorIsReadAsOneClassPerFace() throws {
    let g = SARGANGenerator(config: .lite(expressions: FaceExpression.allCases.count))
    g.head.weight.assign(Tensor(zeros: g.head.weight.shape))
    let judge = Judge(
      attributes: Attribute.allCases.count, expressions: FaceExpression.allCases.count,
      identityClasses: 4)
    let r = SARGANEvaluation.run(
      generator: g, judge: judge, count: 3, canonicalTruth: true, threads: 1)
    XCTAssertEqual(r.rows.map(\.accuracy).reduce(0, +), 1, accuracy: 1e-9)
    for row in r.rows {
      XCTAssertLessThanOrEqual(row.misread?.share ?? 0, 1 - row.accuracy + 1e-9, row.name)
      XCTAssertEqual(row.misread == nil, row.accuracy == 1, row.name)
      XCTAssertNotEqual(row.misread?.name, row.name)
    }
    XCTAssertTrue(r.markdown(record: "test", figures: []).contains("canonical variant"))
  }

  /// The failure split picks the attribute whose faces fail most often against those without
  /// it, skips attributes too few faces have or lack, and is nil when nothing fails.
  func testFailureSplitFindsTheAttributeTheFailuresFollow() throws {
    let names = ["A", "B", "C"]
    // 12 faces: B on the first 6, and the failures are 4 of those 6 and 1 of the others; A
    // follows the failures exactly but only 3 faces lack it; C is unrelated.
    let failed = [true, true, true, true, false, false, true, false, false, false, false, false]
    let labels = (0..<12).map { i in [i != 0 && i != 1 && i != 11, i < 6, i % 2 == 0] }
    let split = try XCTUnwrap(
      SARGANEvaluation.failureSplit(failed: failed, labels: labels, names: names))
    XCTAssertEqual(
      split,
      SARGANEvaluation.FailureSplit(
        attribute: "B", failedWith: 4, facesWith: 6, failedWithout: 1, facesWithout: 6))
    XCTAssertEqual(split.rateWith - split.rateWithout, 0.5, accuracy: 1e-12)
    XCTAssertNil(
      SARGANEvaluation.failureSplit(
        failed: [Bool](repeating: false, count: 12), labels: labels, names: names))
    XCTAssertNil(
      SARGANEvaluation.failureSplit(failed: failed, labels: labels, names: names, minFaces: 7))
  }
}
