// Direct 3×3 stride-1 convolution (padding 1) on a padded-width grid, without im2col.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Direct 3×3, stride-1, padding-1 convolution for NCHW tensors.
///
/// Each image is copied once into a zero-padded plane per channel, `(H+2)` rows of
/// `Wp = W+2` floats laid end to end. On that flat layout, output position `q = y·Wp + x` reads
/// tap `(ky, kx)` at `q + ky·Wp + kx` for every `q`, so the whole output plane is one run of
/// positions with no row boundaries: the two columns past each row's end are computed and
/// dropped. The kernel keeps an 8-output-channel × 32-position tile in sixteen 16-lane
/// registers and streams input channels and taps through it (weights packed
/// `[O/8][C][9][8]`), so the input is read about once per 8 output channels instead of being
/// copied nine times into a column matrix and packed again by the GEMM.
///
/// The input gradient is the same convolution of `gy` with the weight transposed and flipped;
/// the weight gradient keeps the nine tap sums of two output channels and one input channel in
/// registers while it streams over the positions (no column matrix either).
public enum Conv3x3 {
  /// Whether the direct kernels (this one and ``PhaseConv``) are used.
  ///
  /// True on builds whose vector unit runs the 16-lane tile in registers (AVX-512 hosts, see
  /// Package.swift); elsewhere the tile would spill and im2col + GEMM is faster, so the
  /// kernels are not chosen (they stay correct, and tests call them directly).
  /// `VISAGE_DIRECT_CONV=0` turns them off to compare with im2col + GEMM.
  public static let enabled: Bool = {
    #if VISAGE_AVX512
      return getenv("VISAGE_DIRECT_CONV").map { String(cString: $0) } != "0"
    #else
      return false
    #endif
  }()

  /// Whether `g` with `outChannels` output channels takes this kernel.
  ///
  /// Maps under 16×16 stay with im2col, which puts several images side by side in one GEMM
  /// (at 8×8, a fifth of this kernel's positions would be padding columns).
  public static func applies(_ g: ConvGeometry, outChannels o: Int) -> Bool {
    enabled && matches(g) && g.channels >= DirectTile.tileChannels && o >= DirectTile.tileChannels
      && g.outH * g.outW >= 256
  }

  /// Whether the weight gradient of `g` takes this kernel.
  ///
  /// Its register tile sums over every position of a band and ends with 18 horizontal sums,
  /// which pays off on large maps only: measured at 1 thread, batch 8, 16 channels at 128² run
  /// 1.9× faster and 32 at 64² 1.4× faster than im2col + GEMM, 64 at 32² 1.1× slower and 128 at
  /// 16² 2× slower.
  public static func weightGradApplies(_ g: ConvGeometry, outChannels o: Int) -> Bool {
    applies(g, outChannels: o) && g.height * g.width >= 4096
  }

  /// Whether `g` is a 3×3, stride-1, dilation-1 window with padding 0 (reflection-padded
  /// inputs) or 1.
  public static func matches(_ g: ConvGeometry) -> Bool {
    g.kernelH == 3 && g.kernelW == 3 && g.stride == 1 && g.padding <= 1 && g.dilation == 1
  }

  /// y (`[n, O, H, W]`) = conv(x (`[n, C, H, W]`), w (`[O, C, 3, 3]`)) + bias (`[O]`, if
  /// given); overwrites y.
  public static func forward(
    _ x: UnsafePointer<Float>, n: Int, channels c: Int, height h: Int, width w: Int,
    padding p: Int = 1, _ weight: UnsafePointer<Float>, outChannels o: Int,
    bias: UnsafePointer<Float>? = nil, _ y: UnsafeMutablePointer<Float>
  ) {
    convolve(x, n: n, inChannels: c, h: h, w: w, pad: p, outChannels: o, bias: bias, y) {
      packed, o8 in
      // `[O, C, 3, 3]` is one row of C·9 weights per output channel.
      DirectTile.packRows(
        weight, rows: o, blocks: o8 / DirectTile.tileChannels, rowLength: c * 9, into: packed)
    }
  }

  /// dx (`[n, C, H, W]`) for gy (`[n, O, H, W]`) and w (`[O, C, 3, 3]`); overwrites dx.
  ///
  /// The adjoint of ``forward``: the same convolution of `gy` with `w` read as `[C, O, 3, 3]`
  /// and flipped in both spatial axes.
  public static func inputGrad(
    _ gy: UnsafePointer<Float>, n: Int, channels c: Int, height h: Int, width w: Int,
    padding p: Int = 1, _ weight: UnsafePointer<Float>, outChannels o: Int,
    _ dx: UnsafeMutablePointer<Float>
  ) {
    // gy is `(H + 2p − 2)`×`(W + 2p − 2)`; padding it by `2 − p` gives back `H`×`W`.
    convolve(
      gy, n: n, inChannels: o, h: h + 2 * p - 2, w: w + 2 * p - 2, pad: 2 - p, outChannels: c, dx
    ) { packed, c8 in
      packFlipped(weight, o: o, c: c, c8: c8, into: packed)
    }
  }

