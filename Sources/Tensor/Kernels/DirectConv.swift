// Direct convolution for layers with very few output channels (RGB heads).

/// Stride-1 convolution computed without an im2col matrix.
///
/// For a 7×7 head from 32 channels to RGB at 128², the column matrix of im2col is 100 MB and the
/// GEMM has only three rows, so it is memory bound; these loops instead run row-wise
/// multiply-adds over cache-resident rows. Used when the output has at most
/// ``maxOutputChannels`` channels, the stride and dilation are 1 and the kernel is large.
public enum DirectConv {
  /// The vector of the forward and input-gradient loops: 16 lanes on AVX-512 builds, else 8.
  #if VISAGE_AVX512
    typealias Lane = SIMD16<Float>
  #else
    typealias Lane = SIMD8<Float>
  #endif
  /// Output columns per block (two vectors).
  static let span = 2 * Lane.scalarCount
  /// Bytes of one vector.
  static let laneBytes = 4 * Lane.scalarCount

  /// The largest output-channel count routed here.
  public static let maxOutputChannels = 4

  /// True when the direct path is the better choice for this geometry.
  public static func applies(_ g: ConvGeometry, outChannels: Int) -> Bool {
    outChannels <= maxOutputChannels && g.stride == 1 && g.dilation == 1 && g.colRows >= 64
  }

  /// y (`[O, OH, OW]`) = conv(x (`[C, H, W]`), w (`[O, C, kh, kw]`)); overwrites y.
  ///
  /// The input is first copied into rows padded with zeros on both sides, so every kernel tap
  /// reads a full vector without bounds checks. Each block of `span` output columns keeps the
  /// partial sums of every output channel in registers for the whole reduction over channels
  /// and taps: one load of input per tap feeds all output channels, and each output value is
  /// stored once (the row-wise loop before this loaded and stored the output at every tap).
  ///
  /// `outputRows` limits the work to a band of output rows (only the input rows it reads are
  /// copied), so that several threads can share one image.
  @inline(never)
  public static func forward(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, _ w: UnsafePointer<Float>, outChannels: Int,
    _ y: UnsafeMutablePointer<Float>, outputRows: Range<Int>? = nil
  ) {
    requireGeometry(g, outChannels: outChannels)
    let (oh, ow) = (g.outH, g.outW)
    let (cc, h, kh, kw, pad) = (g.channels, g.height, g.kernelH, g.kernelW, g.padding)
    let pw = g.width + 2 * pad
    let blocks = ow / span
    let band = outputRows ?? 0..<oh
    if band.isEmpty { return }
    // Input rows the band reads, clipped to the image.
    let rowLo = max(0, band.lowerBound - pad)
    let rowHi = min(h, band.upperBound - 1 - pad + kh)
    Scratch.with(cc * h * pw) { xp in
      if rowLo < rowHi {
        for c in 0..<cc {
          padRows(
            x + (c * h + rowLo) * g.width, count: rowHi - rowLo, width: g.width, shift: pad,
            into: xp + (c * h + rowLo) * pw, pitch: pw)
        }
      }
      // Taps per output channel, and where output channel o's weights start.
      let taps = cc * kh * kw
      let o1 = min(1, outChannels - 1) * taps
      let o2 = min(2, outChannels - 1) * taps
      let o3 = min(3, outChannels - 1) * taps
      for oy in band {
        let kyLo = max(0, pad - oy)
        let kyHi = max(kyLo, min(kh, h + pad - oy))
        for blk in 0..<blocks {
          let ox = blk * span
          var a0 = Lane(), b0 = Lane(), a1 = Lane(), b1 = Lane()
          var a2 = Lane(), b2 = Lane(), a3 = Lane(), b3 = Lane()
          for c in 0..<cc {
            for ky in kyLo..<kyHi {
              let row = UnsafeRawPointer(xp + (c * h + oy + ky - pad) * pw + ox)
              let wk = w + (c * kh + ky) * kw
              for kx in 0..<kw {
                let v0 = row.loadUnaligned(fromByteOffset: kx * 4, as: Lane.self)
                let v1 = row.loadUnaligned(fromByteOffset: kx * 4 + laneBytes, as: Lane.self)
                let w0 = Lane(repeating: wk[kx])
                a0.addProduct(w0, v0)
                b0.addProduct(w0, v1)
                if outChannels > 1 {
                  let w1 = Lane(repeating: wk[o1 + kx])
                  a1.addProduct(w1, v0)
                  b1.addProduct(w1, v1)
                }
                if outChannels > 2 {
                  let w2 = Lane(repeating: wk[o2 + kx])
                  a2.addProduct(w2, v0)
                  b2.addProduct(w2, v1)
                }
                if outChannels > 3 {
                  let w3 = Lane(repeating: wk[o3 + kx])
                  a3.addProduct(w3, v0)
                  b3.addProduct(w3, v1)
                }
              }
            }
          }
          func store(_ o: Int, _ lo: Lane, _ hi: Lane) {
            let dst = UnsafeMutableRawPointer(y + (o * oh + oy) * ow + ox)
            dst.storeBytes(of: lo, as: Lane.self)
            dst.storeBytes(of: hi, toByteOffset: laneBytes, as: Lane.self)
          }
          store(0, a0, b0)
          if outChannels > 1 { store(1, a1, b1) }
          if outChannels > 2 { store(2, a2, b2) }
          if outChannels > 3 { store(3, a3, b3) }
        }
        // Columns after the last whole block.
        for o in 0..<outChannels {
          let yrow = y + (o * oh + oy) * ow
          for ox in (blocks * span)..<ow {
            var sum: Float = 0
            for c in 0..<cc {
              for ky in kyLo..<kyHi {
                let row = xp + (c * h + oy + ky - pad) * pw + ox
                let wk = w + ((o * cc + c) * kh + ky) * kw
                for kx in 0..<kw { sum += wk[kx] * row[kx] }
              }
            }
            yrow[ox] = sum
          }
        }
      }
    }
  }

