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

  /// Output rows per band of the per-image paths: bands whose column matrix stays in a core's
  /// cache (each band's GEMM runs on one core, see ``forward``); 1×1 stride-1 convolutions read
  /// the input directly and take the whole map.
  static func bandRows(_ g: ConvGeometry) -> Int {
    if g.isIdentity { return g.outH }
    return max(1, min(g.outH, tileColumns(g) / max(g.outW, 1)))
  }

  /// The bands of output rows of the per-image paths, in order.
  static func bands(_ g: ConvGeometry) -> [Range<Int>] {
    let rows = bandRows(g)
    return stride(from: 0, to: g.outH, by: rows).map { $0..<min(g.outH, $0 + rows) }
  }

  /// Runs `body(part, image, band, cols)` over the units of the per-image paths.
  ///
  /// A unit is one image × one band of output rows; the units are split over the threads by
  /// ``Parallel/parts(_:_:)`` and `cols` is the part's column buffer. With `wholeImages` each
  /// part takes whole images (for a pass whose bands of one image write overlapping memory).
  private static func forEachUnit(
    _ g: ConvGeometry, images n: Int, wholeImages: Bool = false,
    _ body: (
      _ part: Int, _ image: Int, _ band: Range<Int>, _ cols: UnsafeMutablePointer<Float>
    ) -> Void
  ) {
    let bands = self.bands(g)
    let perImage = wholeImages ? 1 : bands.count
    Parallel.parts(n * perImage) { part, units in
      Scratch.with(g.isIdentity ? 1 : g.colRows * bandRows(g) * g.outW) { cols in
        for u in units {
          let image = u / perImage
          for band in wholeImages ? bands[...] : bands[(u % perImage)...(u % perImage)] {
            body(part, image, band, cols)
          }
        }
      }
    }
  }

  /// Adds `parts` accumulators of `count` floats, laid end to end at `extra`, into `target`.
  static func addParts(
    _ extra: UnsafePointer<Float>, parts: Int, count: Int, into target: UnsafeMutablePointer<Float>
  ) {
    for p in 0..<parts {
      let src = extra + p * count
      for k in 0..<count { target[k] += src[k] }
    }
  }

  /// Images grouped per GEMM for this geometry and batch.
  static func group(_ g: ConvGeometry, n: Int) -> Int {
    let hw = g.colCols
    if hw >= 256 { return 1 }
    return max(1, min(n, columnsPerGemm / max(hw, 1)))
  }

  /// y (`[n, O, OH, OW]`) = W (`[O, C·kh·kw]`) · im2col(x) + bias (`[O]`, if given);
  /// overwrites y.
  static func forward(
    _ x: UnsafePointer<Float>, n: Int, _ g: ConvGeometry, _ w: UnsafePointer<Float>,
    outChannels o: Int, bias: UnsafePointer<Float>? = nil, _ y: UnsafeMutablePointer<Float>
  ) {
    let inSize = g.channels * g.height * g.width
    let hw = g.colCols
    let b = group(g, n: n)
    if b == 1 {
      // Work units are (image, band of output rows) whose column matrix stays in a core's cache:
      // writing the whole matrix of a large map and reading it back costs more than the GEMM
      // (1.3–1.4× faster at 128², 1.15–1.2× at 64²). With several threads each core takes a
      // contiguous run of units with its own column buffer and one-thread GEMMs, so the column
      // copies run in parallel too; a lone unit's GEMM is split over the threads instead.
      let ow = g.outW
      forEachUnit(g, images: n) { _, i, band, cols in
        let out = y + i * o * hw + band.lowerBound * ow
        if g.isIdentity {
          BLAS.gemm(
            transA: false, transB: false, m: o, n: hw, k: g.colRows, a: w, b: x + i * inSize,
            c: out)
        } else {
          Im2col.im2col(x + i * inSize, g, cols, outputRows: band)
          BLAS.gemm(
            transA: false, transB: false, m: o, n: band.count * ow, k: g.colRows, a: w, b: cols,
            c: out, ldc: hw)
        }
        // The bias goes in while the band is still in this core's cache.
        if let bias {
          for c in 0..<o {
            let (row, v) = (out + c * hw, bias[c])
            for j in 0..<(band.count * ow) { row[j] += v }
          }
        }
      }
      return
    }
    forEachGroup(images: n, perGroup: b, scratch: { (g.colRows + o) * $0 * hw }) {
      _, i0, m, buf in
      let cols = buf
      let tmp = buf + g.colRows * m * hw
      let pitch = m * hw
      for j in 0..<m { Im2col.im2col(x + (i0 + j) * inSize, g, cols + j * hw, rowPitch: pitch) }
      BLAS.gemm(transA: false, transB: false, m: o, n: pitch, k: g.colRows, a: w, b: cols, c: tmp)
      for j in 0..<m {
        for c in 0..<o {
          DirectTile.copyRow(
            tmp + c * pitch + j * hw, count: hw, adding: bias?[c] ?? 0,
            to: y + ((i0 + j) * o + c) * hw)
        }
      }
    }
  }

  /// Runs `body(part, first, count, buffer)` over groups of at most `b` consecutive images
  /// (the grouped small-map paths), split over the threads.
  ///
  /// With several threads the groups shrink so that every thread gets images: their column
  /// copies then run in parallel too, each with one-thread GEMMs. A lone group runs on the
  /// calling thread, whose GEMM may split. `buffer` holds `scratch(groupSize)` floats per part.
  private static func forEachGroup(
    images n: Int, perGroup b: Int, scratch: (Int) -> Int,
    _ body: (
      _ part: Int, _ first: Int, _ count: Int, _ buffer: UnsafeMutablePointer<Float>
    ) -> Void
  ) {
    let size = groupSize(images: n, perGroup: b)
    Parallel.parts((n + size - 1) / size) { part, range in
      Scratch.with(scratch(size)) { buf in
        for k in range { body(part, k * size, min(size, n - k * size), buf) }
      }
    }
  }

  /// Images per group in ``forEachGroup(images:perGroup:scratch:_:)``: at most `b`, and few
  /// enough that every thread gets a group.
  private static func groupSize(images n: Int, perGroup b: Int) -> Int {
    let threads = Parallel.partCount(n)
    return max(1, min(b, (n + threads - 1) / threads))
  }

  /// The number of parts ``forEachGroup(images:perGroup:scratch:_:)`` runs.
  private static func groupParts(images n: Int, perGroup b: Int) -> Int {
    let size = groupSize(images: n, perGroup: b)
    return Parallel.partCount((n + size - 1) / size)
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
      // Units as in ``forward``, but col2im adds into overlapping input rows: with at least as
      // many images as threads each core takes whole images; otherwise the cores split the bands
      // and all but the first accumulate into their own copy of dx, added at the end.
      let ow = g.outW
      let bands = self.bands(g)
      let parts = Parallel.partCount(n * bands.count)
      let byImage = n >= parts
      let extraCount = byImage ? 0 : (parts - 1) * n * inSize
      // From the pool: fresh pages would be zeroed by the kernel on every call.
      let extra = BufferPool.shared.take(max(extraCount, 1))
      defer { BufferPool.shared.give(extra, max(extraCount, 1)) }
      extra.initialize(repeating: 0, count: extraCount)
      forEachUnit(g, images: n, wholeImages: byImage) { part, i, band, cols in
        let target = part == 0 || byImage ? dx : extra + (part - 1) * n * inSize
        if g.isIdentity {
          BLAS.gemm(
            transA: true, transB: false, m: g.colRows, n: hw, k: o, a: w, b: gy + i * o * hw,
            c: target + i * inSize)
          return
        }
        BLAS.gemm(
          transA: true, transB: false, m: g.colRows, n: band.count * ow, k: o, a: w,
          b: gy + i * o * hw + band.lowerBound * ow, c: cols, ldb: hw)
        Im2col.col2im(cols, g, target + i * inSize, outputRows: band)
      }
      if !byImage { addParts(extra, parts: parts - 1, count: n * inSize, into: dx) }
      return
    }
    // Groups write disjoint images of dx.
    forEachGroup(images: n, perGroup: b, scratch: { (g.colRows + o) * $0 * hw }) {
      _, i0, m, buf in
      let cols = buf
      let tmp = buf + g.colRows * m * hw
      let pitch = m * hw
      for j in 0..<m {
        for c in 0..<o {
          (tmp + c * pitch + j * hw).update(from: gy + ((i0 + j) * o + c) * hw, count: hw)
        }
      }
      BLAS.gemm(
        transA: true, transB: false, m: g.colRows, n: pitch, k: o, a: w, b: tmp, c: cols)
      for j in 0..<m { Im2col.col2im(cols + j * hw, g, dx + (i0 + j) * inSize, rowPitch: pitch) }
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
      // Units as in ``forward``; every unit adds into all of dw, so each core but the first
      // accumulates into its own copy, added at the end.
      let ow = g.outW
      let bands = self.bands(g)
      let size = o * g.colRows
      let parts = Parallel.partCount(n * bands.count)
      let extraCount = max((parts - 1) * size, 1)
      let extra = BufferPool.shared.take(extraCount)
      defer { BufferPool.shared.give(extra, extraCount) }
      extra.initialize(repeating: 0, count: (parts - 1) * size)
      forEachUnit(g, images: n) { part, i, band, cols in
        let target = part == 0 ? dw : extra + (part - 1) * size
        if g.isIdentity {
          BLAS.gemm(
            transA: false, transB: true, m: o, n: g.colRows, k: hw, a: gy + i * o * hw,
            b: x + i * inSize, beta: 1, c: target)
          return
        }
        Im2col.im2col(x + i * inSize, g, cols, outputRows: band)
        BLAS.gemm(
          transA: false, transB: true, m: o, n: g.colRows, k: band.count * ow,
          a: gy + i * o * hw + band.lowerBound * ow, b: cols, beta: 1, c: target, lda: hw)
      }
      addParts(extra, parts: parts - 1, count: size, into: dw)
      return
    }
    // Every group adds into all of dw: each part but the first into its own copy.
    let size = o * g.colRows
    let parts = groupParts(images: n, perGroup: b)
    let extraCount = max((parts - 1) * size, 1)
    let extra = BufferPool.shared.take(extraCount)
    defer { BufferPool.shared.give(extra, extraCount) }
    extra.initialize(repeating: 0, count: (parts - 1) * size)
    forEachGroup(images: n, perGroup: b, scratch: { (g.colRows + o) * $0 * hw }) {
      part, i0, m, buf in
      let cols = buf
      let tmp = buf + g.colRows * m * hw
      let pitch = m * hw
      for j in 0..<m {
        Im2col.im2col(x + (i0 + j) * inSize, g, cols + j * hw, rowPitch: pitch)
        for c in 0..<o {
          (tmp + c * pitch + j * hw).update(from: gy + ((i0 + j) * o + c) * hw, count: hw)
        }
      }
      BLAS.gemm(
        transA: false, transB: true, m: o, n: g.colRows, k: pitch, a: tmp, b: cols, beta: 1,
        c: part == 0 ? dw : extra + (part - 1) * size)
    }
    addParts(extra, parts: parts - 1, count: size, into: dw)
  }
}
