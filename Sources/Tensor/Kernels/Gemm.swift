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
    if splitWorth(m: m, n: n, k: k) {
      split(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
        ldb: ldb, beta: beta, c: c, ldc: ldc)
      return
    }
    sgemm(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
      ldb: ldb, beta: beta, c: c, ldc: ldc)
  }

  /// Multiply-adds below which a GEMM stays on one thread (a hand-off costs a few microseconds).
  static let splitMinimum = 1 << 21

  /// Whether a GEMM is split over threads: more than one thread, outside a parallel region, at
  /// least `splitMinimum` multiply-adds, and a side of at least 64 to cut into blocks of 16.
  @inline(__always)
  static func splitWorth(m: Int, n: Int, k: Int) -> Bool {
    Threads.count > 1 && !Parallel.isActive && m * n * k >= splitMinimum && max(m, n) >= 64
  }

  /// One GEMM split over the threads: into blocks of columns of C when it is at least as wide as
  /// tall, into blocks of rows otherwise (multiples of 16, each block one one-thread call).
  @inline(never)
  static func split(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>,
    lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>,
    ldc: Int
  ) {
    let byColumns = n >= m
    let extent = byColumns ? n : m
    let blocks = (extent + 15) / 16
    Parallel.parts(blocks) { _, range in
      let lo = range.lowerBound * 16
      let hi = min(extent, range.upperBound * 16)
      if lo >= hi { return }
      if byColumns {
        sgemm(
          transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha, a: a, lda: lda,
          b: transB ? b + lo * ldb : b + lo, ldb: ldb, beta: beta, c: c + lo, ldc: ldc)
      } else {
        sgemm(
          transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
          a: transA ? a + lo : a + lo * lda, lda: lda, b: b, ldb: ldb, beta: beta,
          c: c + lo * ldc, ldc: ldc)
      }
    }
  }

  @inline(__always)
  static func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>,
    lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>,
    ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
      beta, c, Int32(ldc))
  }

  /// Sets the number of OpenBLAS threads (process-wide; Visage keeps it at 1, see ``Threads``).
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
