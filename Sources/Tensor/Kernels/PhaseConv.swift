// Direct strided convolution on phase planes (space-to-depth), without im2col.

/// Direct convolution for strided windows, NCHW.
///
/// It serves the 4×4, stride-2 layers of encoders and discriminators, and their adjoint, the
/// transposed convolution of decoders.
/// A stride-`s` window reads input pixel `(s·i + ky − p, s·j + kx − p)` for output `(i, j)`.
/// Splitting the zero-padded input into `s²` phase planes, `x'[(dy, dx, c)][i][j] =
/// xpad[c][s·i + dy][s·j + dx]`, turns it into a stride-1 window: tap `(ky, kx)` reads phase
/// `(ky mod s, kx mod s)` at offset `(ky / s, kx / s)`. A 4×4 stride-2 window becomes four
/// phases of 2×2 taps, with no tap wasted. On the phase planes, laid out with their own row
/// length `Wp` end to end, every tap is one flat offset `a·Wp + b`, and the same register tile as
/// ``Conv3x3`` (8 output channels × 32 positions) streams the planes and their taps. The input
/// gradient runs the tile the other way: each output phase plane gathers `gy` through the taps
/// of its phase, then the phase planes are interleaved back into the image.
public enum PhaseConv {
  /// Whether `g` with `outChannels` output channels takes this kernel.
  ///
  /// AVX-512 builds; 3×3 or 4×4 windows at stride 2 with padding 0 or 1, output maps from 16×16
  /// (below that im2col batches several images per GEMM and wins). Measured at one thread,
  /// 3×3 stride-2 windows (S2F's downsampling) run 1.4–2.3× faster than im2col + GEMM forward
  /// and 1.3–1.7× for the input gradient on outputs of 32² and up.
  public static func applies(_ g: ConvGeometry, outChannels o: Int) -> Bool {
    Conv3x3.enabled && matches(g) && (g.kernelH == 3 || g.kernelH == 4) && g.stride == 2
      && g.padding <= 1 && g.channels >= DirectTile.tileChannels && o >= DirectTile.tileChannels
      && g.outH * g.outW >= 256
  }

  /// Whether `g` is a window this kernel computes: square, stride 2 or more, no dilation.
  public static func matches(_ g: ConvGeometry) -> Bool {
    g.kernelH == g.kernelW && g.stride >= 2 && g.dilation == 1 && g.padding < g.kernelH
  }

  /// The phase-plane geometry of one window.
  struct Plan {
    let s: Int
    let p: Int
    let h: Int
    let w: Int
    let outH: Int
    let outW: Int
    /// Phase plane size: `ceil((H + 2p) / s)` × `ceil((W + 2p) / s)`.
    let hp: Int
    let wp: Int
    /// Largest tap offset in phase rows (and columns): `(k − 1) / s`.
    let amax: Int
    /// Taps `(ky, kx)` of each phase `dy·s + dx`.
    let taps: [[(ky: Int, kx: Int)]]

    init(_ g: ConvGeometry) {
      s = g.stride
      p = g.padding
      h = g.height
      w = g.width
      outH = g.outH
      outW = g.outW
      hp = (g.height + 2 * g.padding + s - 1) / s
      wp = (g.width + 2 * g.padding + s - 1) / s
      amax = (g.kernelH - 1) / s
      var t = [[(ky: Int, kx: Int)]](repeating: [], count: s * s)
      for ky in 0..<g.kernelH {
        for kx in 0..<g.kernelW { t[(ky % s) * s + kx % s].append((ky, kx)) }
      }
      taps = t
    }
  }