  /// dx (`[C, H, W]`) += the input gradient for output gradient gy (`[O, OH, OW]`).
  ///
  /// The transposed counterpart of ``forward(_:_:_:outChannels:_:)``: gy rows are padded so
  /// that dx[ix] = Σ w[kx] · gyPadded[ix + kw − 1 − kx] reads whole vectors, and each block of
  /// `span` input columns of up to four input channels keeps its sums in registers over all output
  /// channels and taps (one gy load feeds four channels).
  @inline(never)
  public static func inputGrad(
    _ gy: UnsafePointer<Float>, _ g: ConvGeometry, _ w: UnsafePointer<Float>, outChannels: Int,
    _ dx: UnsafeMutablePointer<Float>
  ) {
    requireGeometry(g, outChannels: outChannels)
    let (oh, ow) = (g.outH, g.outW)
    let (cc, h, wd, kh, kw, pad) = (g.channels, g.height, g.width, g.kernelH, g.kernelW, g.padding)
    // Padded row j holds gy[j − left] (zero outside [0, OW)); reads span j ∈ [0, W + kw − 1).
    let left = kw - 1 - pad
    let pw = wd + kw - 1
    let blocks = wd / span
    Scratch.with(outChannels * oh * pw) { gp in
      padRows(gy, count: outChannels * oh, width: ow, shift: left, into: gp, pitch: pw)
      let taps = kh * kw
      for iy in 0..<h {
        // Output rows oy = iy − ky + pad within [0, OH).
        let kyLo = max(0, iy + pad - oh + 1)
        let kyHi = max(kyLo, min(kh, iy + pad + 1))
        var c0 = 0
        while c0 < cc {
          let group = min(4, cc - c0)
          // Weight offsets of the group's channels (repeats of the last when fewer than 4).
          let s1 = min(1, group - 1) * taps
          let s2 = min(2, group - 1) * taps
          let s3 = min(3, group - 1) * taps
          for blk in 0..<blocks {
            let ix = blk * span
            var a0 = Lane(), b0 = Lane(), a1 = Lane(), b1 = Lane()
            var a2 = Lane(), b2 = Lane(), a3 = Lane(), b3 = Lane()
            for o in 0..<outChannels {
              let wo = w + (o * cc + c0) * taps
              for ky in kyLo..<kyHi {
                let row = UnsafeRawPointer(gp + (o * oh + iy - ky + pad) * pw + ix + kw - 1)
                let wk = wo + ky * kw
                for kx in 0..<kw {
                  let v0 = row.loadUnaligned(fromByteOffset: -kx * 4, as: Lane.self)
                  let v1 = row.loadUnaligned(fromByteOffset: laneBytes - kx * 4, as: Lane.self)
                  let w0 = Lane(repeating: wk[kx])
                  a0.addProduct(w0, v0)
                  b0.addProduct(w0, v1)
                  if group > 1 {
                    let w1 = Lane(repeating: wk[s1 + kx])
                    a1.addProduct(w1, v0)
                    b1.addProduct(w1, v1)
                  }
                  if group > 2 {
                    let w2 = Lane(repeating: wk[s2 + kx])
                    a2.addProduct(w2, v0)
                    b2.addProduct(w2, v1)
                  }
                  if group > 3 {
                    let w3 = Lane(repeating: wk[s3 + kx])
                    a3.addProduct(w3, v0)
                    b3.addProduct(w3, v1)
                  }
                }
              }
            }
            func add(_ c: Int, _ lo: Lane, _ hi: Lane) {
              let p = UnsafeMutableRawPointer(dx + ((c0 + c) * h + iy) * wd + ix)
              p.storeBytes(of: p.loadUnaligned(as: Lane.self) + lo, as: Lane.self)
              p.storeBytes(
                of: p.loadUnaligned(fromByteOffset: laneBytes, as: Lane.self) + hi,
                toByteOffset: laneBytes, as: Lane.self)
            }
            add(0, a0, b0)
            if group > 1 { add(1, a1, b1) }
            if group > 2 { add(2, a2, b2) }
            if group > 3 { add(3, a3, b3) }
          }
          c0 += group
        }
        // Columns after the last whole block.
        for c in 0..<cc {
          let drow = dx + (c * h + iy) * wd
          for ix in (blocks * span)..<wd {
            var sum: Float = 0
            for o in 0..<outChannels {
              for ky in kyLo..<kyHi {
                let row = gp + (o * oh + iy - ky + pad) * pw + ix + kw - 1
                let wk = w + ((o * cc + c) * kh + ky) * kw
                for kx in 0..<kw { sum += wk[kx] * row[-kx] }
              }
            }
            drow[ix] += sum
          }
        }
      }
    }
  }

