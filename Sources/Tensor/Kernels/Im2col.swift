// im2col and its exact adjoint col2im for one CHW image.

/// Geometry of a 2-D convolution window over one image.
public struct ConvGeometry: Sendable, Equatable {
  public var channels: Int
  public var height: Int
  public var width: Int
  public var kernelH: Int
  public var kernelW: Int
  public var stride: Int
  public var padding: Int
  public var dilation: Int

  public init(
    channels: Int, height: Int, width: Int, kernelH: Int, kernelW: Int, stride: Int = 1,
    padding: Int = 0, dilation: Int = 1
  ) {
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelH = kernelH
    self.kernelW = kernelW
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
  }

  /// Output height: `(H + 2p - d(kh-1) - 1) / s + 1`.
  public var outH: Int {
    Shape.convOutput(height, kernel: kernelH, stride: stride, padding: padding, dilation: dilation)
  }
  /// Output width.
  public var outW: Int {
    Shape.convOutput(width, kernel: kernelW, stride: stride, padding: padding, dilation: dilation)
  }
  /// Rows of the column matrix: C·kh·kw.
  public var colRows: Int { channels * kernelH * kernelW }
  /// Columns of the column matrix: OH·OW.
  public var colCols: Int { outH * outW }
  /// True when the column matrix is the image itself (1×1, stride 1, no padding).
  public var isIdentity: Bool {
    kernelH == 1 && kernelW == 1 && stride == 1 && padding == 0
  }

  /// The valid output-x range `[lo, hi)` for kernel column offset `kx`.
  @inline(__always)
  func validX(_ kx: Int) -> (Int, Int) {
    let off = kx * dilation - padding
    // ix = ox*s + off must satisfy 0 <= ix < W.
    var lo = off >= 0 ? 0 : (-off + stride - 1) / stride
    var hi = width - off <= 0 ? 0 : (width - off + stride - 1) / stride
    lo = min(lo, outW)
    hi = min(max(hi, lo), outW)
    return (lo, hi)
  }
}

/// Column transforms for convolution as GEMM.
public enum Im2col {
  /// Writes the `[C·kh·kw, OH·OW]` column matrix of image `x` (`[C, H, W]`) into `cols`.
  ///
  /// Each row is (c, ky, kx); each column an output position. Padding reads as zero.
  /// `rowPitch` (default: the columns written) lets several images share one matrix side by
  /// side. `outputRows` limits the columns to those output rows (a band of the matrix, for
  /// tiling). Stride 1 rows are contiguous runs copied at once.
  @inline(never)
  public static func im2col(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, _ cols: UnsafeMutablePointer<Float>,
    rowPitch: Int? = nil, outputRows: Range<Int>? = nil
  ) {
    let oh = g.outH
    let ow = g.outW
    let band = outputRows ?? 0..<oh
    precondition(band.lowerBound >= 0 && band.upperBound <= oh, "output rows out of range")
    let pitch = rowPitch ?? band.count * ow
    let hw = g.height * g.width
    let taps = g.kernelH * g.kernelW
    // Channels fill disjoint row blocks, so they split over threads.
    Parallel.chunks(g.channels, costPerItem: taps * band.count * ow) { channels in
      for c in channels {
        im2colChannel(x + c * hw, g, cols + c * taps * pitch, pitch: pitch, band: band)
      }
    }
  }

  /// Writes one channel's `kh·kw` column rows, starting at `rows`, from its `[H, W]` plane,
  /// for the output rows `band`.
  private static func im2colChannel(
    _ plane: UnsafePointer<Float>, _ g: ConvGeometry,
    _ rows: UnsafeMutablePointer<Float>, pitch: Int, band: Range<Int>
  ) {
    let ow = g.outW
    var row = 0
    for ky in 0..<g.kernelH {
      for kx in 0..<g.kernelW {
        let dst = rows + row * pitch
        let (lo, hi) = g.validX(kx)
        let xoff = kx * g.dilation - g.padding
        for oy in band {
          let iy = oy * g.stride - g.padding + ky * g.dilation
          let d = dst + (oy - band.lowerBound) * ow
          if iy < 0 || iy >= g.height || hi <= lo {
            d.initialize(repeating: 0, count: ow)
            continue
          }
          if lo > 0 { d.initialize(repeating: 0, count: lo) }
          let src = plane + iy * g.width + xoff
          if g.stride == 1 {
            (d + lo).initialize(from: src + lo, count: hi - lo)
          } else {
            let s = g.stride
            for ox in lo..<hi { d[ox] = src[ox * s] }
          }
          if hi < ow { (d + hi).initialize(repeating: 0, count: ow - hi) }
        }
        row += 1
      }
    }
  }

  /// Adds the column matrix `cols` back into image `x` (`[C, H, W]`): the adjoint of ``im2col``.
  ///
  /// `rowPitch` and `outputRows` mean what they mean for ``im2col``: a band of the matrix adds
  /// its share, and the bands together add the whole.
  @inline(never)
  public static func col2im(
    _ cols: UnsafePointer<Float>, _ g: ConvGeometry, _ x: UnsafeMutablePointer<Float>,
    rowPitch: Int? = nil, outputRows: Range<Int>? = nil
  ) {
    let band = outputRows ?? 0..<g.outH
    precondition(band.lowerBound >= 0 && band.upperBound <= g.outH, "output rows out of range")
    let pitch = rowPitch ?? band.count * g.outW
    let hw = g.height * g.width
    let taps = g.kernelH * g.kernelW
    // Channels add into disjoint planes, so they split over threads.
    Parallel.chunks(g.channels, costPerItem: taps * band.count * g.outW) { channels in
      for c in channels {
        col2imChannel(cols + c * taps * pitch, g, x + c * hw, pitch: pitch, band: band)
      }
    }
  }

  /// Adds the `kh·kw` rows starting at `rows` into one channel's `[H, W]` plane, for the
  /// output rows `band`.
  private static func col2imChannel(
    _ rows: UnsafePointer<Float>, _ g: ConvGeometry, _ plane: UnsafeMutablePointer<Float>,
    pitch: Int, band: Range<Int>
  ) {
    let ow = g.outW
    var row = 0
    for ky in 0..<g.kernelH {
      for kx in 0..<g.kernelW {
        let srcRow = rows + row * pitch
        let (lo, hi) = g.validX(kx)
        let xoff = kx * g.dilation - g.padding
        if hi > lo {
          for oy in band {
            let iy = oy * g.stride - g.padding + ky * g.dilation
            if iy < 0 || iy >= g.height { continue }
            let s = srcRow + (oy - band.lowerBound) * ow
            let d = plane + iy * g.width + xoff
            if g.stride == 1 {
              for ox in lo..<hi { d[ox] += s[ox] }
            } else {
              let st = g.stride
              for ox in lo..<hi { d[ox * st] += s[ox] }
            }
          }
        }
        row += 1
      }
    }
  }
}