  /// y (`[n, O, OH, OW]`) = conv(x (`[n, C, H, W]`), w (`[O, C, k, k]`)) + bias (`[O]`, if
  /// given) for geometry `g`; overwrites y.
  public static func forward(
    _ x: UnsafePointer<Float>, n: Int, _ g: ConvGeometry, _ weight: UnsafePointer<Float>,
    outChannels o: Int, bias: UnsafePointer<Float>? = nil, _ y: UnsafeMutablePointer<Float>
  ) {
    let pl = Plan(g)
    let c = g.channels
    let k = g.kernelH
    let s2 = pl.s * pl.s
    let o8 = (o + DirectTile.tileChannels - 1) / DirectTile.tileChannels * DirectTile.tileChannels
    let blocks = o8 / DirectTile.tileChannels
    // Tap offsets on the phase planes, phase after phase; one segment per phase.
    var offsets: [Int] = []
    var segments: [DirectTile.Segment] = []
    for ph in 0..<s2 {
      segments.append(
        DirectTile.Segment(
          start: ph * c, count: c, tapStart: offsets.count, tapCount: pl.taps[ph].count))
      for t in pl.taps[ph] { offsets.append((t.ky / pl.s) * pl.wp + t.kx / pl.s) }
    }
    // Weights `[O8/8][phase][C][tap][8]`, in the tile's reading order.
    let packedCount = o8 * c * k * k
    let packed = BufferPool.shared.take(packedCount)
    defer { BufferPool.shared.give(packed, packedCount) }
    let wr = c * k * k
    // Where each packed group of eight reads in a row of `w`, in packing order.
    var source: [Int] = []
    source.reserveCapacity(wr)
    for ph in 0..<s2 {
      for ch in 0..<c {
        for t in pl.taps[ph] { source.append((ch * k + t.ky) * k + t.kx) }
      }
    }
    source.withUnsafeBufferPointer { src in
      DirectTile.packRows(
        weight, rows: o, blocks: blocks, rowLength: wr, source: src.baseAddress, into: packed)
    }
    let rowsPerBand = DirectTile.bandRows(
      planes: s2 * c, rowLength: pl.wp, rows: pl.outH, images: n)
    let positions = DirectTile.roundUp(rowsPerBand * pl.wp)
    let plane = positions + pl.amax * pl.wp + pl.amax
    let planes = s2 * c
    offsets.withUnsafeBufferPointer { offs in
      segments.withUnsafeBufferPointer { segs in
        DirectTile.forEachBand(
          images: n, rows: pl.outH, rowsPerBand: rowsPerBand,
          scratchCount: planes * plane + o8 * positions
        ) { _, i, rows, _, scratch in
          let xp = scratch
          let ext = scratch + planes * plane
          fillPhases(
            x + i * c * g.height * g.width, channels: c, pl, rows: rows, plane: plane, into: xp)
          let used = rows.count * pl.wp
          for q0 in stride(from: 0, to: used, by: DirectTile.tileWidth) {
            for ob in 0..<blocks {
              DirectTile.tile(
                xp, plane: plane, segs, offs.baseAddress!,
                packed + ob * c * k * k * DirectTile.tileChannels,
                ext + ob * DirectTile.tileChannels * positions,
                ldy: positions, q0: q0)
            }
          }
          for oc in 0..<o {
            let src = ext + oc * positions
            let dst = y + ((i * o + oc) * pl.outH + rows.lowerBound) * pl.outW
            let b = bias?[oc] ?? 0
            for r in 0..<rows.count {
              DirectTile.copyRow(src + r * pl.wp, count: pl.outW, adding: b, to: dst + r * pl.outW)
            }
          }
        }
      }
    }
  }