  /// The padded-width layout of a band of `rows` output rows of width `w`: the input rows it
  /// reads (one above, one below) and the output positions it computes.
  struct Layout {
    /// Padded row length.
    let wp: Int
    /// Output positions computed per band (`rows·wp` rounded up to whole tiles).
    let positions: Int
    /// Floats per padded input plane of the band (room for the last tile's farthest tap).
    let plane: Int

    init(rows: Int, w: Int, pad p: Int) {
      wp = w + 2 * p
      positions = DirectTile.roundUp(rows * wp)
      plane = positions + 2 * wp + 2
    }
  }

  /// Copies input rows `rows.lowerBound − p ..< rows.upperBound + 2 − p` of `channels` planes
  /// of `h`×`w` into the band's layout `l`, with `p` zero columns on each side (rows outside
  /// the image are zero).
  private static func padBand(
    _ src: UnsafePointer<Float>, channels: Int, h: Int, w: Int, pad p: Int, rows: Range<Int>,
    _ l: Layout, into dst: UnsafeMutablePointer<Float>
  ) {
    for ch in 0..<channels {
      let d = dst + ch * l.plane
      for k in 0..<(rows.count + 2) {
        let r = rows.lowerBound - p + k
        let row = d + k * l.wp
        row.initialize(repeating: 0, count: p)
        if r >= 0 && r < h {
          (row + p).update(from: src + (ch * h + r) * w, count: w)
        } else {
          (row + p).initialize(repeating: 0, count: w)
        }
        (row + p + w).initialize(repeating: 0, count: p)
      }
      let end = (rows.count + 2) * l.wp
      (d + end).initialize(repeating: 0, count: l.plane - end)
    }
  }

  /// Copies output rows `rows` of `channels` planes of `h`×`w` onto the band's padded-width
  /// grid (row `y` at `(y − rows.lowerBound)·wp`), zero past each row's end and the last row.
  private static func spreadBand(
    _ src: UnsafePointer<Float>, channels: Int, h: Int, w: Int, rows: Range<Int>, _ l: Layout,
    into dst: UnsafeMutablePointer<Float>
  ) {
    for ch in 0..<channels {
      let d = dst + ch * l.positions
      for (k, r) in rows.enumerated() {
        (d + k * l.wp).update(from: src + (ch * h + r) * w, count: w)
        (d + k * l.wp + w).initialize(repeating: 0, count: l.wp - w)
      }
      let end = rows.count * l.wp
      (d + end).initialize(repeating: 0, count: l.positions - end)
    }
  }

  /// dw (`[O, C, 3, 3]`) = Σ over images and positions of gy · shifted x; overwrites dw.
  ///
  /// Per (image, band): the band's padded input and its gy rows spread onto the padded-width
  /// grid (zero in the columns past each row's end, so they add nothing), then for each pair
  /// of output channels and each input channel the nine tap sums run in registers over all
  /// positions (``weightTile``).
  public static func weightGrad(
    _ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, n: Int, channels c: Int,
    height h: Int, width w: Int, padding p: Int = 1, outChannels o: Int,
    _ dw: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (h + 2 * p - 2, w + 2 * p - 2)
    let rowsPerBand = DirectTile.bandRows(planes: max(c, o), rowLength: w + 2, rows: oh, images: n)
    let l = Layout(rows: rowsPerBand, w: w, pad: p)
    let taps = o * c * 9
    // Each part adds into its own `[O][C][9]` accumulator, summed at the end.
    let parts = Parallel.partCount(n * ((oh + rowsPerBand - 1) / rowsPerBand))
    let acc = BufferPool.shared.take(parts * taps)
    defer { BufferPool.shared.give(acc, parts * taps) }
    acc.initialize(repeating: 0, count: parts * taps)
    DirectTile.forEachBand(
      images: n, rows: oh, rowsPerBand: rowsPerBand, scratchCount: c * l.plane + o * l.positions
    ) { part, i, rows, _, scratch in
      let xpad = scratch
      let gext = scratch + c * l.plane
      padBand(x + i * c * h * w, channels: c, h: h, w: w, pad: p, rows: rows, l, into: xpad)
      spreadBand(gy + i * o * oh * ow, channels: o, h: oh, w: ow, rows: rows, l, into: gext)
      let used = (rows.count * l.wp + 15) / 16 * 16
      let target = acc + part * taps
      for o0 in stride(from: 0, to: o, by: 2) {
        // An odd last channel pairs with itself and keeps one of the two sums.
        let o1 = min(o0 + 1, o - 1)
        for ch in 0..<c {
          weightTile(
            gext + o0 * l.positions, gext + o1 * l.positions, xpad + ch * l.plane, wp: l.wp,
            count: used, target + (o0 * c + ch) * 9,
            o1 == o0 ? nil : target + (o1 * c + ch) * 9)
        }
      }
    }
    dw.update(from: acc, count: taps)
    ConvGemm.addParts(acc + taps, parts: parts - 1, count: taps, into: dw)
  }

