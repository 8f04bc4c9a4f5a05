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
    let b = Tensor.randomNormal([o], using: &rng)
    let y = Tensor.conv2d(x, w, bias: b, options: opts)
    let gy = Tensor.randomNormal(y.shape, using: &rng)
    let dx = Tensor.conv2dInputGrad(gy, w, inputShape: x.shape, options: opts)
    let dw = Tensor.conv2dWeightGrad(x, gy, weightShape: w.shape, options: opts)
    var ys: [Tensor] = []
    var dxs: [Tensor] = []
    var dwSum = Tensor(zeros: w.shape)
    for i in 0..<n {
      let xi = x.slice(axis: 0, start: i, length: 1)
      let gi = gy.slice(axis: 0, start: i, length: 1)
      ys.append(Tensor.conv2d(xi, w, bias: b, options: opts))
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

  func testGroupsSplitOverTwoThreads() {
    let previous = Threads.count
    defer { Threads.configure(previous) }
    Threads.configure(2)
    // Five images on two threads: groups of three and two, the weight gradient summed from two
    // accumulators.
    check(c: 5, h: 8, o: 7, k: 3, stride: 1, padding: 1, n: 5, seed: 6)
    check(c: 4, h: 9, o: 6, k: 4, stride: 2, padding: 1, n: 3, seed: 7)
    check(c: 2, h: 4, o: 5, k: 3, stride: 1, padding: 1, n: 70, seed: 8)
  }

  /// Every kernel path adds the bias itself; it must equal adding it afterwards.
  func testBiasAddedByEveryPath() {
    let previous = Threads.count
    defer { Threads.configure(previous) }
    // (channels, size, out channels, kernel, stride, padding, batch): the direct 3×3 and
    // strided kernels, the 7×7 head, grouped and per-image im2col, 1×1.
    let cases = [
      (16, 16, 16, 3, 1, 1, 2), (8, 32, 16, 4, 2, 1, 3), (8, 20, 3, 7, 1, 3, 2),
      (6, 8, 10, 3, 1, 1, 5), (5, 24, 7, 3, 1, 1, 1), (6, 12, 9, 1, 1, 0, 3),
    ]
    for threads in [1, 2] {
      Threads.configure(threads)
      for (i, t) in cases.enumerated() {
        var rng = SplitMix64(seed: UInt64(20 + i))
        let opts = Conv2dOptions(stride: t.4, padding: t.5)
        let x = Tensor.randomNormal([t.6, t.0, t.1, t.1], using: &rng)
        let w = Tensor.randomNormal([t.2, t.0, t.3, t.3], std: 0.2, using: &rng)
        let b = Tensor.randomNormal([t.2], using: &rng)
        let fused = Tensor.conv2d(x, w, bias: b, options: opts)
        let after = Tensor.conv2d(x, w, options: opts) + b.reshaped([1, -1, 1, 1])
        assertClose(fused, after, atol: 1e-5, "case \(i), \(threads) threads")
      }
    }
  }

  func testManyImagesSplitIntoSeveralGroups() {
    // 4×4 outputs → 64 images per group; 70 images need two groups.
    check(c: 2, h: 4, o: 5, k: 3, stride: 1, padding: 1, n: 70, seed: 5)
  }
}