  /// dx (`[n, C, H, W]`) for gy (`[n, O, OH, OW]`) and w (`[O, C, k, k]`); overwrites dx.
  ///
  /// The adjoint of ``forward`` (and the forward pass of the transposed convolution): phase
  /// plane `(dy, dx, c)` of dx at `(i, j)` sums `w[o][c][ky][kx] · gy[o][i − ky/s][j − kx/s]`
  /// over the taps of its phase, then the planes are interleaved into dx.
  public static func inputGrad(
    _ gy: UnsafePointer<Float>, n: Int, _ g: ConvGeometry, _ weight: UnsafePointer<Float>,
    outChannels o: Int, _ dx: UnsafeMutablePointer<Float>
  ) {
    let pl = Plan(g)
    let c = g.channels
    let k = g.kernelH
    let s2 = pl.s * pl.s
    let c8 = (c + DirectTile.tileChannels - 1) / DirectTile.tileChannels * DirectTile.tileChannels
    let blocks = c8 / DirectTile.tileChannels
    // gy is read on a grid padded by `amax` rows above and columns left: row length `wg`.
    let wg = pl.wp + pl.amax
    var offsets: [Int] = []
    var segments: [DirectTile.Segment] = []
    for ph in 0..<s2 {
      segments.append(
        DirectTile.Segment(start: 0, count: o, tapStart: offsets.count, tapCount: pl.taps[ph].count)
      )
      for t in pl.taps[ph] {
        offsets.append((pl.amax - t.ky / pl.s) * wg + pl.amax - t.kx / pl.s)
      }
    }
    // Weights `[phase][C8/8][O][tap][8]`.
    let packedCount = s2 * c8 * o * k * k
    let packed = BufferPool.shared.take(packedCount)
    defer { BufferPool.shared.give(packed, packedCount) }
    let tc = DirectTile.tileChannels
    var phaseWeights: [Int] = []
    var start = 0
    for ph in 0..<s2 {
      phaseWeights.append(start)
      start += blocks * o * pl.taps[ph].count * tc
    }
    // One unit per (phase, block of eight input channels), split over the threads.
    Parallel.chunks(s2 * blocks, costPerItem: o * k * k * tc / s2) { units in
      for u in units {
        let (ph, cb) = (u / blocks, u % blocks)
        let taps = pl.taps[ph]
        var q = packed + phaseWeights[ph] + cb * o * taps.count * tc
        let live = min(tc, c - cb * tc)
        for oc in 0..<o {
          for t in taps {
            let src = weight + (oc * c + cb * tc) * k * k + t.ky * k + t.kx
            for j in 0..<live { q[j] = src[j * k * k] }
            for j in live..<tc { q[j] = 0 }
            q += tc
          }
        }
      }
    }
    let rowsPerBand = DirectTile.bandRows(planes: o, rowLength: wg, rows: pl.hp, images: n)
    let positions = DirectTile.roundUp(rowsPerBand * wg)
    let plane = positions + pl.amax * wg + pl.amax
    let outPlanes = s2 * c8
    offsets.withUnsafeBufferPointer { offs in
      segments.withUnsafeBufferPointer { segs in
        DirectTile.forEachBand(
          images: n, rows: pl.hp, rowsPerBand: rowsPerBand,
          scratchCount: o * plane + outPlanes * positions
        ) { _, i, rows, _, scratch in
          let gp = scratch
          let ext = scratch + o * plane
          padGradient(
            gy + i * o * pl.outH * pl.outW, channels: o, pl, rows: rows, wg: wg,
            plane: plane, into: gp)
          let used = rows.count * wg
          for ph in 0..<s2 {
            let seg = UnsafeBufferPointer(rebasing: segs[ph...ph])
            let tapCount = pl.taps[ph].count
            for q0 in stride(from: 0, to: used, by: DirectTile.tileWidth) {
              for cb in 0..<blocks {
                DirectTile.tile(
                  gp, plane: plane, seg, offs.baseAddress!,
                  packed + phaseWeights[ph] + cb * o * tapCount * DirectTile.tileChannels,
                  ext + (ph * c8 + cb * DirectTile.tileChannels) * positions, ldy: positions, q0: q0
                )
              }
            }
          }
          // Interleave: dx[c][s·i + dy − p][s·j + dx − p] = plane (dy, dx, c) at (i, j).
          let image = dx + i * c * pl.h * pl.w
          for dy in 0..<pl.s {
            for ch in 0..<c {
              for (t, r) in rows.enumerated() {
                let yy = pl.s * r + dy - pl.p
                if yy < 0 || yy >= pl.h { continue }
                interleave(
                  ext + ((dy * pl.s) * c8 + ch) * positions + t * wg,
                  phaseStride: c8 * positions, pl,
                  into: image + (ch * pl.h + yy) * pl.w)
              }
            }
          }
        }
      }
    }
  }

