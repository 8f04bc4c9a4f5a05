// Dot-product tests: every linear operation against its adjoint.

import Tensor
import TestSupport
import XCTest

final class AdjointTests: XCTestCase {
  func testIm2colCol2imAreAdjointForManyGeometries() {
    let cases: [(Int, Int, Int, Int, Int, Int, Int)] = [
      // (C, H, W, k, stride, pad, dilation)
      (2, 5, 5, 3, 1, 1, 1), (3, 7, 6, 3, 2, 1, 1), (2, 9, 9, 4, 2, 1, 1), (1, 8, 7, 3, 1, 2, 2),
      (2, 6, 6, 1, 1, 0, 1), (2, 5, 7, 5, 3, 2, 1), (1, 4, 4, 3, 2, 0, 1),
    ]
    for (c, h, w, k, s, p, d) in cases {
      let g = ConvGeometry(
        channels: c, height: h, width: w, kernelH: k, kernelW: k, stride: s, padding: p,
        dilation: d)
      assertAdjoint(
        inputShape: [c, h, w], outputShape: [g.colRows, g.colCols],
        forward: { x in
          Tensor(shape: [g.colRows, g.colCols]) { out in
            x.withUnsafeBufferPointer { Im2col.im2col($0.baseAddress!, g, out.baseAddress!) }
          }
        },
        adjoint: { y in
          Tensor(shape: [c, h, w]) { out in
            out.initialize(repeating: 0)
            y.withUnsafeBufferPointer { Im2col.col2im($0.baseAddress!, g, out.baseAddress!) }
          }
        })
    }
  }

  func testConvInputGradientIsAdjointOfConvIncludingStride2OddSizes() {
    var rng = SplitMix64(seed: 3)
    for (h, k, s, p) in [(7, 3, 2, 1), (9, 4, 2, 1), (6, 3, 1, 1), (5, 1, 1, 0), (11, 3, 3, 0)] {
      let w = Tensor.randomNormal([4, 3, k, k], using: &rng)
      let o = Conv2dOptions(stride: s, padding: p)
      let oh = Shape.convOutput(h, kernel: k, stride: s, padding: p)
      assertAdjoint(
        inputShape: [2, 3, h, h], outputShape: [2, 4, oh, oh],
        forward: { Tensor.conv2d($0, w, options: o) },
        adjoint: { Tensor.conv2dInputGrad($0, w, inputShape: [2, 3, h, h], options: o) })
    }
  }

  func testConvTransposeIsAdjointOfConv() {
    var rng = SplitMix64(seed: 4)
    let w = Tensor.randomNormal([3, 5, 4, 4], using: &rng)  // [in, out, k, k]
    let o = Conv2dOptions(stride: 2, padding: 1)
    // convTranspose: [N,3,5,5] -> [N,5,10,10]; conv with the same weight maps back.
    assertAdjoint(
      inputShape: [2, 3, 5, 5], outputShape: [2, 5, 10, 10],
      forward: { Tensor.convTranspose2d($0, w, options: o) },
      adjoint: { Tensor.conv2d($0, w, options: o) })
  }

  func testResamplingMapsAreAdjoint() {
    let maps: [AxisMap] = [
      .linear(inputSize: 5, outputSize: 11), .linear(inputSize: 9, outputSize: 4),
      .linear(inputSize: 6, outputSize: 12), .nearest(inputSize: 3, outputSize: 6),
      .nearest(inputSize: 3, outputSize: 7), .average(inputSize: 8, kernel: 2),
      .fir(inputSize: 7, kernel: [1, 3, 3, 1], padLow: 1, padHigh: 1, stride: 2),
    ]
    for m in maps {
      assertAdjoint(
        inputShape: [2, 3, m.inputSize, 4], outputShape: [2, 3, m.outputSize, 4],
        forward: { $0.mapAxis(2, m) }, adjoint: { $0.mapAxis(2, m, transposed: true) })
      assertAdjoint(
        inputShape: [2, 3, 4, m.inputSize], outputShape: [2, 3, 4, m.outputSize],
        forward: { $0.mapAxis(3, m) }, adjoint: { $0.mapAxis(3, m, transposed: true) })
    }
  }

  func testPermuteIsAdjointOfInversePermute() {
    assertAdjoint(
      inputShape: [2, 3, 4, 5], outputShape: [4, 2, 5, 3],
      forward: { $0.permuted([2, 0, 3, 1]) }, adjoint: { $0.permuted([1, 3, 0, 2]) })
  }

  func testReflectionPadIsAdjointOfItsBackward() {
    let x = Tensor(zeros: [1, 2, 4, 5]).requiringGrad()
    let y = x.padded2d(2, reflect: true)
    assertAdjoint(
      inputShape: [1, 2, 4, 5], outputShape: [1, 2, 8, 9],
      forward: { $0.padded2d(2, reflect: true) },
      adjoint: { g in Tape.gradients(of: (y * g).sum(), wrt: [x])[0] })
  }
}
