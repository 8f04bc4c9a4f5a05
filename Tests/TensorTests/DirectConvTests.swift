// The direct convolution path (few output channels) against the definition and its adjoints.

import Tensor
import TestSupport
import XCTest

final class DirectConvTests: XCTestCase {
  func testGeometriesUnderTestTakeTheDirectPath() {
    let g = ConvGeometry(channels: 8, height: 9, width: 7, kernelH: 3, kernelW: 3, padding: 1)
    XCTAssertTrue(DirectConv.applies(g, outChannels: 3))
    XCTAssertFalse(DirectConv.applies(g, outChannels: 16))
  }

  func testForwardMatchesIm2colPathByDefinition() {
    var rng = SplitMix64(seed: 21)
    for (c, k, p, h, w) in [(8, 3, 1, 9, 7), (2, 7, 3, 10, 12), (4, 5, 0, 8, 8), (16, 3, 2, 5, 6)] {
      let x = Tensor.randomNormal([2, c, h, w], using: &rng)
      let wt = Tensor.randomNormal([3, c, k, k], using: &rng)
      let y = Tensor.conv2d(x, wt, options: Conv2dOptions(padding: p))
      // Reference: pad the output channels to 5 so the GEMM path runs, then keep the first 3.
      let wide = Tensor.concat([wt, Tensor(zeros: [2, c, k, k])], axis: 0)
      let ref = Tensor.conv2d(x, wide, options: Conv2dOptions(padding: p)).slice(
        axis: 1, start: 0, length: 3)
      assertClose(y, ref, atol: 1e-4)
    }
  }

  func testForwardWithWholeColumnBlocksAndEveryChannelCount() {
    // Widths past 16 run the register-blocked columns; 37 and 50 leave tails as well.
    var rng = SplitMix64(seed: 25)
    for (o, c, k, p, h, w) in [
      (1, 8, 3, 1, 6, 37), (2, 3, 7, 3, 9, 50), (3, 5, 7, 3, 12, 32), (4, 6, 5, 2, 7, 40),
      (3, 9, 3, 0, 5, 35), (3, 8, 3, 4, 3, 16),
    ] {
      let x = Tensor.randomNormal([2, c, h, w], using: &rng)
      let wt = Tensor.randomNormal([o, c, k, k], using: &rng)
      let y = Tensor.conv2d(x, wt, options: Conv2dOptions(padding: p))
      let wide = Tensor.concat([wt, Tensor(zeros: [5, c, k, k])], axis: 0)
      let ref = Tensor.conv2d(x, wide, options: Conv2dOptions(padding: p)).slice(
        axis: 1, start: 0, length: o)
      assertClose(y, ref, atol: 1e-4)
    }
  }

  /// One image split into bands of output rows (over two threads, and by hand into uneven bands
  /// whose input rows overlap and touch the padding) gives the whole-image result.
  func testForwardInBandsOfRowsMatchesTheWholeImage() {
    var rng = SplitMix64(seed: 27)
    let saved = Threads.count
    defer { Threads.configure(saved) }
    for (c, k, p, h, w) in [(8, 7, 3, 40, 37), (5, 3, 1, 33, 48), (4, 5, 0, 30, 32)] {
      let x = Tensor.randomNormal([1, c, h, w], using: &rng)
      let wt = Tensor.randomNormal([3, c, k, k], using: &rng)
      let wide = Tensor.concat([wt, Tensor(zeros: [5, c, k, k])], axis: 0)
      let ref = Tensor.conv2d(x, wide, options: Conv2dOptions(padding: p)).slice(
        axis: 1, start: 0, length: 3)
      // Two threads, and seven (more bands than divide the rows evenly: 10 rows in 7 bands).
      for threads in [2, 7] {
        Threads.configure(threads)
        assertClose(Tensor.conv2d(x, wt, options: Conv2dOptions(padding: p)), ref, atol: 1e-4)
      }
      let small = x.slice(axis: 2, start: 0, length: 10)
      let smallRef = Tensor.conv2d(small, wide, options: Conv2dOptions(padding: p)).slice(
        axis: 1, start: 0, length: 3)
      assertClose(
        Tensor.conv2d(small, wt, options: Conv2dOptions(padding: p)), smallRef, atol: 1e-4)
      let g = ConvGeometry(channels: c, height: h, width: w, kernelH: k, kernelW: k, padding: p)
      let oh = g.outH
      var out = [Float](repeating: .nan, count: 3 * oh * g.outW)
      x.scalars.withUnsafeBufferPointer { xp in
        wt.scalars.withUnsafeBufferPointer { wp in
          out.withUnsafeMutableBufferPointer { yp in
            for band in [0..<1, 1..<(oh / 3), (oh / 3)..<(oh - 2), (oh - 2)..<oh] {
              DirectConv.forward(
                xp.baseAddress!, g, wp.baseAddress!, outChannels: 3, yp.baseAddress!,
                outputRows: band)
            }
          }
        }
      }
      assertClose(Tensor(out, shape: [1, 3, oh, g.outW]), ref, atol: 1e-4)
    }
  }