  /// Adds `Σ_q g0[q]·x[q + off_t]` into `out0[t]` and the same with `g1` into `out1[t]`, for the
  /// nine taps `off_t = (t/3)·wp + t%3` and `q` in `0 ..< count` (a multiple of 16).
  @inline(__always)
  private static func weightTile(
    _ g0: UnsafePointer<Float>, _ g1: UnsafePointer<Float>, _ x: UnsafePointer<Float>, wp: Int,
    count: Int, _ out0: UnsafeMutablePointer<Float>, _ out1: UnsafeMutablePointer<Float>?
  ) {
    var a0 = DirectTile.Vector(), a1 = DirectTile.Vector(), a2 = DirectTile.Vector(),
      a3 = DirectTile.Vector(), a4 = DirectTile.Vector()
    var a5 = DirectTile.Vector(), a6 = DirectTile.Vector(), a7 = DirectTile.Vector(),
      a8 = DirectTile.Vector()
    var b0 = DirectTile.Vector(), b1 = DirectTile.Vector(), b2 = DirectTile.Vector(),
      b3 = DirectTile.Vector(), b4 = DirectTile.Vector()
    var b5 = DirectTile.Vector(), b6 = DirectTile.Vector(), b7 = DirectTile.Vector(),
      b8 = DirectTile.Vector()
    var q = 0
    while q < count {
      let u = DirectTile.load(g0 + q)
      let v = DirectTile.load(g1 + q)
      var r = x + q
      var s = DirectTile.load(r)
      a0.addProduct(u, s)
      b0.addProduct(v, s)
      s = DirectTile.load(r + 1)
      a1.addProduct(u, s)
      b1.addProduct(v, s)
      s = DirectTile.load(r + 2)
      a2.addProduct(u, s)
      b2.addProduct(v, s)
      r += wp
      s = DirectTile.load(r)
      a3.addProduct(u, s)
      b3.addProduct(v, s)
      s = DirectTile.load(r + 1)
      a4.addProduct(u, s)
      b4.addProduct(v, s)
      s = DirectTile.load(r + 2)
      a5.addProduct(u, s)
      b5.addProduct(v, s)
      r += wp
      s = DirectTile.load(r)
      a6.addProduct(u, s)
      b6.addProduct(v, s)
      s = DirectTile.load(r + 1)
      a7.addProduct(u, s)
      b7.addProduct(v, s)
      s = DirectTile.load(r + 2)
      a8.addProduct(u, s)
      b8.addProduct(v, s)
      q += 16
    }
    out0[0] += a0.sum()
    out0[1] += a1.sum()
    out0[2] += a2.sum()
    out0[3] += a3.sum()
    out0[4] += a4.sum()
    out0[5] += a5.sum()
    out0[6] += a6.sum()
    out0[7] += a7.sum()
    out0[8] += a8.sum()
    guard let out1 else { return }
    out1[0] += b0.sum()
    out1[1] += b1.sum()
    out1[2] += b2.sum()
    out1[3] += b3.sum()
    out1[4] += b4.sum()
    out1[5] += b5.sum()
    out1[6] += b6.sum()
    out1[7] += b7.sum()
    out1[8] += b8.sum()
  }

  /// Packs `w` (`[O, C, 3, 3]`) for the input gradient: read as `[C, O, 3, 3]`, flipped.
  ///
  /// The layout is `[C8/8][O][9][8]` (zero past `c`); blocks of eight input channels are split
  /// over the threads, and block `(cb, oc)` reads eight consecutive 3×3 kernels.
  private static func packFlipped(
    _ weight: UnsafePointer<Float>, o: Int, c: Int, c8: Int, into p: UnsafeMutablePointer<Float>
  ) {
    let tc = DirectTile.tileChannels
    Parallel.chunks(c8 / tc, costPerItem: o * 9 * tc) { blocks in
      for cb in blocks {
        let live = min(tc, c - cb * tc)
        for oc in 0..<o {
          let src = weight + (oc * c + cb * tc) * 9
          let dst = p + (cb * o + oc) * 9 * tc
          for k in 0..<9 {
            for j in 0..<live { dst[k * tc + j] = src[j * 9 + 8 - k] }
            for j in live..<tc { dst[k * tc + j] = 0 }
          }
        }
      }
    }
  }

