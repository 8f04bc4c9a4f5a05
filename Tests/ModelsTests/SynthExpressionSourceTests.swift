// Target sampling of the synthetic expression source.

import FaceSynth
import Foundation
import Models
import XCTest

final class SynthExpressionSourceTests: XCTestCase {
  /// With all weight on one expression, every edited sample targets it; samples kept at
  /// intensity 0 keep their source class.
  func testTargetWeightsSteerTheTargetExpression() throws {
    let angry = FaceExpression.angry.rawValue
    var w = [Float](repeating: 0, count: FaceExpression.allCases.count)
    w[angry] = 1
    let source = SynthExpressionSource(size: 64, threads: 1, targetWeights: w)
    var edited = 0
    for step in 0..<3 {
      let b = try source.batch(step: step, size: 8)
      for i in 0..<8 {
        if b.intensity[i] > 0 {
          XCTAssertEqual(b.targetClass[i], angry)
          edited += 1
        } else {
          XCTAssertEqual(b.targetClass[i], b.sourceClass[i])
        }
      }
    }
    XCTAssertGreaterThan(edited, 12)
  }

  /// Without weights a batch is the same for the same step, and every expression appears as a
  /// target over a few batches.
  func testUnweightedSourceIsDeterministicAndCoversEveryExpression() throws {
    let source = SynthExpressionSource(size: 64, threads: 1)
    let a = try source.batch(step: 5, size: 8)
    let b = try source.batch(step: 5, size: 8)
    XCTAssertEqual(a.targetClass, b.targetClass)
    XCTAssertEqual(a.sources.scalars, b.sources.scalars)
    var seen = Set<Int>()
    for step in 0..<12 {
      let c = try source.batch(step: step, size: 8)
      for i in 0..<8 where c.intensity[i] > 0 { seen.insert(c.targetClass[i]) }
    }
    XCTAssertEqual(seen.count, FaceExpression.allCases.count)
  }

  /// Face weights shift the drawn faces toward the weighted attribute; without them the pairs
  /// are exactly what the batches render.
  func testFaceWeightsDrawMoreFacesWithTheWeightedAttribute() throws {
    func youngShare(_ source: SynthExpressionSource) -> Double {
      var young = 0
      var all = 0
      for step in 0..<25 {
        for p in source.pairs(step: step, size: 8) {
          all += 1
          if p.source.attribute(.young) > 0.5 { young += 1 }
          XCTAssertEqual(p.source.identitySeed, p.target.identitySeed)
        }
      }
      return Double(young) / Double(all)
    }
    var w = [Float](repeating: 1, count: Attribute.allCases.count)
    w[Attribute.young.rawValue] = 8
    let plain = youngShare(SynthExpressionSource(size: 64, threads: 1))
    let weighted = youngShare(SynthExpressionSource(size: 64, threads: 1, faceWeights: w))
    // Drawn as rendered, about 55% of faces are young; weighted 8:1 about 90%.
    XCTAssertLessThan(plain, 0.72)
    XCTAssertGreaterThan(weighted, 0.82)
    let source = SynthExpressionSource(size: 64, threads: 1)
    let b = try source.batch(step: 3, size: 4)
    XCTAssertEqual(b.targetClass, source.pairs(step: 3, size: 4).map(\.targetClass))
  }
}
