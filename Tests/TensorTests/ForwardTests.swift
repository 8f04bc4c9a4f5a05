// Forward results of the kernels against direct, obviously-correct loops.

import Tensor
import TestSupport
import XCTest

final class ForwardTests: XCTestCase {
  /// Direct convolution by definition, for comparison.
  func naiveConv(_ x: Tensor, _ w: Tensor, stride s: Int, padding p: Int, dilation d: Int) -> Tensor
  {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, k) = (w.shape[0], w.shape[2])
    let oh = Shape.convOutput(h, kernel: k, stride: s, padding: p, dilation: d)
    let ow = Shape.convOutput(wd, kernel: k, stride: s, padding: p, dilation: d)
    let xs = x.scalars
    let ws = w.scalars
    var out = [Float](repeating: 0, count: n * o * oh * ow)
    for b in 0..<n {
      for oc in 0..<o {
        for oy in 0..<oh {
          for ox in 0..<ow {
            var acc: Float = 0
            for ic in 0..<c {
              for ky in 0..<k {
                for kx in 0..<k {
                  let iy = oy * s - p + ky * d
                  let ix = ox * s - p + kx * d
                  if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                  acc +=
                    xs[((b * c + ic) * h + iy) * wd + ix] * ws[((oc * c + ic) * k + ky) * k + kx]
                }
              }
            }
            out[((b * o + oc) * oh + oy) * ow + ox] = acc
          }
        }
      }
    }
    return Tensor(out, shape: [n, o, oh, ow])
  }

  func testConvMatchesDirectDefinition() {
    var rng = SplitMix64(seed: 11)
    for (h, k, s, p, d) in [
      (8, 3, 1, 1, 1), (9, 3, 2, 1, 1), (7, 4, 2, 1, 1), (10, 3, 1, 2, 2), (5, 1, 1, 0, 1),
    ] {
      let x = Tensor.randomNormal([2, 3, h, h + 1], using: &rng)
      let w = Tensor.randomNormal([4, 3, k, k], using: &rng)
      let y = Tensor.conv2d(x, w, options: Conv2dOptions(stride: s, padding: p, dilation: d))
      assertClose(y, naiveConv(x, w, stride: s, padding: p, dilation: d), atol: 1e-4)
    }
  }

  func testBroadcastingMatchesManualLoop() {
    let a = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
    let b = Tensor([10, 20, 30], shape: [3, 1])
    let y = a + b
    for i in 0..<2 {
      for j in 0..<3 {
        for k in 0..<4 {
          XCTAssertEqual(
            y.scalars[(i * 3 + j) * 4 + k], Float((i * 3 + j) * 4 + k) + Float(10 * (j + 1)))
        }
      }
    }
  }

  func testSumOverAxes() {
    let a = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
    XCTAssertEqual(a.sum(axes: [0, 2]).scalars, [60, 92, 124])
    XCTAssertEqual(a.sum().item, 276)
    XCTAssertEqual(a.mean(axes: [2]).shape, [2, 3])
  }

  func testLongRowSumsMatchDoubleSums() {
    // Rows of 1, 15, 16, 17, 323 and 1000 floats: the 16-lane blocks, their tails and several
    // blocks of 256, against sums in Double.
    var rng = SplitMix64(seed: 31)
    for inner in [1, 15, 16, 17, 323, 1000] {
      let x = Tensor.randomNormal([3, 4, inner], std: 2, using: &rng) + 1
      let got = x.sum(axes: [0, 2]).scalars
      let v = x.scalars
      for c in 0..<4 {
        var want: Double = 0
        for i in 0..<3 { for j in 0..<inner { want += Double(v[(i * 4 + c) * inner + j]) } }
        XCTAssertEqual(Double(got[c]), want, accuracy: 1e-4 * max(1, abs(want)), "row \(inner)")
      }
    }
  }

  func testInstanceNormGivesZeroMeanUnitVariance() {
    var rng = SplitMix64(seed: 12)
    let x = Tensor.randomNormal([2, 3, 5, 5], std: 3, using: &rng) + 4
    let y = x.instanceNormalized(eps: 0)
    let m = y.mean(axes: [2, 3]).scalars
    let v = y.squared().mean(axes: [2, 3]).scalars
    for i in 0..<6 {
      XCTAssertEqual(m[i], 0, accuracy: 1e-5)
      XCTAssertEqual(v[i], 1, accuracy: 1e-4)
    }
  }

  func testBilinearMatchesHalfPixelFormula() {
    // Upsampling [0, 1] to 4 samples with half-pixel centres gives 0, .25, .75, 1.
    let x = Tensor([0, 1], shape: [1, 1, 1, 2])
    let y = x.resizedBilinear(height: 1, width: 4)
    XCTAssertEqual(y.scalars, [0, 0.25, 0.75, 1])
  }

  func testReflectionPaddingMirrorsWithoutEdgeRepeat() {
    let x = Tensor([1, 2, 3], shape: [1, 1, 1, 3]).expanded(to: [1, 1, 3, 3])
    let y = x.padded2d(2, reflect: true)
    XCTAssertEqual(Array(y.scalars[0..<7]), [3, 2, 1, 2, 3, 2, 1])
  }

  func testSplitMixIsDeterministic() {
    var a = SplitMix64(seed: 42)
    var b = SplitMix64(seed: 42)
    XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
  }
}

