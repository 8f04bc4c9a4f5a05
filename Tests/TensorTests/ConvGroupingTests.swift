// Grouped (several images per GEMM) and per-image convolution paths agree.

import Tensor
import TestSupport
import XCTest

final class ConvGroupingTests: XCTestCase {
  /// Runs conv2d and its two gradients on a batch, and image by image (batch 1 never groups).
  func check(c: Int, h: Int, o: Int, k: Int, stride: Int, padding: Int, n: Int, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let opts = Conv2dOptions(stride: stride, padding: padding)
    let x = Tensor.randomNormal([n, c, h, h], using: &rng)
    let w = Tensor.randomNormal([o, c, k, k], using: &rng)
    let y = Tensor.conv2d(x, w, options: opts)
    let gy = Tensor.randomNormal(y.shape, using: &rng)
    let dx = Tensor.conv2dInputGrad(gy, w, inputShape: x.shape, options: opts)
    let dw = Tensor.conv2dWeightGrad(x, gy, weightShape: w.shape, options: opts)
    var ys: [Tensor] = []
    var dxs: [Tensor] = []
    var dwSum = Tensor(zeros: w.shape)
    for i in 0..<n {
      let xi = x.slice(axis: 0, start: i, length: 1)
      let gi = gy.slice(axis: 0, start: i, length: 1)
      ys.append(Tensor.conv2d(xi, w, options: opts))
      dxs.append(Tensor.conv2dInputGrad(gi, w, inputShape: xi.shape, options: opts))
      dwSum = dwSum + Tensor.conv2dWeightGrad(xi, gi, weightShape: w.shape, options: opts)
    }
    assertClose(y, Tensor.concat(ys, axis: 0), atol: 1e-4, "forward")
    assertClose(dx, Tensor.concat(dxs, axis: 0), atol: 1e-4, "input gradient")
    assertClose(dw, dwSum, atol: 1e-3, rtol: 1e-3, "weight gradient")
  }

  func testSmallMapsGroupedAcrossImages() {
    check(c: 5, h: 8, o: 7, k: 3, stride: 1, padding: 1, n: 5, seed: 1)
    check(c: 4, h: 9, o: 6, k: 4, stride: 2, padding: 1, n: 3, seed: 2)
    check(c: 6, h: 4, o: 5, k: 1, stride: 1, padding: 0, n: 4, seed: 3)
  }

  func testLargeMapsOneImagePerGemm() {
    check(c: 3, h: 20, o: 6, k: 3, stride: 1, padding: 1, n: 2, seed: 4)
  }

  func testManyImagesSplitIntoSeveralGroups() {
    // 4×4 outputs → 64 images per group; 70 images need two groups.
    check(c: 2, h: 4, o: 5, k: 3, stride: 1, padding: 1, n: 70, seed: 5)
  }
}