  /// The shared body of ``forward`` and ``inputGrad``: per (image, band) unit, pads the band's
  /// input rows, runs the tiles and drops the padding columns into `y`.
  private static func convolve(
    _ x: UnsafePointer<Float>, n: Int, inChannels c: Int, h: Int, w: Int, pad p: Int,
    outChannels o: Int, bias: UnsafePointer<Float>? = nil, _ y: UnsafeMutablePointer<Float>,
    packWeights: (_ into: UnsafeMutablePointer<Float>, _ o8: Int) -> Void
  ) {
    let o8 = (o + DirectTile.tileChannels - 1) / DirectTile.tileChannels * DirectTile.tileChannels
    let packedCount = o8 * c * 9
    let packed = BufferPool.shared.take(packedCount)
    defer { BufferPool.shared.give(packed, packedCount) }
    packWeights(packed, o8)
    // With fewer images than threads, small maps split their output channels between the
    // threads (each pads the same band) rather than cutting the map into thin bands, whose
    // one-row halos and part-filled tiles cost more than a second copy of the input.
    let oh = h + 2 * p - 2
    let blocks = o8 / DirectTile.tileChannels
    let thin = n < Threads.count && oh < 16 * Threads.count && blocks >= Threads.count
    let groups = thin ? Threads.count : 1
    let rowsPerBand = DirectTile.bandRows(
      planes: c, rowLength: w + 2, rows: oh, images: thin ? Threads.count : n)
    let l = Layout(rows: rowsPerBand, w: w, pad: p)
    // One segment: every input plane reads the nine taps at flat offsets ky·wp + kx.
    let taps = (0..<9).map { ($0 / 3) * l.wp + $0 % 3 }
    let segments = [DirectTile.Segment(start: 0, count: c, tapStart: 0, tapCount: 9)]
    taps.withUnsafeBufferPointer { offs in
      segments.withUnsafeBufferPointer { segs in
        convolveBands(
          x, n: n, c: c, h: h, w: w, p: p, o: o, bias: bias, y, l: l, rowsPerBand: rowsPerBand,
          groups: groups, blocks: blocks, o8: o8, packed: packed, segs, offs.baseAddress!)
      }
    }
  }

  /// The band loop of ``convolve``: pad, tiles, drop the padding columns (adding the bias).
  private static func convolveBands(
    _ x: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, p: Int, o: Int,
    bias: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>, l: Layout, rowsPerBand: Int,
    groups: Int, blocks: Int,
    o8: Int, packed: UnsafePointer<Float>, _ segment: UnsafeBufferPointer<DirectTile.Segment>,
    _ offsets: UnsafePointer<Int>
  ) {
    let (oh, ow) = (h + 2 * p - 2, w + 2 * p - 2)
    DirectTile.forEachBand(
      images: n, rows: oh, rowsPerBand: rowsPerBand, groups: groups,
      scratchCount: c * l.plane + o8 * l.positions
    ) { _, i, rows, group, scratch in
      let pad = scratch
      let ext = scratch + c * l.plane
      padBand(x + i * c * h * w, channels: c, h: h, w: w, pad: p, rows: rows, l, into: pad)
      let used = rows.count * l.wp
      let mine = (blocks * group / groups)..<(blocks * (group + 1) / groups)
      for q0 in stride(from: 0, to: used, by: DirectTile.tileWidth) {
        for ob in mine {
          DirectTile.tile(
            pad, plane: l.plane, segment, offsets, packed + ob * c * 9 * DirectTile.tileChannels,
            ext + ob * DirectTile.tileChannels * l.positions, ldy: l.positions, q0: q0)
        }
      }
      for oc
        in (mine.lowerBound * DirectTile.tileChannels)..<min(
          o, mine.upperBound * DirectTile.tileChannels)
      {
        let src = ext + oc * l.positions
        let dst = y + ((i * o + oc) * oh + rows.lowerBound) * ow
        let b = bias?[oc] ?? 0
        for r in 0..<rows.count {
          DirectTile.copyRow(src + r * l.wp, count: ow, adding: b, to: dst + r * ow)
        }
      }
    }
  }
}
