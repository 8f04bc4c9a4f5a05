// The direct 3×3 convolution against plain sums: forward, input gradient and weight gradient,
// on odd sizes, channel counts that are not multiples of the tile, one and two threads.

import Tensor
import TestSupport
import XCTest

final class Conv3x3Tests: XCTestCase {
  /// Zero-padded `x[i][c][y][x]` of an `[n, c, h, w]` array.
  func at(_ a: [Float], _ i: Int, _ ch: Int, _ y: Int, _ x: Int, c: Int, h: Int, w: Int) -> Float {
    y < 0 || y >= h || x < 0 || x >= w ? 0 : a[((i * c + ch) * h + y) * w + x]
  }

  func check(
    n: Int, c: Int, o: Int, h: Int, w: Int, padding p: Int = 1, threads: Int, seed: UInt64
  ) {
    let (oh, ow) = (h + 2 * p - 2, w + 2 * p - 2)
    let saved = Threads.count
    Threads.configure(threads)
    defer { Threads.configure(saved) }
    var rng = SplitMix64(seed: seed)
    let xs = Tensor.randomNormal([n, c, h, w], using: &rng).scalars
    let ws = Tensor.randomNormal([o, c, 3, 3], using: &rng).scalars
    let gys = Tensor.randomNormal([n, o, oh, ow], using: &rng).scalars
    // Plain sums.
    var y = [Float](repeating: 0, count: n * o * oh * ow)
    var dx = [Float](repeating: 0, count: n * c * h * w)
    var dw = [Float](repeating: 0, count: o * c * 9)
    for i in 0..<n {
      for oc in 0..<o {
        for yy in 0..<oh {
          for xx in 0..<ow {
            let g = gys[((i * o + oc) * oh + yy) * ow + xx]
            var s: Float = 0
            for ch in 0..<c {
              for k in 0..<9 {
                let (iy, ix) = (yy + k / 3 - p, xx + k % 3 - p)
                let wv = ws[(oc * c + ch) * 9 + k]
                let xv = at(xs, i, ch, iy, ix, c: c, h: h, w: w)
                s += wv * xv
                dw[(oc * c + ch) * 9 + k] += g * xv
                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                  dx[((i * c + ch) * h + iy) * w + ix] += g * wv
                }
              }
            }
            y[((i * o + oc) * oh + yy) * ow + xx] = s
          }
        }
      }
    }
    var fy = [Float](repeating: .nan, count: y.count)
    var fdx = [Float](repeating: .nan, count: dx.count)
    var fdw = [Float](repeating: .nan, count: dw.count)
    xs.withUnsafeBufferPointer { xp in
      ws.withUnsafeBufferPointer { wp in
        gys.withUnsafeBufferPointer { gp in
          fy.withUnsafeMutableBufferPointer {
            Conv3x3.forward(
              xp.baseAddress!, n: n, channels: c, height: h, width: w, padding: p, wp.baseAddress!,
              outChannels: o, $0.baseAddress!)
          }
          fdx.withUnsafeMutableBufferPointer {
            Conv3x3.inputGrad(
              gp.baseAddress!, n: n, channels: c, height: h, width: w, padding: p, wp.baseAddress!,
              outChannels: o, $0.baseAddress!)
          }
          fdw.withUnsafeMutableBufferPointer {
            Conv3x3.weightGrad(
              xp.baseAddress!, gp.baseAddress!, n: n, channels: c, height: h, width: w,
              padding: p, outChannels: o, $0.baseAddress!)
          }
        }
      }
    }
    let what = "n \(n), \(c) -> \(o), \(h)x\(w), padding \(p), \(threads) threads"
    assertClose(Tensor(fy, shape: [y.count]), Tensor(y, shape: [y.count]), atol: 1e-4, what)
    assertClose(Tensor(fdx, shape: [dx.count]), Tensor(dx, shape: [dx.count]), atol: 1e-4, what)
    assertClose(Tensor(fdw, shape: [dw.count]), Tensor(dw, shape: [dw.count]), atol: 1e-3, what)
  }

  func testMatchesPlainSumsOnOddShapes() {
    check(n: 1, c: 3, o: 5, h: 1, w: 1, threads: 1, seed: 1)
    check(n: 2, c: 9, o: 13, h: 5, w: 7, threads: 1, seed: 2)
    check(n: 3, c: 8, o: 16, h: 11, w: 4, threads: 2, seed: 3)
    check(n: 1, c: 17, o: 8, h: 9, w: 9, threads: 2, seed: 4)
    check(n: 1, c: 8, o: 8, h: 40, w: 3, threads: 2, seed: 5)
    check(n: 1, c: 9, o: 20, h: 12, w: 10, threads: 2, seed: 7)  // output channels split
    check(n: 1, c: 8, o: 9, h: 90, w: 200, threads: 1, seed: 6)  // several bands by size
  }

  /// Padding 0 (inputs padded by reflection beforehand); the input gradient pads gy by 2.
  func testValidWindowsMatchPlainSums() {
    check(n: 2, c: 9, o: 13, h: 7, w: 9, padding: 0, threads: 1, seed: 11)
    check(n: 1, c: 8, o: 20, h: 14, w: 12, padding: 0, threads: 2, seed: 12)
    check(n: 3, c: 10, o: 8, h: 40, w: 5, padding: 0, threads: 2, seed: 13)
    check(n: 1, c: 8, o: 9, h: 90, w: 200, padding: 0, threads: 1, seed: 14)
  }

  /// Which windows take the kernel: 3×3, stride 1, padding 0 or 1, outputs from 16×16, at
  /// least 8 channels on each side.
  func testChosenOnlyForThreeByThreeStrideOne() {
    let g = ConvGeometry(
      channels: 16, height: 16, width: 16, kernelH: 3, kernelW: 3, padding: 1)
    XCTAssertEqual(Conv3x3.applies(g, outChannels: 16), Conv3x3.enabled)
    XCTAssertFalse(Conv3x3.weightGradApplies(g, outChannels: 16))
    var large = g
    (large.height, large.width) = (64, 64)
    XCTAssertEqual(Conv3x3.weightGradApplies(large, outChannels: 16), Conv3x3.enabled)
    var s2 = g
    s2.stride = 2
    XCTAssertFalse(Conv3x3.applies(s2, outChannels: 16))
    var p0 = g
    p0.padding = 0
    XCTAssertFalse(Conv3x3.applies(p0, outChannels: 16))  // a 14×14 output
    (p0.height, p0.width) = (18, 18)
    XCTAssertEqual(Conv3x3.applies(p0, outChannels: 16), Conv3x3.enabled)
    var p2 = g
    p2.padding = 2
    XCTAssertFalse(Conv3x3.applies(p2, outChannels: 16))
    XCTAssertFalse(Conv3x3.applies(g, outChannels: 3))
    var small = g
    small.height = 8
    XCTAssertFalse(Conv3x3.applies(small, outChannels: 16))
  }
}
