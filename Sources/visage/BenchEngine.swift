// `visage bench engine`: convolution throughput of our engine, relative to OpenBLAS sgemm.
//
// The shapes are those our generators and discriminators use (3×3 stride 1 and 4×4 stride 2,
// 16–256 channels, 8²–128² feature maps). scripts/bench_torch.py times the same list in PyTorch
// so docs/performance.md can put the two side by side; keep the two lists in sync.

import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One benchmarked convolution: `[batch, cin, size, size]` through a `cout×cin×k×k` kernel.
struct ConvBenchShape: Sendable {
  var kernel: Int
  var stride: Int
  var padding: Int
  var cin: Int
  var cout: Int
  var size: Int

  var outSize: Int { Shape.convOutput(size, kernel: kernel, stride: stride, padding: padding) }

  /// Multiply-adds ×2 of the forward pass for one image.
  var flopsPerImage: Double {
    2 * Double(cin * cout * kernel * kernel) * Double(outSize * outSize)
  }

  var label: String {
    "\(kernel)x\(kernel) s\(stride) \(cin)->\(cout) \(size)x\(size)"
  }
}

/// The benchmarked shapes (mirrored in scripts/bench_torch.py as CONV_SHAPES).
let engineBenchShapes: [ConvBenchShape] = [
  // 3×3 stride 1, padding 1: generator/discriminator body convolutions.
  ConvBenchShape(kernel: 3, stride: 1, padding: 1, cin: 16, cout: 16, size: 128),
  ConvBenchShape(kernel: 3, stride: 1, padding: 1, cin: 32, cout: 32, size: 64),
  ConvBenchShape(kernel: 3, stride: 1, padding: 1, cin: 64, cout: 64, size: 32),
  ConvBenchShape(kernel: 3, stride: 1, padding: 1, cin: 128, cout: 128, size: 16),
  ConvBenchShape(kernel: 3, stride: 1, padding: 1, cin: 256, cout: 256, size: 8),
  // 4×4 stride 2, padding 1: downsampling convolutions.
  ConvBenchShape(kernel: 4, stride: 2, padding: 1, cin: 16, cout: 32, size: 128),
  ConvBenchShape(kernel: 4, stride: 2, padding: 1, cin: 32, cout: 64, size: 64),
  ConvBenchShape(kernel: 4, stride: 2, padding: 1, cin: 64, cout: 128, size: 32),
  ConvBenchShape(kernel: 4, stride: 2, padding: 1, cin: 128, cout: 256, size: 16),
  // 7×7 to RGB at full size (SARGAN's head): the direct path for few output channels.
  ConvBenchShape(kernel: 7, stride: 1, padding: 3, cin: 32, cout: 3, size: 128),
]

/// Batch sizes benchmarked for every shape.
let engineBenchBatches = [1, 8]

/// Monotonic seconds.
private func benchNow() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Median seconds of `body`: one warm-up call, then enough runs to fill about `budget` seconds
/// (at least `minRuns`, at most `maxRuns`).
private func medianSeconds(
  minRuns: Int = 5, maxRuns: Int = 25, budget: Double = 0.4, _ body: () -> Void
) -> (median: Double, runs: Int) {
  let t0 = benchNow()
  body()
  let first = benchNow() - t0
  let runs = min(maxRuns, max(minRuns, Int(budget / max(first, 1e-6))))
  var times: [Double] = []
  times.reserveCapacity(runs)
  for _ in 0..<runs {
    let s = benchNow()
    body()
    times.append(benchNow() - s)
  }
  times.sort()
  let mid = times.count / 2
  let median = times.count % 2 == 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2
  return (median, runs)
}

/// GFLOP/s of a square-ish sgemm (`m = n = k = size`) at the current thread count.
private func sgemmRate(size: Int = 512) -> Double {
  var rng = SplitMix64(seed: 11)
  let a = Tensor.randomNormal([size, size], using: &rng)
  let b = Tensor.randomNormal([size, size], using: &rng)
  let c = Tensor(zeros: [size, size])
  let (t, _) = medianSeconds(minRuns: 10, maxRuns: 40, budget: 0.3) {
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          BLAS.gemm(
            transA: false, transB: false, m: size, n: size, k: size, a: pa.baseAddress!,
            b: pb.baseAddress!, c: pc.baseAddress!)
        }
      }
    }
  }
  return 2 * Double(size * size * size) / t / 1e9
}

/// One measurement: median milliseconds and GFLOP/s.
private struct ConvTiming {
  var ms: Double
  var gflops: Double
  var runs: Int
}

