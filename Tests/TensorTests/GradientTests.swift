// Finite-difference checks of every differentiable operation, and of double backward.

import Tensor
import TestSupport
import XCTest

final class GradientTests: XCTestCase {
  func x(_ shape: [Int], _ seed: UInt64) -> Tensor { randomAwayFromZero(shape, seed: seed) }

  func testBroadcastArithmetic() {
    assertGradients([x([2, 3, 4], 1), x([3, 1], 2)]) { $0[0] + $0[1] }
    assertGradients([x([2, 3, 4], 3), x([1, 3, 4], 4)]) { $0[0] - $0[1] }
    assertGradients([x([2, 3, 4], 5), x([2, 1, 4], 6)]) { $0[0] * $0[1] }
    assertGradients([x([2, 3], 7), x([2, 3], 8).abs() + 0.5]) { $0[0] / $0[1] }
    assertGradients([x([4], 9)]) { ($0[0] * 3 + 1) - 2 }
  }

  func testChannelAffineGradients() {
    assertGradients([x([2, 3, 4, 5], 13), x([3], 14), x([3], 15)]) {
      $0[0].channelAffine(scale: $0[1], shift: $0[2])
    }
    assertGradients([x([2, 3, 4, 5], 16), x([2, 3], 17)]) { $0[0].channelAffine(scale: $0[1]) }
    assertGradients([x([2, 3, 6], 18), x([2, 3], 19), x([3], 20)]) {
      $0[0].channelAffine(scale: $0[1], shift: $0[2])
    }
  }

  func testScaledSumGradients() {
    assertGradients([x([2, 3, 4], 21), x([2, 3, 4], 22)]) {
      Tensor.scaledSum($0[0], $0[1], scale: 0.7)
    }
    // Broadcasting shapes take the composed path.
    assertGradients([x([2, 3, 4], 23), x([3, 1], 24)]) {
      Tensor.scaledSum($0[0], $0[1], scale: -1.3)
    }
  }

  func testUnaryOperations() {
    assertGradients([x([3, 5], 10)]) { $0[0].leakyRelu(0.2) }
    assertGradients([x([3, 5], 11)]) { $0[0].leakyRelu(0.2, gain: 1.5) }
    assertGradients([x([3, 5], 11)]) { $0[0].tanh() }
    assertGradients([x([3, 5], 12)]) { $0[0].sigmoid() }
    assertGradients([x([3, 5], 13)]) { $0[0].exp() }
    assertGradients([x([3, 5], 14).abs() + 0.5]) { $0[0].log() }
    assertGradients([x([3, 5], 15).abs() + 0.5]) { $0[0].sqrt() }
    assertGradients([x([3, 5], 16).abs() + 0.5]) { $0[0].rsqrt() }
    assertGradients([x([3, 5], 17)]) { $0[0].squared() }
    assertGradients([x([3, 5], 18)]) { $0[0].abs() }
    assertGradients([x([3, 5], 19)]) { $0[0].softplus() }
    assertGradients([x([3, 5], 20).abs() + 0.5]) { $0[0].pow(1.5) }
  }

  func testReductionsAndShapes() {
    assertGradients([x([2, 3, 4], 21)]) { $0[0].sum(axes: [1]) }
    assertGradients([x([2, 3, 4], 22)]) { $0[0].mean(axes: [0, 2], keepDims: true) }
    assertGradients([x([2, 3, 4], 23)]) { $0[0].mean() }
    assertGradients([x([2, 3, 4], 24)]) { $0[0].permuted([2, 0, 1]) }
    assertGradients([x([2, 3], 25), x([2, 2], 26)]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
    assertGradients([x([2, 5, 3], 27)]) { $0[0].slice(axis: 1, start: 1, length: 3) }
    assertGradients([x([1, 2, 4, 4], 28)]) { $0[0].padded2d(1, reflect: true) }
    assertGradients([x([1, 2, 4, 4], 29)]) { $0[0].padded2d(2, reflect: false) }
    assertGradients([x([3], 30)]) { $0[0].expanded(to: [2, 3]) }
  }

  func testMatmulAllTransposes() {
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      let a = x(ta ? [4, 3] : [3, 4], 31)
      let b = x(tb ? [5, 4] : [4, 5], 32)
      assertGradients([a, b]) { Tensor.matmul($0[0], $0[1], transA: ta, transB: tb) }
    }
  }

  func testConvolutions() {
    assertGradients([x([2, 3, 7, 7], 33), x([4, 3, 3, 3], 34), x([4], 35)]) {
      Tensor.conv2d($0[0], $0[1], bias: $0[2], options: Conv2dOptions(stride: 2, padding: 1))
    }
    assertGradients([x([1, 2, 5, 5], 36), x([2, 3, 4, 4], 37), x([3], 38)]) {
      Tensor.convTranspose2d(
        $0[0], $0[1], bias: $0[2], options: Conv2dOptions(stride: 2, padding: 1))
    }
    assertGradients([x([2, 4, 3, 3], 39), x([2, 4, 1, 1], 40)]) { Tensor.conv2d($0[0], $0[1]) }
  }

  func testPoolingResamplingNormalization() {
    assertGradients([x([1, 2, 6, 6], 41)]) { $0[0].avgPool2d(2) }
    assertGradients([x([1, 2, 6, 6], 42)]) { $0[0].blur(padLow: 1, padHigh: 1, stride: 2) }
    assertGradients([x([1, 2, 5, 6], 48)]) { $0[0].blur(padLow: 2, padHigh: 2) }
    assertGradients([x([2, 1, 4, 3], 49)]) { $0[0].blur(padLow: 0, padHigh: 3) }
    assertGradients([x([1, 2, 4, 5], 43)]) { $0[0].resizedBilinear(height: 7, width: 3) }
    assertGradients([x([1, 2, 3, 3], 44)]) { $0[0].upsampled(2) }
    assertGradients([x([2, 3, 4, 4], 45)], tolerance: 2e-2) { $0[0].instanceNormalized() }
    assertGradients([x([3, 6], 46)], tolerance: 2e-2) { $0[0].layerNormalized() }
    assertGradients([x([3, 6], 47)]) { $0[0].logSoftmax() }
  }

