// The direct strided convolution against plain sums: forward and input gradient, for several
// windows and strides, odd sizes, channel counts that are not multiples of the tile, one and
// two threads.

import Tensor
import TestSupport
import XCTest

final class PhaseConvTests: XCTestCase {
  func check(
    n: Int, c: Int, o: Int, h: Int, w: Int, k: Int, s: Int, p: Int, threads: Int, seed: UInt64
  ) {
    let saved = Threads.count
    Threads.configure(threads)
    defer { Threads.configure(saved) }
    let g = ConvGeometry(
      channels: c, height: h, width: w, kernelH: k, kernelW: k, stride: s, padding: p)
    let (oh, ow) = (g.outH, g.outW)
    var rng = SplitMix64(seed: seed)
    let xs = Tensor.randomNormal([n, c, h, w], using: &rng).scalars
    let ws = Tensor.randomNormal([o, c, k, k], using: &rng).scalars
    let gys = Tensor.randomNormal([n, o, oh, ow], using: &rng).scalars
    var y = [Float](repeating: 0, count: n * o * oh * ow)
    var dx = [Float](repeating: 0, count: n * c * h * w)
    var dw = [Float](repeating: 0, count: o * c * k * k)
    for i in 0..<n {
      for oc in 0..<o {
        for yy in 0..<oh {
          for xx in 0..<ow {
            let gv = gys[((i * o + oc) * oh + yy) * ow + xx]
            var sum: Float = 0
            for ch in 0..<c {
              for ky in 0..<k {
                for kx in 0..<k {
                  let (iy, ix) = (yy * s + ky - p, xx * s + kx - p)
                  if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                  let wv = ws[((oc * c + ch) * k + ky) * k + kx]
                  sum += wv * xs[((i * c + ch) * h + iy) * w + ix]
                  dx[((i * c + ch) * h + iy) * w + ix] += gv * wv
                  dw[((oc * c + ch) * k + ky) * k + kx] += gv * xs[((i * c + ch) * h + iy) * w + ix]
                }
              }
            }
            y[((i * o + oc) * oh + yy) * ow + xx] = sum
          }
        }
      }
    }
    var fy = [Float](repeating: .nan, count: y.count)
    var fdx = [Float](repeating: .nan, count: dx.count)
    xs.withUnsafeBufferPointer { xp in
      ws.withUnsafeBufferPointer { wp in
        gys.withUnsafeBufferPointer { gp in
          fy.withUnsafeMutableBufferPointer {
            PhaseConv.forward(
              xp.baseAddress!, n: n, g, wp.baseAddress!, outChannels: o, $0.baseAddress!)
          }
          fdx.withUnsafeMutableBufferPointer {
            PhaseConv.inputGrad(
              gp.baseAddress!, n: n, g, wp.baseAddress!, outChannels: o, $0.baseAddress!)
          }
        }
      }
    }
    var fdw = [Float](repeating: .nan, count: dw.count)
    if k == 2 * s {
      xs.withUnsafeBufferPointer { xp in
        gys.withUnsafeBufferPointer { gp in
          fdw.withUnsafeMutableBufferPointer {
            PhaseConv.weightGrad(
              xp.baseAddress!, gp.baseAddress!, n: n, g, outChannels: o, $0.baseAddress!)
          }
        }
      }
    }
    let what = "n \(n), \(c) -> \(o), \(h)x\(w), k \(k) s \(s) p \(p), \(threads) threads"
    assertClose(Tensor(fy, shape: [y.count]), Tensor(y, shape: [y.count]), atol: 1e-4, what)
    assertClose(Tensor(fdx, shape: [dx.count]), Tensor(dx, shape: [dx.count]), atol: 1e-4, what)
    if k == 2 * s {
      assertClose(
        Tensor(fdw, shape: [dw.count]), Tensor(dw, shape: [dw.count]), atol: 1e-3, what)
    }
  }

  func testMatchesPlainSums() {
    check(n: 2, c: 9, o: 13, h: 9, w: 7, k: 4, s: 2, p: 1, threads: 1, seed: 1)
    check(n: 1, c: 8, o: 16, h: 16, w: 16, k: 4, s: 2, p: 1, threads: 2, seed: 2)
    check(n: 3, c: 5, o: 8, h: 11, w: 10, k: 3, s: 2, p: 0, threads: 2, seed: 3)
    check(n: 1, c: 4, o: 9, h: 13, w: 8, k: 5, s: 3, p: 2, threads: 1, seed: 4)
    check(n: 1, c: 3, o: 17, h: 2, w: 2, k: 4, s: 2, p: 1, threads: 1, seed: 5)
    check(n: 3, c: 7, o: 5, h: 18, w: 13, k: 4, s: 2, p: 1, threads: 2, seed: 7)
    check(n: 2, c: 8, o: 11, h: 17, w: 20, k: 3, s: 2, p: 1, threads: 2, seed: 8)
    check(n: 1, c: 8, o: 8, h: 300, w: 40, k: 4, s: 2, p: 1, threads: 1, seed: 6)  // bands by size
  }

  func testChosenOnlyForFourByFourStrideTwoOnLargeMaps() {
    let g = ConvGeometry(
      channels: 16, height: 64, width: 64, kernelH: 4, kernelW: 4, stride: 2, padding: 1)
    XCTAssertEqual(PhaseConv.applies(g, outChannels: 32), Conv3x3.enabled)
    XCTAssertFalse(PhaseConv.weightGradApplies(g, outChannels: 32))
    var large = g
    (large.height, large.width) = (128, 128)
    XCTAssertEqual(PhaseConv.weightGradApplies(large, outChannels: 32), Conv3x3.enabled)
    var small = g
    (small.height, small.width) = (16, 16)
    XCTAssertFalse(PhaseConv.applies(small, outChannels: 32))
    var s1 = g
    s1.stride = 1
    XCTAssertFalse(PhaseConv.applies(s1, outChannels: 32))
    var k3 = g
    (k3.kernelH, k3.kernelW, k3.padding) = (3, 3, 0)
    XCTAssertEqual(PhaseConv.applies(k3, outChannels: 32), Conv3x3.enabled)
    XCTAssertFalse(PhaseConv.weightGradApplies(k3, outChannels: 32))
  }
}
