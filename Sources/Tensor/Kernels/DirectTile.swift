// The register tile and band loop shared by the direct convolution kernels.

/// The register tile, band sizing and band loop of ``Conv3x3`` and ``PhaseConv``.
///
/// A tile holds 8 output channels × 32 positions in sixteen 16-lane accumulators and streams
/// input planes and their tap offsets through them; the planes are laid out with rows end to
/// end, so every tap is one flat offset. Work is cut into (image, band of rows) units whose
/// inputs stay in a core's cache, split over the threads in one parallel region.
enum DirectTile {
  /// Output positions per tile (two 16-lane vectors).
  static let tileWidth = 32
  /// Output channels per tile.
  static let tileChannels = 8

  /// Rounds up to whole tiles.
  static func roundUp(_ v: Int) -> Int { (v + tileWidth - 1) / tileWidth * tileWidth }

  /// Bytes of input per band (about a quarter of a core's L2).
  static let bandBytes = 512 * 1024

  /// Rows per band: the band's `planes` input planes of `rowLength` floats per row stay in a
  /// core's cache, and with fewer images than threads every thread gets a band of each image.
  static func bandRows(planes: Int, rowLength: Int, rows: Int, images n: Int) -> Int {
    let fit = bandBytes / (4 * planes * rowLength) - 2
    let share = n < Threads.count ? (rows + Threads.count - 1) / Threads.count : rows
    return max(1, min(rows, fit, share))
  }

  /// Runs `body(part, image, rows, group, scratch)` over (image, band of rows, group) units
  /// split over the threads in one parallel region; `scratch` holds `scratchCount` floats per
  /// part.
  static func forEachBand(
    images n: Int, rows: Int, rowsPerBand: Int, groups: Int = 1, scratchCount: Int,
    _ body: (
      _ part: Int, _ image: Int, _ rows: Range<Int>, _ group: Int,
      _ scratch: UnsafeMutablePointer<Float>
    ) -> Void
  ) {
    let bands = (rows + rowsPerBand - 1) / rowsPerBand
    Parallel.parts(n * bands * groups) { part, units in
      Scratch.with(scratchCount) { scratch in
        for u in units {
          let (i, b, g) = (u / (bands * groups), (u / groups) % bands, u % groups)
          body(part, i, (b * rowsPerBand)..<min(rows, (b + 1) * rowsPerBand), g, scratch)
        }
      }
    }
  }

  /// Copies `count` floats from `src` to `dst`, adding `bias` to each.
  @inline(__always)
  static func copyRow(
    _ src: UnsafePointer<Float>, count: Int, adding bias: Float, to dst: UnsafeMutablePointer<Float>
  ) {
    if bias == 0 {
      dst.update(from: src, count: count)
    } else {
      for j in 0..<count { dst[j] = src[j] + bias }
    }
  }

  /// Packs weights stored one row of `rowLength` per output channel (`[O, rowLength]`) as
  /// `[O8/8][rowLength][8]`, zero past `o`.
  ///
  /// Lane j of group e in block `ob` holds row `ob·8 + j` at `source[e]` (at e without
  /// `source`), so each block is the transpose of eight rows, read row by row. Blocks are
  /// split over the threads.
  static func packRows(
    _ weight: UnsafePointer<Float>, rows o: Int, blocks: Int, rowLength: Int,
    source: UnsafePointer<Int>? = nil, into packed: UnsafeMutablePointer<Float>
  ) {
    let tc = tileChannels
    Parallel.chunks(blocks, costPerItem: rowLength * tc) { range in
      for ob in range {
        let block = packed + ob * rowLength * tc
        for j in 0..<tc {
          let oc = ob * tc + j
          if oc >= o {
            for e in 0..<rowLength { block[e * tc + j] = 0 }
            continue
          }
          let row = weight + oc * rowLength
          if let source {
            for e in 0..<rowLength { block[e * tc + j] = row[source[e]] }
          } else {
            for e in 0..<rowLength { block[e * tc + j] = row[e] }
          }
        }
      }
    }
  }

  /// One run of input planes that share a tap list (`offsets[tapStart ..< tapStart + tapCount]`).
  struct Segment {
    var start: Int
    var count: Int
    var tapStart: Int
    var tapCount: Int
  }