  func testInputGradientIsAdjointAndWeightGradientMatchesGEMMPath() {
    var rng = SplitMix64(seed: 22)
    let w = Tensor.randomNormal([3, 8, 3, 3], using: &rng)
    let o = Conv2dOptions(padding: 1)
    assertAdjoint(
      inputShape: [2, 8, 7, 9], outputShape: [2, 3, 7, 9],
      forward: { Tensor.conv2d($0, w, options: o) },
      adjoint: { Tensor.conv2dInputGrad($0, w, inputShape: [2, 8, 7, 9], options: o) })
    let x = Tensor.randomNormal([2, 8, 7, 9], using: &rng)
    let gy = Tensor.randomNormal([2, 3, 7, 9], using: &rng)
    let dw = Tensor.conv2dWeightGrad(x, gy, weightShape: [3, 8, 3, 3], options: o)
    let gyWide = Tensor.concat([gy, Tensor(zeros: [2, 2, 7, 9])], axis: 1)
    let dwWide = Tensor.conv2dWeightGrad(x, gyWide, weightShape: [5, 8, 3, 3], options: o)
    assertClose(dw, dwWide.slice(axis: 0, start: 0, length: 3), atol: 1e-4)
  }

  func testInputGradientWithColumnBlocksIsAdjointForManyPaddings() {
    // Widths past 16 take the register-blocked path; paddings from 0 to beyond the kernel.
    var rng = SplitMix64(seed: 26)
    for (o, c, k, p, h, w) in [
      (3, 6, 7, 3, 5, 37), (1, 9, 3, 0, 4, 35), (4, 8, 3, 2, 3, 33), (2, 3, 5, 1, 6, 20),
      (3, 8, 3, 4, 3, 16),
    ] {
      let g = ConvGeometry(channels: c, height: h, width: w, kernelH: k, kernelW: k, padding: p)
      XCTAssertTrue(DirectConv.applies(g, outChannels: o))
      let wt = Tensor.randomNormal([o, c, k, k], using: &rng)
      let opts = Conv2dOptions(padding: p)
      let oh = h + 2 * p - k + 1
      let ow = w + 2 * p - k + 1
      assertAdjoint(
        inputShape: [2, c, h, w], outputShape: [2, o, oh, ow],
        forward: { Tensor.conv2d($0, wt, options: opts) },
        adjoint: { Tensor.conv2dInputGrad($0, wt, inputShape: [2, c, h, w], options: opts) })
    }
  }

  func testWeightGradientWithChunksMatchesTheGEMMPath() {
    var rng = SplitMix64(seed: 27)
    for (o, c, k, p, h, w) in [
      (3, 6, 7, 3, 5, 37), (1, 9, 3, 0, 4, 35), (4, 8, 3, 2, 3, 33), (2, 3, 5, 1, 6, 20),
      (3, 8, 3, 4, 3, 16),
    ] {
      let opts = Conv2dOptions(padding: p)
      let oh = h + 2 * p - k + 1
      let ow = w + 2 * p - k + 1
      let x = Tensor.randomNormal([2, c, h, w], using: &rng)
      let gy = Tensor.randomNormal([2, o, oh, ow], using: &rng)
      let dw = Tensor.conv2dWeightGrad(x, gy, weightShape: [o, c, k, k], options: opts)
      let gyWide = Tensor.concat([gy, Tensor(zeros: [2, 5, oh, ow])], axis: 1)
      let dwWide = Tensor.conv2dWeightGrad(x, gyWide, weightShape: [o + 5, c, k, k], options: opts)
      assertClose(dw, dwWide.slice(axis: 0, start: 0, length: o), atol: 1e-3)
    }
  }

  func testGradientsByFiniteDifferences() {
    assertGradients([
      randomAwayFromZero([1, 8, 5, 6], seed: 23), randomAwayFromZero([2, 8, 3, 3], seed: 24),
    ]) {
      Tensor.conv2d($0[0], $0[1], options: Conv2dOptions(padding: 1))
    }
  }
}
