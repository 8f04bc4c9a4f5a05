// Direct convolution for layers with very few output channels (RGB heads).

/// Stride-1 convolution computed without an im2col matrix.
///
/// For a 7×7 head from 32 channels to RGB at 128², the column matrix of im2col is 100 MB and the
/// GEMM has only three rows, so it is memory bound; these loops instead run row-wise
/// multiply-adds over cache-resident rows. Used when the output has at most
/// ``maxOutputChannels`` channels, the stride and dilation are 1 and the kernel is large.
public enum DirectConv {
  /// The largest output-channel count routed here.
  public static let maxOutputChannels = 4

  /// True when the direct path is the better choice for this geometry.
  public static func applies(_ g: ConvGeometry, outChannels: Int) -> Bool {
    outChannels <= maxOutputChannels && g.stride == 1 && g.dilation == 1 && g.colRows >= 64
  }

  /// y (`[O, OH, OW]`) = conv(x (`[C, H, W]`), w (`[O, C, kh, kw]`)); overwrites y.
  @inline(never)
  public static func forward(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, _ w: UnsafePointer<Float>, outChannels: Int,
    _ y: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (g.outH, g.outW)
    let ranges = (0..<g.kernelW).map { g.validX($0) }
    y.initialize(repeating: 0, count: outChannels * oh * ow)
    for o in 0..<outChannels {
      for oy in 0..<oh {
        let yrow = y + (o * oh + oy) * ow
        for c in 0..<g.channels {
          for ky in 0..<g.kernelH {
            let iy = oy + ky - g.padding
            if iy < 0 || iy >= g.height { continue }
            let xrow = x + (c * g.height + iy) * g.width
            let wrow = w + ((o * g.channels + c) * g.kernelH + ky) * g.kernelW
            for kx in 0..<g.kernelW {
              let (lo, hi) = ranges[kx]
              let wv = wrow[kx]
              let src = xrow + (kx - g.padding)
              for ox in lo..<hi { yrow[ox] += wv * src[ox] }
            }
          }
        }
      }
    }
  }

  /// dx (`[C, H, W]`) += the input gradient for output gradient gy (`[O, OH, OW]`).
  @inline(never)
  public static func inputGrad(
    _ gy: UnsafePointer<Float>, _ g: ConvGeometry, _ w: UnsafePointer<Float>, outChannels: Int,
    _ dx: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (g.outH, g.outW)
    let ranges = (0..<g.kernelW).map { g.validX($0) }
    for o in 0..<outChannels {
      for oy in 0..<oh {
        let grow = gy + (o * oh + oy) * ow
        for c in 0..<g.channels {
          for ky in 0..<g.kernelH {
            let iy = oy + ky - g.padding
            if iy < 0 || iy >= g.height { continue }
            let drow = dx + (c * g.height + iy) * g.width
            let wrow = w + ((o * g.channels + c) * g.kernelH + ky) * g.kernelW
            for kx in 0..<g.kernelW {
              let (lo, hi) = ranges[kx]
              let wv = wrow[kx]
              let dst = drow + (kx - g.padding)
              for ox in lo..<hi { dst[ox] += wv * grow[ox] }
            }
          }
        }
      }
    }
  }

  /// dw (`[O, C, kh, kw]`) += the weight gradient for input x and output gradient gy.
  @inline(never)
  public static func weightGrad(
    _ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, _ g: ConvGeometry, outChannels: Int,
    _ dw: UnsafeMutablePointer<Float>
  ) {
    let (oh, ow) = (g.outH, g.outW)
    let ranges = (0..<g.kernelW).map { g.validX($0) }
    for o in 0..<outChannels {
      for c in 0..<g.channels {
        for ky in 0..<g.kernelH {
          for kx in 0..<g.kernelW {
            let (lo, hi) = ranges[kx]
            var acc = SIMD8<Float>()
            var tail: Float = 0
            for oy in 0..<oh {
              let iy = oy + ky - g.padding
              if iy < 0 || iy >= g.height { continue }
              let grow = gy + (o * oh + oy) * ow
              let src = x + (c * g.height + iy) * g.width + (kx - g.padding)
              var ox = lo
              while ox + 8 <= hi {
                let a = UnsafeRawPointer(grow + ox).loadUnaligned(as: SIMD8<Float>.self)
                let b = UnsafeRawPointer(src + ox).loadUnaligned(as: SIMD8<Float>.self)
                acc.addProduct(a, b)
                ox += 8
              }
              while ox < hi {
                tail += grow[ox] * src[ox]
                ox += 1
              }
            }
            dw[((o * g.channels + c) * g.kernelH + ky) * g.kernelW + kx] += acc.sum() + tail
          }
        }
      }
    }
  }
}
