// Loops split over threads give exactly the single-thread results.

import Tensor
import TestSupport
import XCTest

final class ParallelTests: XCTestCase {
  /// Runs `body` with the thread budget set to `n`, restoring the previous budget.
  func withThreads<R>(_ n: Int, _ body: () -> R) -> R {
    let saved = Threads.count
    Threads.configure(n)
    defer { Threads.configure(saved) }
    return body()
  }

  func testChunksCoverEveryIndexOnce() {
    for count in [1, 2, 3, 7, 64, 1001] {
      var hits = [Int](repeating: 0, count: count)
      withThreads(2) {
        hits.withUnsafeMutableBufferPointer { p in
          let base = p.baseAddress!
          Parallel.chunks(count, costPerItem: 1 << 16) { range in
            for i in range { base[i] += 1 }
          }
        }
      }
      XCTAssertEqual(hits, [Int](repeating: 1, count: count), "count \(count)")
    }
  }

  /// A GEMM split over two threads (by columns when wide, by rows when tall; every transpose
  /// combination, leading dimensions wider than the matrices, beta ≠ 0) gives the bits of the
  /// one-thread call, and a GEMM inside a parallel region is not split again.
  func testSplitGemmMatchesOneThread() {
    var rng = SplitMix64(seed: 12)
    for (m, n, k) in [(40, 300, 200), (300, 50, 180), (129, 131, 140)] {
      for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
        let (lda, ldb, ldc) = ((ta ? m : k) + 3, (tb ? k : n) + 5, n + 2)
        let a = Tensor.randomNormal([(ta ? k : m) * lda], using: &rng).scalars
        let b = Tensor.randomNormal([(tb ? n : k) * ldb], using: &rng).scalars
        let c0 = Tensor.randomNormal([m * ldc], using: &rng).scalars
        func run(_ threads: Int, insideRegion: Bool = false) -> [Float] {
          withThreads(threads) {
            var c = c0
            a.withUnsafeBufferPointer { ap in
              b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                  let out = cp.baseAddress!
                  let call = {
                    BLAS.gemm(
                      transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress!,
                      b: bp.baseAddress!, beta: 0.25, c: out, lda: lda, ldb: ldb, ldc: ldc)
                  }
                  if insideRegion {
                    Parallel.parts(2) { part, _ in if part == 0 { call() } }
                  } else {
                    call()
                  }
                }
              }
            }
            return c
          }
        }
        let one = run(1)
        let label = "\(m)×\(n)×\(k) transA \(ta) transB \(tb)"
        XCTAssertEqual(one, run(2), label)
        XCTAssertEqual(one, run(2, insideRegion: true), label + " inside a region")
      }
    }
  }

  /// im2col and col2im split by channel write the same bits as one thread.
  func testIm2colAndCol2imMatchSingleThread() {
    var rng = SplitMix64(seed: 8)
    for (c, h, k, s, p) in [(16, 33, 3, 1, 1), (24, 31, 4, 2, 1), (9, 40, 7, 1, 3)] {
      let g = ConvGeometry(
        channels: c, height: h, width: h, kernelH: k, kernelW: k, stride: s, padding: p)
      let x = Tensor.randomNormal([c, h, h], using: &rng).scalars
      let cols = Tensor.randomNormal([g.colRows, g.colCols], using: &rng).scalars
      func run(_ threads: Int) -> ([Float], [Float]) {
        withThreads(threads) {
          var out = [Float](repeating: 0, count: g.colRows * g.colCols)
          var back = [Float](repeating: 0, count: c * h * h)
          x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer {
              Im2col.im2col(xp.baseAddress!, g, $0.baseAddress!)
            }
          }
          cols.withUnsafeBufferPointer { cp in
            back.withUnsafeMutableBufferPointer {
              Im2col.col2im(cp.baseAddress!, g, $0.baseAddress!)
            }
          }
          return (out, back)
        }
      }
      let one = run(1)
      let two = run(2)
      XCTAssertEqual(one.0, two.0, "im2col \(c)×\(h)² k\(k) s\(s)")
      XCTAssertEqual(one.1, two.1, "col2im \(c)×\(h)² k\(k) s\(s)")
    }
  }

  /// Direct convolutions (few output channels) split by image match one thread exactly.
  func testDirectConvSplitByImageMatchesSingleThread() {
    var rng = SplitMix64(seed: 9)
    let x = Tensor.randomNormal([3, 16, 48, 48], using: &rng)
    let w = Tensor.randomNormal([3, 16, 7, 7], using: &rng)
    let opts = Conv2dOptions(stride: 1, padding: 3)
    let gy = Tensor.randomNormal([3, 3, 48, 48], using: &rng)
    func run(_ threads: Int) -> ([Float], [Float]) {
      withThreads(threads) {
        (
          Tensor.conv2d(x, w, options: opts).scalars,
          Tensor.conv2dInputGrad(gy, w, inputShape: x.shape, options: opts).scalars
        )
      }
    }
    let one = run(1)
    let two = run(2)
    XCTAssertEqual(one.0, two.0, "forward")
    XCTAssertEqual(one.1, two.1, "input gradient")
  }
}