  typealias Vector = SIMD16<Float>

  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }

  /// The planes of one segment through the tile's accumulators (`a` the first 16 positions,
  /// `b` the next 16, one of each per output channel); `taps` is the segment's tap count.
  @inline(__always)
  static func channels(
    _ x: UnsafePointer<Float>, plane: Int, _ seg: Segment, taps: Int,
    _ offsets: UnsafePointer<Int>, _ wq: inout UnsafePointer<Float>, q0: Int,
    _ a0: inout Vector, _ a1: inout Vector, _ a2: inout Vector, _ a3: inout Vector,
    _ a4: inout Vector, _ a5: inout Vector, _ a6: inout Vector, _ a7: inout Vector,
    _ b0: inout Vector, _ b1: inout Vector, _ b2: inout Vector, _ b3: inout Vector,
    _ b4: inout Vector, _ b5: inout Vector, _ b6: inout Vector, _ b7: inout Vector
  ) {
    let offs = offsets + seg.tapStart
    for ch in seg.start..<(seg.start + seg.count) {
      let xc = x + ch * plane + q0
      for t in 0..<taps {
        let xr = xc + offs[t]
        let x0 = load(xr)
        let x1 = load(xr + 16)
        var s = Vector(repeating: wq[0])
        a0.addProduct(x0, s)
        b0.addProduct(x1, s)
        s = Vector(repeating: wq[1])
        a1.addProduct(x0, s)
        b1.addProduct(x1, s)
        s = Vector(repeating: wq[2])
        a2.addProduct(x0, s)
        b2.addProduct(x1, s)
        s = Vector(repeating: wq[3])
        a3.addProduct(x0, s)
        b3.addProduct(x1, s)
        s = Vector(repeating: wq[4])
        a4.addProduct(x0, s)
        b4.addProduct(x1, s)
        s = Vector(repeating: wq[5])
        a5.addProduct(x0, s)
        b5.addProduct(x1, s)
        s = Vector(repeating: wq[6])
        a6.addProduct(x0, s)
        b6.addProduct(x1, s)
        s = Vector(repeating: wq[7])
        a7.addProduct(x0, s)
        b7.addProduct(x1, s)
        wq += 8
      }
    }
  }

  /// One tile: `y[j][q0 ..< q0+32]` for 8 output channels, summing, for every segment, its
  /// planes of `x` read at each of its tap offsets; weights `[plane][tap][8]` in that order.
  @inline(__always)
  static func tile(
    _ x: UnsafePointer<Float>, plane: Int, _ segments: UnsafeBufferPointer<Segment>,
    _ offsets: UnsafePointer<Int>, _ weights: UnsafePointer<Float>,
    _ y: UnsafeMutablePointer<Float>, ldy: Int, q0: Int
  ) {
    var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
    var a4 = Vector(), a5 = Vector(), a6 = Vector(), a7 = Vector()
    var b0 = Vector(), b1 = Vector(), b2 = Vector(), b3 = Vector()
    var b4 = Vector(), b5 = Vector(), b6 = Vector(), b7 = Vector()
    var wq = weights
    for seg in segments {
      // Constant tap counts let the compiler unroll the tap loop (2×2 phase windows, 3×3).
      switch seg.tapCount {
      case 4:
        channels(
          x, plane: plane, seg, taps: 4, offsets, &wq, q0: q0, &a0, &a1, &a2, &a3, &a4, &a5, &a6,
          &a7, &b0, &b1, &b2, &b3, &b4, &b5, &b6, &b7)
      case 9:
        channels(
          x, plane: plane, seg, taps: 9, offsets, &wq, q0: q0, &a0, &a1, &a2, &a3, &a4, &a5, &a6,
          &a7, &b0, &b1, &b2, &b3, &b4, &b5, &b6, &b7)
      default:
        channels(
          x, plane: plane, seg, taps: seg.tapCount, offsets, &wq, q0: q0, &a0, &a1, &a2, &a3, &a4,
          &a5, &a6, &a7, &b0, &b1, &b2, &b3, &b4, &b5, &b6, &b7)
      }
    }
    let yq = y + q0
    store(a0, yq)
    store(b0, yq + 16)
    store(a1, yq + ldy)
    store(b1, yq + ldy + 16)
    store(a2, yq + 2 * ldy)
    store(b2, yq + 2 * ldy + 16)
    store(a3, yq + 3 * ldy)
    store(b3, yq + 3 * ldy + 16)
    store(a4, yq + 4 * ldy)
    store(b4, yq + 4 * ldy + 16)
    store(a5, yq + 5 * ldy)
    store(b5, yq + 5 * ldy + 16)
    store(a6, yq + 6 * ldy)
    store(b6, yq + 6 * ldy + 16)
    store(a7, yq + 7 * ldy)
    store(b7, yq + 7 * ldy + 16)
  }
}