  /// One row of dx from the `s` column phases of a phase row.
  ///
  /// `row[x] = phase ((x + p) mod s) at column (x + p) / s`, where phase `e` starts at
  /// `lines + e·phaseStride`. Stride 2 writes 32 columns at a time (two 16-lane loads,
  /// interleaved).
  @inline(__always)
  private static func interleave(
    _ lines: UnsafePointer<Float>, phaseStride: Int, _ pl: Plan,
    into row: UnsafeMutablePointer<Float>
  ) {
    var done = 0..<0
    if pl.s == 2 {
      // Column m of both phases lands at x = 2m − p and 2m − p + 1.
      var m = (pl.p + 1) / 2
      let first = 2 * m - pl.p
      while m + 16 <= pl.wp && 2 * m - pl.p + 31 < pl.w {
        var v = SIMD32<Float>()
        v.evenHalf = DirectTile.load(lines + m)
        v.oddHalf = DirectTile.load(lines + phaseStride + m)
        UnsafeMutableRawPointer(row + 2 * m - pl.p).storeBytes(of: v, as: SIMD32<Float>.self)
        m += 16
      }
      done = first..<max(first, 2 * m - pl.p)
    }
    for x in 0..<pl.w where !done.contains(x) {
      let e = (x + pl.p) % pl.s
      row[x] = lines[e * phaseStride + (x + pl.p) / pl.s]
    }
  }

  /// Whether the weight gradient of `g` takes this kernel.
  ///
  /// Every phase must hold exactly four taps (a 4×4 window at stride 2), and the input must be
  /// large: measured at one thread, 8→16 and 16→32 channels on 128² inputs run 1.4–2.3× faster
  /// than im2col + GEMM, while 32→64 on 64² is 1.3× and 64→128 on 32² 2.3× slower (the four
  /// tap sums per plane end in horizontal adds, which short rows do not amortize).
  public static func weightGradApplies(_ g: ConvGeometry, outChannels o: Int) -> Bool {
    applies(g, outChannels: o) && g.kernelH == 2 * g.stride && g.height * g.width >= 128 * 128
  }

