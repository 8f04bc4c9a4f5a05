// 2-D convolution and transposed convolution as im2col + GEMM, with their exact adjoints.

/// Stride, padding and dilation of a 2-D convolution (square, the same on both axes).
public struct Conv2dOptions: Sendable, Equatable {
  public var stride: Int
  public var padding: Int
  public var dilation: Int
  public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1) {
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
  }
}

extension Tensor {
  static func geometry(_ input: [Int], _ weight: [Int], _ o: Conv2dOptions) -> ConvGeometry {
    ConvGeometry(
      channels: input[1], height: input[2], width: input[3], kernelH: weight[2],
      kernelW: weight[3], stride: o.stride, padding: o.padding, dilation: o.dilation)
  }

  /// Cross-correlation of `x` (`[N, C, H, W]`) with `weight` (`[O, C, kh, kw]`), plus `bias` (`[O]`).
  ///
  /// Output: `[N, O, OH, OW]` with `OH = (H + 2p - d(kh-1) - 1) / s + 1`. Twice differentiable.
  public static func conv2d(
    _ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, options o: Conv2dOptions = .init()
  ) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4, "conv2d needs NCHW input and OIHW weight")
    precondition(
      x.shape[1] == weight.shape[1],
      "conv2d: input has \(x.shape[1]) channels, weight expects \(weight.shape[1])")
    let g = geometry(x.shape, weight.shape, o)
    let n = x.shape[0]
    let outC = weight.shape[0]
    let oh = g.outH
    let ow = g.outW
    precondition(
      oh > 0 && ow > 0, "conv2d: empty output for input \(x.shape), kernel \(weight.shape)")
    let direct = DirectConv.applies(g, outChannels: outC)
    let r = Tensor(shape: [n, outC, oh, ow]) { out in
      let y = out.baseAddress!
      let inSize = g.channels * g.height * g.width
      let outSize = outC * oh * ow
      // Every kernel adds the bias to its own piece of the output, while it is in cache.
      let b = bias?.storage.base
      if direct {
        // Whole images per thread, or bands of rows when there are fewer images than threads.
        let bands = n >= Threads.count ? 1 : min(oh, Threads.count)
        func run(_ units: Range<Int>) {
          for u in units {
            let (i, band) = (u / bands, u % bands)
            let rows = (oh * band / bands)..<(oh * (band + 1) / bands)
            DirectConv.forward(
              x.storage.base + i * inSize, g, weight.storage.base, outChannels: outC,
              y + i * outSize, outputRows: rows)
            guard let b else { continue }
            for c in 0..<outC {
              let p = y + i * outSize + c * oh * ow + rows.lowerBound * ow
              for j in 0..<(rows.count * ow) { p[j] += b[c] }
            }
          }
        }
        if g.colRows * g.colCols * outC < 1 << 16 {
          run(0..<(n * bands))
        } else {
          Parallel.parts(n * bands) { _, units in run(units) }
        }
      } else if PhaseConv.applies(g, outChannels: outC) {
        PhaseConv.forward(
          x.storage.base, n: n, g, weight.storage.base, outChannels: outC, bias: b, y)
      } else if Conv3x3.applies(g, outChannels: outC) {
        Conv3x3.forward(
          x.storage.base, n: n, channels: g.channels, height: g.height, width: g.width,
          padding: g.padding, weight.storage.base, outChannels: outC, bias: b, y)
      } else {
        ConvGemm.forward(
          x.storage.base, n: n, g, weight.storage.base, outChannels: outC, bias: b, y)
      }
    }
    var inputs = [x, weight]
    if let bias { inputs.append(bias) }
    let xShape = x.shape
    let wShape = weight.shape
    return record("conv2d", r, inputs: inputs) { gy, needs in
      [
        needs[0] ? conv2dInputGrad(gy, weight, inputShape: xShape, options: o) : nil,
        needs[1] ? conv2dWeightGrad(x, gy, weightShape: wShape, options: o) : nil,
        needs.count > 2 && needs[2] ? gy.sum(axes: [0, 2, 3]) : nil,
      ]
    }
  }

  /// The gradient of ``conv2d(_:_:bias:options:)`` with respect to its input.
  ///
  /// `gy` is `[N, O, OH, OW]`, `weight` `[O, C, kh, kw]`; the result has `inputShape`
  /// (`[N, C, H, W]`). Per image: `cols = Wᵀ·gy`, then col2im. This is also the forward pass of
  /// a transposed convolution.
  public static func conv2dInputGrad(
    _ gy: Tensor, _ weight: Tensor, inputShape: [Int], options o: Conv2dOptions
  ) -> Tensor {
    let g = geometry(inputShape, weight.shape, o)
    precondition(
      gy.shape == [inputShape[0], weight.shape[0], g.outH, g.outW],
      "conv2dInputGrad: gradient \(gy.shape) does not match input \(inputShape) and weight \(weight.shape)"
    )
    let n = inputShape[0]
    let outC = weight.shape[0]
    let r = Tensor(shape: inputShape) { out in
      let dx = out.baseAddress!
      dx.initialize(repeating: 0, count: out.count)
      let inSize = g.channels * g.height * g.width
      let outSize = outC * g.colCols
      if DirectConv.applies(g, outChannels: outC) {
        Parallel.chunks(n, costPerItem: g.colRows * g.colCols * outC) { images in
          for i in images {
            DirectConv.inputGrad(
              gy.storage.base + i * outSize, g, weight.storage.base, outChannels: outC,
              dx + i * inSize)
          }
        }
        return
      }
      if PhaseConv.applies(g, outChannels: outC) {
        PhaseConv.inputGrad(gy.storage.base, n: n, g, weight.storage.base, outChannels: outC, dx)
        return
      }
      if Conv3x3.applies(g, outChannels: outC) {
        Conv3x3.inputGrad(
          gy.storage.base, n: n, channels: g.channels, height: g.height, width: g.width,
          padding: g.padding, weight.storage.base, outChannels: outC, dx)
        return
      }
      ConvGemm.inputGrad(gy.storage.base, n: n, g, weight.storage.base, outChannels: outC, dx)
    }
    let wShape = weight.shape
    return record("conv2dInputGrad", r, inputs: [gy, weight]) { gg, needs in
      [
        needs[0] ? conv2d(gg, weight, options: o) : nil,
        needs[1] ? conv2dWeightGrad(gg, gy, weightShape: wShape, options: o) : nil,
      ]
    }
  }

  /// The gradient of ``conv2d(_:_:bias:options:)`` with respect to its weight.
  ///
  /// `x` is `[N, C, H, W]`, `gy` `[N, O, OH, OW]`; the result is `weightShape` (`[O, C, kh, kw]`):
  /// `Σ_n gy[n] · im2col(x[n])ᵀ`.
  public static func conv2dWeightGrad(
    _ x: Tensor, _ gy: Tensor, weightShape: [Int], options o: Conv2dOptions
  ) -> Tensor {
    let g = geometry(x.shape, weightShape, o)
    let n = x.shape[0]
    let outC = weightShape[0]
    let r = Tensor(shape: weightShape) { out in
      let dw = out.baseAddress!
      dw.initialize(repeating: 0, count: out.count)
      let inSize = g.channels * g.height * g.width
      let outSize = outC * g.colCols
      if DirectConv.applies(g, outChannels: outC) {
        for i in 0..<n {
          DirectConv.weightGrad(
            x.storage.base + i * inSize, gy.storage.base + i * outSize, g, outChannels: outC, dw)
        }
        return
      }
      if PhaseConv.weightGradApplies(g, outChannels: outC) {
        PhaseConv.weightGrad(
          x.storage.base, gy.storage.base, n: n, g, outChannels: outC, dw)
        return
      }
      if Conv3x3.weightGradApplies(g, outChannels: outC) {
        Conv3x3.weightGrad(
          x.storage.base, gy.storage.base, n: n, channels: g.channels, height: g.height,
          width: g.width, padding: g.padding, outChannels: outC, dw)
        return
      }
      ConvGemm.weightGrad(x.storage.base, gy.storage.base, n: n, g, outChannels: outC, dw)
    }
    let xShape = x.shape
    return record("conv2dWeightGrad", r, inputs: [x, gy]) { gw, needs in
      [
        needs[0] ? conv2dInputGrad(gy, gw, inputShape: xShape, options: o) : nil,
        needs[1] ? conv2d(x, gw, options: o) : nil,
      ]
    }
  }

  /// Transposed convolution of `x` (`[N, Cin, H, W]`) with `weight` (`[Cin, Cout, kh, kw]`,
  /// PyTorch's `ConvTranspose2d` layout), plus `bias` (`[Cout]`).
  ///
  /// Output: `[N, Cout, (H-1)s - 2p + d(kh-1) + outputPadding + 1, …]`. It is the adjoint of
  /// ``conv2d(_:_:bias:options:)`` with the same weight read as `[O=Cin, C=Cout, kh, kw]`.
  public static func convTranspose2d(
    _ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, options o: Conv2dOptions = .init(),
    outputPadding: Int = 0
  ) -> Tensor {
    precondition(
      x.rank == 4 && weight.rank == 4 && x.shape[1] == weight.shape[0],
      "convTranspose2d: input \(x.shape) and weight \(weight.shape) disagree")
    let oh =
      (x.shape[2] - 1) * o.stride - 2 * o.padding + o.dilation * (weight.shape[2] - 1)
      + outputPadding + 1
    let ow =
      (x.shape[3] - 1) * o.stride - 2 * o.padding + o.dilation * (weight.shape[3] - 1)
      + outputPadding + 1
    let y = conv2dInputGrad(
      x, weight, inputShape: [x.shape[0], weight.shape[1], oh, ow], options: o)
    guard let bias else { return y }
    return y + bias.reshaped([1, -1, 1, 1])
  }
}
