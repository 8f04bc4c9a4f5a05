// Process start-up: pick a fast OpenBLAS kernel when the library fell back to a generic one.

import Foundation
import Tensor

/// Re-executes the process with `OPENBLAS_CORETYPE=Haswell` when OpenBLAS picked an SSE-only
/// kernel on a CPU that has AVX2 and FMA.
///
/// OpenBLAS 0.3.21 (Debian 12) does not recognise some newer or virtualised x86 CPUs and falls
/// back to its Prescott kernels, which run our convolutions 1.3–1.7× slower. The kernel is chosen
/// when the library loads, so only a fresh process can change it. A user's own
/// `OPENBLAS_CORETYPE` is always respected, and `VISAGE_KEEP_BLAS_CORE=1` turns this off.
func tuneOpenBLASCore() {
  #if arch(x86_64) && os(Linux)
    let env = ProcessInfo.processInfo.environment
    guard env["OPENBLAS_CORETYPE"] == nil, env["VISAGE_KEEP_BLAS_CORE"] == nil else { return }
    let core = BLAS.coreName.lowercased()
    guard core.contains("prescott") || core.contains("core2") || core.contains("katmai") else {
      return
    }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
      flags.contains(" avx2"), flags.contains(" fma")
    else { return }
    setenv("OPENBLAS_CORETYPE", "Haswell", 1)
    setenv("VISAGE_KEEP_BLAS_CORE", "1", 1)
    var args = CommandLine.arguments.map { strdup($0) }
    args.append(nil)
    execv("/proc/self/exe", &args)
  // execv returns only on failure: carry on with the generic kernel.
  #endif
}
