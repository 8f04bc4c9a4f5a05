// Convolution as im2col + GEMM over a batch, with small feature maps sharing one GEMM.

/// The GEMM formulation of convolution for `n` images laid out NCHW.
///
/// Large maps run one GEMM per image on a reused column buffer. Maps with few output positions
/// (≤ 16×16) put up to `columnsPerGemm / (OH·OW)` images side by side in one column matrix, so
/// the GEMM's N dimension stays large enough for OpenBLAS to run near its peak; results are
/// scattered back to NCHW. All three passes (forward, input gradient, weight gradient) share
/// the layout.
enum ConvGemm {
  /// Target number of GEMM columns when images are grouped.
  static let columnsPerGemm = 1024

  /// Bytes of column matrix per forward band (about a quarter of a core's L2).
  static let tileBytes = 512 * 1024

  /// Output positions per forward band for this geometry (whole output rows are taken).
  static func tileColumns(_ g: ConvGeometry) -> Int {
    max(256, tileBytes / (4 * max(g.colRows, 1)))
  }

  /// Output rows per band of the per-image paths: bands that fit the cache on one thread, the
  /// whole map otherwise (see ``forward``).
  static func bandRows(_ g: ConvGeometry) -> Int {
    if Threads.count != 1 || g.isIdentity { return g.outH }
    return max(1, min(g.outH, tileColumns(g) / max(g.outW, 1)))
  }

  /// The bands of output rows of the per-image paths, in order.
  static func bands(_ g: ConvGeometry) -> [Range<Int>] {
    let rows = bandRows(g)
    return stride(from: 0, to: g.outH, by: rows).map { $0..<min(g.outH, $0 + rows) }
  }

  /// Images grouped per GEMM for this geometry and batch.
  static func group(_ g: ConvGeometry, n: Int) -> Int {
    let hw = g.colCols
    if hw >= 256 { return 1 }
    return max(1, min(n, columnsPerGemm / max(hw, 1)))
  }

  /// y (`[n, O, OH, OW]`) = W (`[O, C·kh·kw]`) · im2col(x); overwrites y.
  static func forward(
    _ x: UnsafePointer<Float>, n: Int, _ g: ConvGeometry, _ w: UnsafePointer<Float>,
    outChannels o: Int, _ y: UnsafeMutablePointer<Float>
  ) {
    let inSize = g.channels * g.height * g.width
    let hw = g.colCols
    let b = group(g, n: n)
    if b == 1 {
      // On one thread, bands of output rows whose column matrix stays in the core's cache:
      // writing the whole matrix of a large map and reading it back costs more than the GEMM
      // (1.3–1.4× faster at 128², 1.15–1.2× at 64²). With more threads each GEMM is split over
      // cores, and the smaller band GEMMs split worse (0.75–0.9×), so the matrix stays whole.
      let ow = g.outW
      let bands = self.bands(g)
      Scratch.with(g.isIdentity ? 1 : g.colRows * bandRows(g) * ow) { cols in
        for i in 0..<n {
          if g.isIdentity {
            BLAS.gemm(
              transA: false, transB: false, m: o, n: hw, k: g.colRows, a: w, b: x + i * inSize,
              c: y + i * o * hw)
            continue
          }
          for band in bands {
            Im2col.im2col(x + i * inSize, g, cols, outputRows: band)
            BLAS.gemm(
              transA: false, transB: false, m: o, n: band.count * ow, k: g.colRows, a: w, b: cols,
              c: y + i * o * hw + band.lowerBound * ow, ldc: hw)
          }
        }
      }
      return
    }
    Scratch.with(g.colRows * b * hw + o * b * hw) { buf in
      let cols = buf
      let tmp = buf + g.colRows * b * hw
      var i0 = 0
      while i0 < n {
        let m = min(b, n - i0)
        let pitch = m * hw
        for j in 0..<m { Im2col.im2col(x + (i0 + j) * inSize, g, cols + j * hw, rowPitch: pitch) }
        BLAS.gemm(transA: false, transB: false, m: o, n: pitch, k: g.colRows, a: w, b: cols, c: tmp)
        for j in 0..<m {
          for c in 0..<o {
            (y + ((i0 + j) * o + c) * hw).update(from: tmp + c * pitch + j * hw, count: hw)
          }
        }
        i0 += m
      }
    }
  }

