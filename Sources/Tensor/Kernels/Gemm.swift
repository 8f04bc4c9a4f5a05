// The single-precision GEMM every dense and convolution layer runs on.

import COpenBLAS

/// Thin, safe-at-the-boundary wrappers over OpenBLAS.
public enum BLAS {
  /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major.
  ///
  /// `op(A)` is m×k (A is stored k×m when `transA`), `op(B)` is k×n (stored n×k when `transB`).
  @inline(__always)
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0,
    c: UnsafeMutablePointer<Float>, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
  ) {
    let lda = lda ?? (transA ? m : k)
    let ldb = ldb ?? (transB ? k : n)
    let ldc = ldc ?? n
    if m == 0 || n == 0 { return }
    if k == 0 {
      for i in 0..<m {
        let row = c + i * ldc
        if beta == 0 {
          row.initialize(repeating: 0, count: n)
        } else {
          for j in 0..<n { row[j] *= beta }
        }
      }
      return
    }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
      beta, c, Int32(ldc))
  }

  /// Sets the number of OpenBLAS threads (process-wide).
  public static func setThreads(_ n: Int) {
    openblas_set_num_threads(Int32(max(1, n)))
  }

  /// The number of OpenBLAS threads in use.
  public static var threads: Int { Int(openblas_get_num_threads()) }
}

extension BLAS {
  /// The CPU kernel family OpenBLAS selected at load time (for example "Haswell").
  public static var coreName: String {
    guard let p = openblas_get_corename() else { return "unknown" }
    return String(cString: p)
  }
}