  func testFusedNormalizationGradientMatchesRecordedOne() {
    // First-order backward runs a fused kernel; with a recorded graph it composes ops. Rows of
    // 3, 40 and 300 cover the 16-lane blocks and their tails.
    for (k, m) in [3, 40, 300].enumerated() {
      var rng = SplitMix64(seed: UInt64(60 + k))
      let x = (Tensor.randomNormal([5, m], std: 2, using: &rng) + 1).requiringGrad()
      let seed = Tensor.randomNormal([5, m], using: &rng)
      let y = x.normalizedRows()
      let fused = Tape.gradients(of: y, wrt: [x], seed: seed)[0]
      let recorded = Tape.gradients(
        of: x.normalizedRows(), wrt: [x], seed: seed, createGraph: true)[0]
      assertClose(fused, recorded, atol: 1e-5, "row of \(m)")
    }
  }

  func testGradientReversalNegatesGradient() {
    let a = x([4], 48).requiringGrad()
    let g = Tape.gradients(of: (a.gradientReversed(scale: 0.5) * 2).sum(), wrt: [a])[0]
    XCTAssertEqual(g.scalars, [Float](repeating: -1, count: 4))
  }

  func testReusedTensorAccumulatesGradient() {
    // b = a + a; c = b * b  =>  dc/da = 2·b·2 = 8a.
    let a = Tensor([1, -2, 3], shape: [3]).requiringGrad()
    let b = a + a
    (b * b).sum().backward()
    XCTAssertEqual(a.grad?.scalars, [8, -16, 24])
  }

  func testNoGradScopeRecordsNothing() {
    let a = Tensor([1, 2], shape: [2]).requiringGrad()
    let y = withNoGrad { a * 3 }
    XCTAssertFalse(y.requiresGrad)
    XCTAssertFalse((a * 3).detached().requiresGrad)
  }

  func testDeepChainDoesNotOverflowTheStack() {
    let a = Tensor([1], shape: [1]).requiringGrad()
    var y = a
    for _ in 0..<20000 { y = y + 0 }
    y.sum().backward()
    XCTAssertEqual(a.grad?.scalars, [1])
  }

  /// The gradient penalty of a tiny discriminator (conv → leaky ReLU → blur → linear), checked
  /// against finite differences with respect to the discriminator weights.
  func testDoubleBackwardOfGradientPenalty() {
    checkGradientPenalty { $0.blur(padLow: 1, padHigh: 1, stride: 2).avgPool2d(1) }
    // The stride-1 blur before a stride-2 convolution, as in the S2F discriminator.
    checkGradientPenalty { $0.blur(padLow: 2, padHigh: 1).avgPool2d(2) }
    // A per-channel affine inside the discriminator (the recorded backward).
    checkGradientPenalty {
      $0.channelAffine(
        scale: Tensor([0.5, -1.5, 2], shape: [3]), shift: Tensor([1, 2, 3], shape: [3])
      )
      .blur(padLow: 2, padHigh: 1).avgPool2d(2)
    }
    // StyleGAN2's activation with its gain folded in.
    checkGradientPenalty { $0.leakyRelu(0.2, gain: 1.5).blur(padLow: 2, padHigh: 1).avgPool2d(2) }
  }

  func checkGradientPenalty(_ downsample: @escaping (Tensor) -> Tensor) {
    let xIn = x([2, 2, 6, 6], 50)
    let w1 = x([3, 2, 3, 3], 51) * 0.5
    let w2 = x([1, 27], 52) * 0.3
    func penalty(_ p: [Tensor]) -> Tensor {
      let input = xIn.requiringGrad()
      var h = Tensor.conv2d(input, p[0], options: Conv2dOptions(padding: 1)).leakyRelu(0.2)
      h = downsample(h)
      let score = Tensor.matmul(h.reshaped([2, -1]), p[1], transB: true)
      let g = Tape.gradients(of: score.sum(), wrt: [input], createGraph: true)[0]
      return (g.squared().sum() * 0.5).reshaped([1])
    }
    assertGradients([w1, w2], eps: 1e-3, tolerance: 2e-2, samples: 12) { penalty($0) }
  }
}

final class BatchedMatmulTests: XCTestCase {
  func testBmmGradientsAllTransposes() {
    for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
      let a = randomAwayFromZero(ta ? [2, 4, 3] : [2, 3, 4], seed: 60)
      let b = randomAwayFromZero(tb ? [2, 5, 4] : [2, 4, 5], seed: 61)
      assertGradients([a, b]) { Tensor.bmm($0[0], $0[1], transA: ta, transB: tb) }
    }
  }

  func testBmmMatchesPerBatchMatmul() {
    let a = randomAwayFromZero([3, 2, 4], seed: 62)
    let b = randomAwayFromZero([3, 4, 5], seed: 63)
    let y = Tensor.bmm(a, b)
    for i in 0..<3 {
      let yi = Tensor.matmul(
        a.slice(axis: 0, start: i, length: 1).reshaped([2, 4]),
        b.slice(axis: 0, start: i, length: 1).reshaped([4, 5]))
      assertClose(y.slice(axis: 0, start: i, length: 1).reshaped([2, 5]), yi)
    }
  }
}