  /// dx (`[n, C, H, W]`) = col2im(Wᵀ · gy); overwrites dx.
  static func inputGrad(
    _ gy: UnsafePointer<Float>, n: Int, _ g: ConvGeometry, _ w: UnsafePointer<Float>,
    outChannels o: Int, _ dx: UnsafeMutablePointer<Float>
  ) {
    let inSize = g.channels * g.height * g.width
    let hw = g.colCols
    dx.initialize(repeating: 0, count: n * inSize)
    let b = group(g, n: n)
    if b == 1 {
      let ow = g.outW
      let bands = self.bands(g)
      Scratch.with(g.isIdentity ? 1 : g.colRows * bandRows(g) * ow) { cols in
        for i in 0..<n {
          if g.isIdentity {
            BLAS.gemm(
              transA: true, transB: false, m: g.colRows, n: hw, k: o, a: w, b: gy + i * o * hw,
              c: dx + i * inSize)
            continue
          }
          for band in bands {
            BLAS.gemm(
              transA: true, transB: false, m: g.colRows, n: band.count * ow, k: o, a: w,
              b: gy + i * o * hw + band.lowerBound * ow, c: cols, ldb: hw)
            Im2col.col2im(cols, g, dx + i * inSize, outputRows: band)
          }
        }
      }
      return
    }
    Scratch.with(g.colRows * b * hw + o * b * hw) { buf in
      let cols = buf
      let tmp = buf + g.colRows * b * hw
      var i0 = 0
      while i0 < n {
        let m = min(b, n - i0)
        let pitch = m * hw
        for j in 0..<m {
          for c in 0..<o {
            (tmp + c * pitch + j * hw).update(from: gy + ((i0 + j) * o + c) * hw, count: hw)
          }
        }
        BLAS.gemm(
          transA: true, transB: false, m: g.colRows, n: pitch, k: o, a: w, b: tmp, c: cols)
        for j in 0..<m { Im2col.col2im(cols + j * hw, g, dx + (i0 + j) * inSize, rowPitch: pitch) }
        i0 += m
      }
    }
  }

  /// dw (`[O, C·kh·kw]`) = Σ gy · im2col(x)ᵀ; overwrites dw.
  static func weightGrad(
    _ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, n: Int, _ g: ConvGeometry,
    outChannels o: Int, _ dw: UnsafeMutablePointer<Float>
  ) {
    let inSize = g.channels * g.height * g.width
    let hw = g.colCols
    dw.initialize(repeating: 0, count: o * g.colRows)
    let b = group(g, n: n)
    if b == 1 {
      let ow = g.outW
      let bands = self.bands(g)
      Scratch.with(g.isIdentity ? 1 : g.colRows * bandRows(g) * ow) { cols in
        for i in 0..<n {
          if g.isIdentity {
            BLAS.gemm(
              transA: false, transB: true, m: o, n: g.colRows, k: hw, a: gy + i * o * hw,
              b: x + i * inSize, beta: 1, c: dw)
            continue
          }
          for band in bands {
            Im2col.im2col(x + i * inSize, g, cols, outputRows: band)
            BLAS.gemm(
              transA: false, transB: true, m: o, n: g.colRows, k: band.count * ow,
              a: gy + i * o * hw + band.lowerBound * ow, b: cols, beta: 1, c: dw, lda: hw)
          }
        }
      }
      return
    }
    Scratch.with(g.colRows * b * hw + o * b * hw) { buf in
      let cols = buf
      let tmp = buf + g.colRows * b * hw
      var i0 = 0
      while i0 < n {
        let m = min(b, n - i0)
        let pitch = m * hw
        for j in 0..<m {
          Im2col.im2col(x + (i0 + j) * inSize, g, cols + j * hw, rowPitch: pitch)
          for c in 0..<o {
            (tmp + c * pitch + j * hw).update(from: gy + ((i0 + j) * o + c) * hw, count: hw)
          }
        }
        BLAS.gemm(
          transA: false, transB: true, m: o, n: g.colRows, k: pitch, a: tmp, b: cols, beta: 1,
          c: dw)
        i0 += m
      }
    }
  }
}
