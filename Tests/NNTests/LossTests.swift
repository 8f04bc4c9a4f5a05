// Losses without a PyTorch fixture: the weighted L1 and the structure L1.

import NN
import Tensor
import TestSupport
import XCTest

final class LossTests: XCTestCase {
  func testWeightedL1IsAWeightedMeanBroadcastOverChannels() {
    var rng = SplitMix64(seed: 3)
    let x = Tensor.randomNormal([2, 3, 4, 5], using: &rng).requiringGrad()
    let y = Tensor.randomNormal([2, 3, 4, 5], using: &rng)
    // Uniform weights: the plain L1.
    let uniform = Loss.l1(x, y, weights: Tensor(repeating: 0.7, shape: [2, 1, 4, 5]))
    XCTAssertEqual(uniform.item, Loss.l1(x, y).item, accuracy: 1e-6)
    // Weight only the left two columns: the L1 over them alone.
    var w = [Float](repeating: 0, count: 2 * 4 * 5)
    for i in 0..<(2 * 4) { w[i * 5] = 1; w[i * 5 + 1] = 1 }
    let weights = Tensor(w, shape: [2, 1, 4, 5])
    let left = Loss.l1(x.slice(axis: 3, start: 0, length: 2), y.slice(axis: 3, start: 0, length: 2))
    let weighted = Loss.l1(x, y, weights: weights)
    XCTAssertEqual(weighted.item, left.item, accuracy: 1e-6)
    // Gradient: w · sign(x − y) / Σw (Σw over the broadcast shape), zero where w is zero.
    weighted.backward()
    let g = x.grad!.scalars
    let d = (x - y).scalars
    let total = Float(2 * 2 * 4 * 3)
    for i in 0..<g.count {
      let column = i % 5
      let expected: Float = column < 2 ? (d[i] > 0 ? 1 : -1) / total : 0
      XCTAssertEqual(g[i], expected, accuracy: 1e-6)
    }
  }

  func testStructureL1IgnoresBrightnessAndContrastButNotStructure() {
    var rng = SplitMix64(seed: 5)
    let x = Tensor.randomUniform([2, 3, 6, 6], -1, 1, using: &rng)
    // The same images brighter and with more contrast (one affine map per image): no loss.
    let y = x * 1.7 + 0.3
    XCTAssertEqual(Loss.structureL1(y, x).item, 0, accuracy: 1e-3)
    // Other images: a loss of about the size of standardised noise.
    let z = Tensor.randomUniform([2, 3, 6, 6], -1, 1, using: &rng)
    XCTAssertGreaterThan(Loss.structureL1(z, x).item, 0.5)
  }

  func testStructureL1Gradients() {
    var rng = SplitMix64(seed: 6)
    let target = Tensor.randomUniform([2, 3, 4, 4], -1, 1, using: &rng)
    assertGradients([Tensor.randomUniform([2, 3, 4, 4], -1, 1, using: &rng)], tolerance: 3e-2) {
      Loss.structureL1($0[0], target)
    }
  }

  func testGradientL1SeesEdgesNotOffsets() {
    var rng = SplitMix64(seed: 7)
    let x = Tensor.randomUniform([2, 3, 5, 6], -1, 1, using: &rng)
    let everywhere = Tensor(repeating: 1, shape: [2, 1, 5, 6])
    // A constant shift leaves every pixel difference as it was.
    XCTAssertEqual(Loss.gradientL1(x + 0.4, x, weights: everywhere).item, 0, accuracy: 1e-6)
    // One bright pixel at (row 1, column 1) of a flat 3×4 image: two horizontal and two
    // vertical differences of magnitude 1, against none.
    let line = Tensor([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], shape: [1, 1, 3, 4])
    let flat = Tensor(zeros: [1, 1, 3, 4])
    let ones = Tensor(repeating: 1, shape: [1, 1, 3, 4])
    // Across: |+1| and |−1| among 3×3 pairs; down: |+1| and |−1| among 2×4 pairs.
    let expected: Float = (2 / 9 + 2 / 8) / 2
    XCTAssertEqual(Loss.gradientL1(line, flat, weights: ones).item, expected, accuracy: 1e-6)
    // Outside the weighted region nothing counts.
    var w = [Float](repeating: 1, count: 12)
    for i in [1, 2, 5, 6, 9] { w[i] = 0 }
    let mask = Tensor(w, shape: [1, 1, 3, 4])
    XCTAssertEqual(Loss.gradientL1(line, flat, weights: mask).item, 0, accuracy: 1e-6)
  }

  func testGradientL1Gradients() {
    var rng = SplitMix64(seed: 8)
    let target = Tensor.randomUniform([2, 3, 4, 5], -1, 1, using: &rng)
    let w = Tensor.randomUniform([2, 1, 4, 5], 0, 1, using: &rng)
    assertGradients([Tensor.randomUniform([2, 3, 4, 5], -1, 1, using: &rng)], tolerance: 3e-2) {
      Loss.gradientL1($0[0], target, weights: w)
    }
  }
}
