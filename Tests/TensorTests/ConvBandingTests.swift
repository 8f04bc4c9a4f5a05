// Convolutions in bands of output rows, on one thread and split over two (by image, by band with
// private accumulators), agree with each other and with a direct sum: forward, input gradient and
// weight gradient.

import Tensor
import TestSupport
import XCTest

final class ConvBandingTests: XCTestCase {
  /// The three passes on one thread against two threads (each core taking whole images, or
  /// bands of one image with its own input- and weight-gradient accumulators), and the forward
  /// against a direct sum at a few positions.
  func check(c: Int, h: Int, o: Int, k: Int, stride: Int, padding: Int, n: Int, seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let opts = Conv2dOptions(stride: stride, padding: padding)
    let x = Tensor.randomNormal([n, c, h, h], using: &rng)
    let w = Tensor.randomNormal([o, c, k, k], using: &rng)
    let saved = Threads.count
    defer { Threads.configure(saved) }
    func passes() -> (Tensor, Tensor, Tensor) {
      let y = Tensor.conv2d(x, w, options: opts)
      var g = SplitMix64(seed: seed &+ 99)
      let gy = Tensor.randomNormal(y.shape, using: &g)
      return (
        y, Tensor.conv2dInputGrad(gy, w, inputShape: x.shape, options: opts),
        Tensor.conv2dWeightGrad(x, gy, weightShape: w.shape, options: opts)
      )
    }
    Threads.configure(1)
    let (banded, bandedDx, bandedDw) = passes()
    Threads.configure(2)
    let (whole, wholeDx, wholeDw) = passes()
    assertClose(banded, whole, atol: 1e-4, "banded forward")
    assertClose(bandedDx, wholeDx, atol: 1e-4, "banded input gradient")
    assertClose(bandedDw, wholeDw, atol: 1e-3, rtol: 1e-4, "banded weight gradient")
    // A direct sum at the first, a middle and the last output position of each image.
    let oh = banded.shape[2]
    let xs = x.scalars
    let ws = w.scalars
    let ys = banded.scalars
    for i in 0..<n {
      for (oy, ox) in [(0, 0), (oh / 2, oh / 3), (oh - 1, oh - 1)] {
        for oc in [0, o - 1] {
          var s: Float = 0
          for ic in 0..<c {
            for ky in 0..<k {
              for kx in 0..<k {
                let iy = oy * stride - padding + ky
                let ix = ox * stride - padding + kx
                guard iy >= 0, iy < h, ix >= 0, ix < h else { continue }
                s += xs[((i * c + ic) * h + iy) * h + ix] * ws[((oc * c + ic) * k + ky) * k + kx]
              }
            }
          }
          XCTAssertEqual(ys[((i * o + oc) * oh + oy) * oh + ox], s, accuracy: 1e-3)
        }
      }
    }
  }

  func testThreeByThreeStrideOneInSeveralBands() {
    // 16·9 = 144 column rows: about 900 positions per band, so 48×48 outputs take three.
    check(c: 16, h: 48, o: 8, k: 3, stride: 1, padding: 1, n: 2, seed: 1)
  }

  func testOddBatchSplitsOverTwoThreads() {
    check(c: 16, h: 40, o: 6, k: 3, stride: 1, padding: 1, n: 3, seed: 3)
  }

  func testOneByOneConvolutionSplitsByImage() {
    check(c: 12, h: 20, o: 7, k: 1, stride: 1, padding: 0, n: 3, seed: 4)
  }

  func testFourByFourStrideTwoOddSizeInSeveralBands() {
    check(c: 8, h: 97, o: 5, k: 4, stride: 2, padding: 1, n: 1, seed: 2)
  }
}