/// Times the forward pass and forward+backward (input, weight and bias gradients) of `shape`.
private func timeConv(_ shape: ConvBenchShape, batch: Int) -> (
  forward: ConvTiming, both: ConvTiming
) {
  var rng = SplitMix64(seed: UInt64(shape.cin * 1000 + shape.size * 10 + batch))
  let x = Tensor.randomNormal([batch, shape.cin, shape.size, shape.size], using: &rng)
  let w = Tensor.randomNormal(
    [shape.cout, shape.cin, shape.kernel, shape.kernel], std: 0.05, using: &rng)
  let b = Tensor.randomNormal([shape.cout], using: &rng)
  let gy = Tensor.randomNormal([batch, shape.cout, shape.outSize, shape.outSize], using: &rng)
  let options = Conv2dOptions(stride: shape.stride, padding: shape.padding)
  let flops = shape.flopsPerImage * Double(batch)

  let fwd = medianSeconds {
    _ = withNoGrad { Tensor.conv2d(x, w, bias: b, options: options) }
  }
  let xl = x.requiringGrad()
  let wl = w.requiringGrad()
  let bl = b.requiringGrad()
  let both = medianSeconds {
    let y = Tensor.conv2d(xl, wl, bias: bl, options: options)
    _ = Tape.gradients(of: y, wrt: [xl, wl, bl], seed: gy)
  }
  return (
    ConvTiming(ms: fwd.median * 1e3, gflops: flops / fwd.median / 1e9, runs: fwd.runs),
    ConvTiming(ms: both.median * 1e3, gflops: 3 * flops / both.median / 1e9, runs: both.runs)
  )
}

private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
  let n = max(0, width - s.count)
  let fill = String(repeating: " ", count: n)
  return right ? fill + s : s + fill
}

private func fixed(_ v: Double, _ digits: Int) -> String {
  var s = String(Int((v * pow(10, Double(digits))).rounded()))
  if digits > 0 {
    while s.count <= digits { s = "0" + s }
    s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
  }
  return s
}

/// Runs the convolution benchmark at each thread count and returns a printable table.
///
/// For every shape, batch (1 and 8) and pass (forward; forward+backward, which computes input,
/// weight and bias gradients and counts 3× the forward FLOPs) it reports the median time, GFLOP/s
/// and that rate as a percentage of a 512³ sgemm measured at the same thread count in the same
/// run (before and after the convolutions; the better of the two). Takes about 20–30 seconds on
/// two cores.
func runEngineBenchmark(threads: [Int]) -> String {
  let previous = Threads.count
  defer { Threads.configure(previous) }
  let counts = threads.isEmpty ? [1] : threads

  var gemm: [Int: Double] = [:]
  // results[t][row] for rows in (shape, batch, pass) order.
  var results: [Int: [ConvTiming]] = [:]
  let start = benchNow()
  for t in counts {
    Threads.configure(t)
    let before = sgemmRate()
    var rows: [ConvTiming] = []
    for shape in engineBenchShapes {
      for batch in engineBenchBatches {
        let (f, fb) = timeConv(shape, batch: batch)
        rows.append(f)
        rows.append(fb)
      }
    }
    results[t] = rows
    // The better of two measurements, so one disturbed reference does not skew the column.
    gemm[t] = max(before, sgemmRate())
  }
  let elapsed = benchNow() - start

  var lines: [String] = []
  var load = "?"
  if let f = fopen("/proc/loadavg", "r") {
    var buf = [CChar](repeating: 0, count: 128)
    if fgets(&buf, Int32(buf.count), f) != nil {
      load = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ").prefix(3).joined(separator: " ")
    }
    fclose(f)
  }
  lines.append(
    "Engine convolution benchmark (im2col + OpenBLAS sgemm, OpenBLAS core \(BLAS.coreName)),"
      + " median of 5-25 runs")
  lines.append(
    "sgemm 512^3 reference: "
      + counts.map { "\($0) thread\($0 == 1 ? "" : "s") \(fixed(gemm[$0]!, 1)) GFLOP/s" }
      .joined(separator: ", ")
      + "; load average before/after: \(load); \(fixed(elapsed, 1)) s")
  lines.append("fwd+bwd = forward + input, weight and bias gradients (3x forward FLOPs)")
  lines.append("")
  var header = pad("layer", 28) + pad("N", 3, right: true) + "  " + pad("pass", 8)
  for t in counts {
    header +=
      " | " + pad("\(t)T ms", 9, right: true) + pad("GFLOP/s", 9, right: true)
      + pad("%sgemm", 8, right: true)
  }
  lines.append(header)
  lines.append(String(repeating: "-", count: header.count))
  var row = 0
  for shape in engineBenchShapes {
    for batch in engineBenchBatches {
      for pass in ["fwd", "fwd+bwd"] {
        var line = pad(shape.label, 28) + pad("\(batch)", 3, right: true) + "  " + pad(pass, 8)
        for t in counts {
          let r = results[t]![row]
          line +=
            " | " + pad(fixed(r.ms, 2), 9, right: true)
            + pad(fixed(r.gflops, 1), 9, right: true)
            + pad(fixed(100 * r.gflops / gemm[t]!, 0) + "%", 8, right: true)
        }
        lines.append(line)
        row += 1
      }
    }
  }
  return lines.joined(separator: "\n")
}
