// Process start-up: pick a fast OpenBLAS kernel when the library fell back to a generic one.

import Foundation
import Tensor

/// Re-executes the process with a suitable `OPENBLAS_CORETYPE` when OpenBLAS picked an SSE-only
/// kernel on a CPU that has AVX-512 (SkylakeX kernels) or AVX2 and FMA (Haswell kernels).
///
/// OpenBLAS 0.3.21 (Debian 12) does not recognise some newer or virtualised x86 CPUs and falls
/// back to its Prescott kernels: measured on the development machine, one-thread sgemm ran at
/// ~33 GFLOP/s with them, ~82 with Haswell and ~150 with SkylakeX. The kernel is chosen when the
/// library loads, so only a fresh process can change it. After the switch a small GEMM
/// self-check against a direct loop guards against a kernel that computes wrong results; on a
/// mismatch the process falls back to Haswell, then to the library's own choice. A user's
/// `OPENBLAS_CORETYPE` is always respected, and `VISAGE_KEEP_BLAS_CORE=1` turns all this off.
func tuneOpenBLASCore() {
  #if arch(x86_64) && os(Linux)
    let env = ProcessInfo.processInfo.environment
    if let tried = env["VISAGE_BLAS_SWITCHED"], env["OPENBLAS_CORETYPE"] == tried {
      // We switched: verify the kernel, and step down if it misbehaves.
      if gemmSelfCheck() { return }
      let next = tried == "SkylakeX" ? "Haswell" : nil
      relaunch(core: next)
      return
    }
    guard env["OPENBLAS_CORETYPE"] == nil, env["VISAGE_KEEP_BLAS_CORE"] == nil else { return }
    let core = BLAS.coreName.lowercased()
    guard core.contains("prescott") || core.contains("core2") || core.contains("katmai") else {
      return
    }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return }
    let flags = Set(line.split(separator: " ").map(String.init))
    if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) {
      relaunch(core: "SkylakeX")
    } else if flags.contains("avx2") && flags.contains("fma") {
      relaunch(core: "Haswell")
    }
  #endif
}

/// Restarts this process with `OPENBLAS_CORETYPE=core`, or with the library's choice when nil.
private func relaunch(core: String?) {
  if let core {
    setenv("OPENBLAS_CORETYPE", core, 1)
    setenv("VISAGE_BLAS_SWITCHED", core, 1)
  } else {
    unsetenv("OPENBLAS_CORETYPE")
    unsetenv("VISAGE_BLAS_SWITCHED")
    setenv("VISAGE_KEEP_BLAS_CORE", "1", 1)
  }
  var args = CommandLine.arguments.map { strdup($0) }
  args.append(nil)
  execv("/proc/self/exe", &args)
  // execv returns only on failure: carry on with the kernel already loaded.
}

/// Compares sgemm with a direct triple loop for every transpose combination on odd sizes.
private func gemmSelfCheck() -> Bool {
  let (m, n, k) = (37, 29, 45)
  var rng = SplitMix64(seed: 99)
  let a = (0..<(m * k)).map { _ in rng.normal() }
  let b = (0..<(k * n)).map { _ in rng.normal() }
  for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          BLAS.gemm(
            transA: ta, transB: tb, m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!,
            c: pc.baseAddress!)
        }
      }
    }
    for i in 0..<m {
      for j in 0..<n {
        var s: Double = 0
        for p in 0..<k {
          let av = ta ? a[p * m + i] : a[i * k + p]
          let bv = tb ? b[j * k + p] : b[p * n + j]
          s += Double(av) * Double(bv)
        }
        if Swift.abs(Double(c[i * n + j]) - s) > 1e-3 * max(1, Swift.abs(s)) { return false }
      }
    }
  }
  return true
}