final class AxisMapFastPathTests: XCTestCase {
  /// Row-wise fast paths (last axis) must equal the generic tap loop (any other axis).
  func testLastAxisFastPathsMatchGenericPath() {
    var rng = SplitMix64(seed: 31)
    let maps: [AxisMap] = [
      .linear(inputSize: 7, outputSize: 14), .nearest(inputSize: 5, outputSize: 10),
      .fir(inputSize: 9, kernel: [1, 3, 3, 1].map { $0 / 8 }, padLow: 1, padHigh: 2),
      .fir(inputSize: 9, kernel: [1, 3, 3, 1].map { $0 / 8 }, padLow: 1, padHigh: 1, stride: 2),
      .average(inputSize: 8, kernel: 2),
    ]
    for m in maps {
      let x = Tensor.randomNormal([2, 3, m.inputSize], using: &rng)
      let fast = x.mapAxis(2, m)
      let generic = x.permuted([0, 2, 1]).mapAxis(1, m).permuted([0, 2, 1])
      assertClose(fast, generic, atol: 1e-6)
      let y = Tensor.randomNormal([2, 3, m.outputSize], using: &rng)
      let fastT = y.mapAxis(2, m, transposed: true)
      let genericT = y.permuted([0, 2, 1]).mapAxis(1, m, transposed: true).permuted([0, 2, 1])
      assertClose(fastT, genericT, atol: 1e-6)
    }
  }
}

final class FusedBlurTests: XCTestCase {
  /// The one-pass stride-1 blur equals the separable H-then-W maps for every padding it takes,
  /// on small and odd planes, at one and two threads.
  func testFusedBlurMatchesSeparableMaps() {
    var rng = SplitMix64(seed: 71)
    let k: [Float] = [1, 3, 3, 1].map { $0 / 8 }
    let saved = Threads.count
    defer { Threads.configure(saved) }
    for threads in [1, 2] {
      Threads.configure(threads)
      for (h, w) in [(1, 1), (2, 5), (7, 6), (33, 40)] {
        for pl in 0...3 {
          for ph in 0...3 where h + pl + ph > 3 && w + pl + ph > 3 {
            let x = Tensor.randomNormal([2, 3, h, w], using: &rng)
            let fused = x.blur(padLow: pl, padHigh: ph)
            let separable = x.map2d(
              h: .fir(inputSize: h, kernel: k, padLow: pl, padHigh: ph),
              w: .fir(inputSize: w, kernel: k, padLow: pl, padHigh: ph))
            XCTAssertEqual(fused.shape, separable.shape)
            assertClose(fused, separable, atol: 1e-6)
          }
        }
      }
    }
  }
}

final class ChannelAffineTests: XCTestCase {
  /// The fused per-channel affine equals the broadcast composition, forward and backward, for
  /// per-channel and per-sample scales, at one and two threads.
  func testChannelAffineMatchesBroadcastOps() {
    var rng = SplitMix64(seed: 72)
    let saved = Threads.count
    defer { Threads.configure(saved) }
    for threads in [1, 2] {
      Threads.configure(threads)
      for perSample in [false, true] {
        let x = Tensor.randomNormal([3, 4, 17, 19], using: &rng).requiringGrad()
        let s = Tensor.randomNormal(perSample ? [3, 4] : [4], using: &rng).requiringGrad()
        let b = Tensor.randomNormal([4], using: &rng).requiringGrad()
        let g = Tensor.randomNormal([3, 4, 17, 19], using: &rng)
        let fused = x.channelAffine(scale: s, shift: b)
        let composed = x * s.reshaped([perSample ? 3 : 1, 4, 1, 1]) + b.reshaped([1, 4, 1, 1])
        assertClose(fused, composed, atol: 1e-5)
        let gf = Tape.gradients(of: (fused * g).sum(), wrt: [x, s, b])
        let gc = Tape.gradients(of: (composed * g).sum(), wrt: [x, s, b])
        for (a, c) in zip(gf, gc) { assertClose(a, c, atol: 1e-4) }
      }
    }
  }
}