  /// dw (`[O, C, kh, kw]`) += the weight gradient for input x and output gradient gy.
  ///
  /// Input rows are padded as in ``forward(_:_:_:outChannels:_:)``. For each input channel and
  /// kernel row, groups of up to three taps keep one vector sum per (output channel, tap) in
  /// registers while the loop runs over all output rows and columns, so each loaded vector of
  /// gy or x feeds up to three or four products instead of one.
  @inline(never)
  public static func weightGrad(
    _ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ g: ConvGeometry, outChannels: Int,
    _ dw: UnsafeMutablePointer<Float>
  ) {
    requireGeometry(g, outChannels: outChannels)
    let (oh, ow) = (g.outH, g.outW)
    let (cc, h, kh, kw, pad) = (g.channels, g.height, g.kernelH, g.kernelW, g.padding)
    let pw = g.width + 2 * pad
    let chunks = ow / 8
    let on = outChannels
    Scratch.with(cc * h * pw) { xp in
      padRows(x, count: cc * h, width: g.width, shift: pad, into: xp, pitch: pw)
      for c in 0..<cc {
        for ky in 0..<kh {
          let oyLo = max(0, pad - ky)
          let oyHi = max(oyLo, min(oh, h + pad - ky))
          var kx0 = 0
          while kx0 < kw {
            let taps = min(3, kw - kx0)
            var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s02 = SIMD8<Float>()
            var s10 = SIMD8<Float>(), s11 = SIMD8<Float>(), s12 = SIMD8<Float>()
            var s20 = SIMD8<Float>(), s21 = SIMD8<Float>(), s22 = SIMD8<Float>()
            var s30 = SIMD8<Float>(), s31 = SIMD8<Float>(), s32 = SIMD8<Float>()
            for oy in oyLo..<oyHi {
              let xr = UnsafeRawPointer(xp + (c * h + oy + ky - pad) * pw + kx0)
              let g0 = UnsafeRawPointer(gy + oy * ow)
              let g1 = UnsafeRawPointer(gy + (min(1, on - 1) * oh + oy) * ow)
              let g2 = UnsafeRawPointer(gy + (min(2, on - 1) * oh + oy) * ow)
              let g3 = UnsafeRawPointer(gy + (min(3, on - 1) * oh + oy) * ow)
              for q in 0..<chunks {
                let off = q * 32
                let x0 = xr.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                let x1 =
                  taps > 1
                  ? xr.loadUnaligned(fromByteOffset: off + 4, as: SIMD8<Float>.self) : x0
                let x2 =
                  taps > 2
                  ? xr.loadUnaligned(fromByteOffset: off + 8, as: SIMD8<Float>.self) : x0
                let y0 = g0.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                s00.addProduct(y0, x0)
                s01.addProduct(y0, x1)
                s02.addProduct(y0, x2)
                if on > 1 {
                  let y1 = g1.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                  s10.addProduct(y1, x0)
                  s11.addProduct(y1, x1)
                  s12.addProduct(y1, x2)
                }
                if on > 2 {
                  let y2 = g2.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                  s20.addProduct(y2, x0)
                  s21.addProduct(y2, x1)
                  s22.addProduct(y2, x2)
                }
                if on > 3 {
                  let y3 = g3.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
                  s30.addProduct(y3, x0)
                  s31.addProduct(y3, x1)
                  s32.addProduct(y3, x2)
                }
              }
            }
            func add(_ o: Int, _ t0: SIMD8<Float>, _ t1: SIMD8<Float>, _ t2: SIMD8<Float>) {
              let d = dw + ((o * cc + c) * kh + ky) * kw + kx0
              d[0] += t0.sum()
              if taps > 1 { d[1] += t1.sum() }
              if taps > 2 { d[2] += t2.sum() }
            }
            add(0, s00, s01, s02)
            if on > 1 { add(1, s10, s11, s12) }
            if on > 2 { add(2, s20, s21, s22) }
            if on > 3 { add(3, s30, s31, s32) }
            kx0 += taps
          }
          // Columns after the last whole chunk.
          if chunks * 8 < ow {
            for o in 0..<on {
              for kx in 0..<kw {
                var sum: Float = 0
                for oy in oyLo..<oyHi {
                  let xr = xp + (c * h + oy + ky - pad) * pw + kx
                  let gr = gy + (o * oh + oy) * ow
                  for ox in (chunks * 8)..<ow { sum += gr[ox] * xr[ox] }
                }
                dw[((o * cc + c) * kh + ky) * kw + kx] += sum
              }
            }
          }
        }
      }
    }
  }

  private static func requireGeometry(_ g: ConvGeometry, outChannels: Int) {
    precondition(
      g.stride == 1 && g.dilation == 1 && outChannels <= maxOutputChannels,
      "DirectConv needs stride 1, dilation 1 and at most \(maxOutputChannels) outputs")
  }

  /// Copies `count` rows of `width` floats from `src` into rows of `pitch` floats at `dst`, row
  /// element i landing at column i + `shift` (which may be negative); columns outside are zero.
  private static func padRows(
    _ src: UnsafePointer<Float>, count: Int, width: Int, shift: Int,
    into dst: UnsafeMutablePointer<Float>, pitch: Int
  ) {
    let lo = max(0, shift)
    let hi = max(lo, min(pitch, shift + width))
    for r in 0..<count {
      let row = dst + r * pitch
      row.initialize(repeating: 0, count: lo)
      row.advanced(by: lo).update(from: src + r * width + lo - shift, count: hi - lo)
      row.advanced(by: hi).initialize(repeating: 0, count: pitch - hi)
    }
  }
}