  /// dw (`[O, C, k, k]`) = Σ over images and positions of gy · phase-plane taps; overwrites dw.
  ///
  /// For windows of `2s`×`2s` at stride `s` (four taps per phase). Per (image, band): the
  /// band's phase planes and its gy rows spread onto the phase grid (zero past each row's
  /// output width), then for each pair of output channels and each phase plane the four tap
  /// sums run in registers over all positions.
  public static func weightGrad(
    _ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, n: Int, _ g: ConvGeometry,
    outChannels o: Int, _ dw: UnsafeMutablePointer<Float>
  ) {
    let pl = Plan(g)
    let c = g.channels
    let k = g.kernelH
    let s2 = pl.s * pl.s
    precondition(pl.taps.allSatisfy { $0.count == 4 }, "PhaseConv.weightGrad needs 2s×2s windows")
    let rowsPerBand = DirectTile.bandRows(
      planes: s2 * c + o, rowLength: pl.wp, rows: pl.outH, images: n)
    let positions = DirectTile.roundUp(rowsPerBand * pl.wp)
    let plane = positions + pl.amax * pl.wp + pl.amax
    let taps = o * c * k * k
    let bands = (pl.outH + rowsPerBand - 1) / rowsPerBand
    let parts = Parallel.partCount(n * bands)
    let acc = BufferPool.shared.take(parts * taps)
    defer { BufferPool.shared.give(acc, parts * taps) }
    acc.initialize(repeating: 0, count: parts * taps)
    // Per phase: the four flat offsets and the matching positions in a `[k][k]` kernel.
    var offsets: [Int] = []
    var slots: [Int] = []
    for ph in 0..<s2 {
      for t in pl.taps[ph] {
        offsets.append((t.ky / pl.s) * pl.wp + t.kx / pl.s)
        slots.append(t.ky * k + t.kx)
      }
    }
    offsets.withUnsafeBufferPointer { offs in
      slots.withUnsafeBufferPointer { slot in
        DirectTile.forEachBand(
          images: n, rows: pl.outH, rowsPerBand: rowsPerBand,
          scratchCount: s2 * c * plane + o * positions
        ) { part, i, rows, _, scratch in
          let xp = scratch
          let gext = scratch + s2 * c * plane
          fillPhases(
            x + i * c * pl.h * pl.w, channels: c, pl, rows: rows, plane: plane, into: xp)
          for oc in 0..<o {
            let d = gext + oc * positions
            for (t, r) in rows.enumerated() {
              (d + t * pl.wp).update(
                from: gy + ((i * o + oc) * pl.outH + r) * pl.outW, count: pl.outW)
              (d + t * pl.wp + pl.outW).initialize(repeating: 0, count: pl.wp - pl.outW)
            }
            let end = rows.count * pl.wp
            (d + end).initialize(repeating: 0, count: positions - end)
          }
          let used = (rows.count * pl.wp + 15) / 16 * 16
          let target = acc + part * taps
          for o0 in stride(from: 0, to: o, by: 2) {
            let o1 = min(o0 + 1, o - 1)
            for ph in 0..<s2 {
              for ch in 0..<c {
                weightTile(
                  gext + o0 * positions, gext + o1 * positions, xp + (ph * c + ch) * plane,
                  offs.baseAddress! + 4 * ph, count: used,
                  target + (o0 * c + ch) * k * k, o1 == o0 ? nil : target + (o1 * c + ch) * k * k,
                  slots: slot.baseAddress! + 4 * ph)
              }
            }
          }
        }
      }
    }
    dw.update(from: acc, count: taps)
    ConvGemm.addParts(acc + taps, parts: parts - 1, count: taps, into: dw)
  }

  /// Adds `Σ_q g0[q]·x[q + offsets[t]]` into `out0[slots[t]]` (and with `g1` into `out1`) for
  /// four taps `t`, `q` in `0 ..< count` (a multiple of 16).
  @inline(__always)
  private static func weightTile(
    _ g0: UnsafePointer<Float>, _ g1: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
    _ offsets: UnsafePointer<Int>, count: Int, _ out0: UnsafeMutablePointer<Float>,
    _ out1: UnsafeMutablePointer<Float>?, slots: UnsafePointer<Int>
  ) {
    var a0 = DirectTile.Vector(), a1 = DirectTile.Vector(), a2 = DirectTile.Vector(),
      a3 = DirectTile.Vector()
    var b0 = DirectTile.Vector(), b1 = DirectTile.Vector(), b2 = DirectTile.Vector(),
      b3 = DirectTile.Vector()
    let (x0, x1, x2, x3) = (x + offsets[0], x + offsets[1], x + offsets[2], x + offsets[3])
    var q = 0
    while q < count {
      let u = DirectTile.load(g0 + q)
      let v = DirectTile.load(g1 + q)
      var s = DirectTile.load(x0 + q)
      a0.addProduct(u, s)
      b0.addProduct(v, s)
      s = DirectTile.load(x1 + q)
      a1.addProduct(u, s)
      b1.addProduct(v, s)
      s = DirectTile.load(x2 + q)
      a2.addProduct(u, s)
      b2.addProduct(v, s)
      s = DirectTile.load(x3 + q)
      a3.addProduct(u, s)
      b3.addProduct(v, s)
      q += 16
    }
    out0[slots[0]] += a0.sum()
    out0[slots[1]] += a1.sum()
    out0[slots[2]] += a2.sum()
    out0[slots[3]] += a3.sum()
    guard let out1 else { return }
    out1[slots[0]] += b0.sum()
    out1[slots[1]] += b1.sum()
    out1[slots[2]] += b2.sum()
    out1[slots[3]] += b3.sum()
  }

