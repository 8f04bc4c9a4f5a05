// Tests of the deterministic sketch → face ceiling estimate.

import FaceSynth
import Models
import XCTest

final class SketchCeilingTests: XCTestCase {
  /// The mean over other lightings scores between a single other lighting and a perfect match:
  /// lighting matters, and averaging it out is the better deterministic guess.
  func testMeanOfLightingsBeatsOneLightingAndStaysBelowOne() {
    let params = (0..<4).map { FaceSynth.params(index: $0, seed: 31, split: .test) }
    let c = SketchCeiling.estimate(params: params, size: 64, lightings: 8, threads: 1)
    XCTAssertEqual(c.faces, 4)
    XCTAssertGreaterThan(c.ssimOneLighting, 0.2)
    XCTAssertGreaterThan(c.ssim, c.ssimOneLighting + 0.03)
    XCTAssertLessThan(c.ssim, 0.95)
    XCTAssertGreaterThan(c.ssimPerson, 0.3)
    XCTAssertLessThan(c.ssimPerson, 0.98)
  }

  /// Scoring a face against a mean of its own render only is a perfect match.
  func testSameSettingsGiveAPerfectScore() {
    var p = FaceSynth.params(index: 2, seed: 31, split: .test)
    p.render = RenderSettings(renderSeed: 0x5EED_0000)  // the first lighting the estimate draws
    let c = SketchCeiling.estimate(params: [p], size: 48, lightings: 1, threads: 1)
    XCTAssertEqual(c.ssim, 1, accuracy: 1e-6)
    XCTAssertEqual(c.ssimOneLighting, 1, accuracy: 1e-6)
  }
}