  /// Writes the phase planes of output rows `rows` (phase rows `rows.lowerBound ..<
  /// rows.upperBound + amax`) of one image, zero outside the image, each plane `plane` floats.
  private static func fillPhases(
    _ src: UnsafePointer<Float>, channels c: Int, _ pl: Plan, rows: Range<Int>, plane: Int,
    into dst: UnsafeMutablePointer<Float>
  ) {
    let rowsIn = rows.count + pl.amax
    for ph in 0..<(pl.s * pl.s) {
      let (dy, dx) = (ph / pl.s, ph % pl.s)
      for ch in 0..<c {
        let d = dst + (ph * c + ch) * plane
        for t in 0..<rowsIn {
          let yy = pl.s * (rows.lowerBound + t) + dy - pl.p
          let row = d + t * pl.wp
          if yy < 0 || yy >= pl.h {
            row.initialize(repeating: 0, count: pl.wp)
            continue
          }
          gatherColumns(
            src + (ch * pl.h + yy) * pl.w, width: pl.w, stride: pl.s, offset: dx - pl.p,
            into: row, count: pl.wp)
        }
        (d + rowsIn * pl.wp).initialize(repeating: 0, count: plane - rowsIn * pl.wp)
      }
    }
  }

  /// `row[j] = line[s·j + offset]` for `j` in `0 ..< count`, zero where that is outside
  /// `0 ..< width`; stride 2 takes 16 columns at a time (the even lanes of a 32-lane load).
  @inline(__always)
  private static func gatherColumns(
    _ line: UnsafePointer<Float>, width: Int, stride s: Int, offset: Int,
    into row: UnsafeMutablePointer<Float>, count: Int
  ) {
    // Valid j: 0 ≤ s·j + offset < width.
    let lo = min(count, max(0, (-offset + s - 1) / s))
    let hi = width - 1 - offset < 0 ? lo : max(lo, min(count, (width - 1 - offset) / s + 1))
    row.initialize(repeating: 0, count: lo)
    var j = lo
    if s == 2 {
      while j + 16 <= hi && 2 * j + offset + 31 < width {
        let v = UnsafeRawPointer(line + 2 * j + offset).loadUnaligned(as: SIMD32<Float>.self)
        UnsafeMutableRawPointer(row + j).storeBytes(of: v.evenHalf, as: SIMD16<Float>.self)
        j += 16
      }
    }
    while j < hi {
      row[j] = line[s * j + offset]
      j += 1
    }
    (row + hi).initialize(repeating: 0, count: count - hi)
  }

  /// Writes gy rows `rows.lowerBound − amax ..< rows.upperBound` of every channel on the grid
  /// of row length `wg` (columns shifted right by `amax`), zero outside gy.
  private static func padGradient(
    _ src: UnsafePointer<Float>, channels o: Int, _ pl: Plan, rows: Range<Int>, wg: Int,
    plane: Int, into dst: UnsafeMutablePointer<Float>
  ) {
    let rowsIn = rows.count + pl.amax
    for oc in 0..<o {
      let d = dst + oc * plane
      for t in 0..<rowsIn {
        let r = rows.lowerBound - pl.amax + t
        let row = d + t * wg
        row.initialize(repeating: 0, count: wg)
        if r >= 0 && r < pl.outH {
          (row + pl.amax).update(
            from: src + (oc * pl.outH + r) * pl.outW, count: min(pl.outW, wg - pl.amax))
        }
      }
      (d + rowsIn * wg).initialize(repeating: 0, count: plane - rowsIn * wg)
    }
  }
}
