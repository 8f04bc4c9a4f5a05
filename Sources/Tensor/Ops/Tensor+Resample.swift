// Pooling, blur and resampling of NCHW tensors, built on separable axis maps.

extension Tensor {
  /// Applies `map` along `axis` (`transposed` applies its adjoint).
  ///
  /// Twice differentiable.
  public func mapAxis(_ axis: Int, _ map: AxisMap, transposed: Bool = false) -> Tensor {
    let ax = axis < 0 ? axis + rank : axis
    let from = transposed ? map.outputSize : map.inputSize
    let to = transposed ? map.inputSize : map.outputSize
    precondition(shape[ax] == from, "axis map expects size \(from) on axis \(ax), got \(shape)")
    let outer = shape[..<ax].reduce(1, *)
    let inner = shape[(ax + 1)...].reduce(1, *)
    var outShape = shape
    outShape[ax] = to
    let x = self
    let r = Tensor(shape: outShape) { out in
      if transposed {
        map.applyTransposed(x.storage.base, outer: outer, inner: inner, out.baseAddress!)
      } else {
        map.apply(x.storage.base, outer: outer, inner: inner, out.baseAddress!)
      }
    }
    return Tensor.record(transposed ? "axisMapᵀ" : "axisMap", r, inputs: [self]) { g, _ in
      [g.mapAxis(ax, map, transposed: !transposed)]
    }
  }

  /// Separable map on H then W of an NCHW tensor.
  public func map2d(h: AxisMap, w: AxisMap) -> Tensor {
    mapAxis(-2, h).mapAxis(-1, w)
  }

  /// Average pooling with a `k`×`k` window and stride `k`.
  public func avgPool2d(_ k: Int) -> Tensor {
    map2d(
      h: .average(inputSize: shape[rank - 2], kernel: k),
      w: .average(inputSize: shape[rank - 1], kernel: k))
  }

  /// The StyleGAN [1, 3, 3, 1] low-pass filter (normalized), with zero padding and a stride.
  ///
  /// With `stride: 2, padLow: 1, padHigh: 1` it is an anti-aliased 2× downsample.
  public func blur(padLow: Int = 1, padHigh: Int = 2, stride: Int = 1) -> Tensor {
    let k: [Float] = [1, 3, 3, 1].map { $0 / 8 }
    return map2d(
      h: .fir(
        inputSize: shape[rank - 2], kernel: k, padLow: padLow, padHigh: padHigh, stride: stride),
      w: .fir(
        inputSize: shape[rank - 1], kernel: k, padLow: padLow, padHigh: padHigh, stride: stride))
  }

  /// Nearest-neighbour resize of the last two dimensions.
  public func resizedNearest(height: Int, width: Int) -> Tensor {
    map2d(
      h: .nearest(inputSize: shape[rank - 2], outputSize: height),
      w: .nearest(inputSize: shape[rank - 1], outputSize: width))
  }

  /// Bilinear resize of the last two dimensions (half-pixel centres, like PyTorch
  /// `align_corners=False`).
  public func resizedBilinear(height: Int, width: Int) -> Tensor {
    map2d(
      h: .linear(inputSize: shape[rank - 2], outputSize: height),
      w: .linear(inputSize: shape[rank - 1], outputSize: width))
  }

  /// Nearest-neighbour upsampling by an integer factor.
  public func upsampled(_ factor: Int) -> Tensor {
    resizedNearest(height: shape[rank - 2] * factor, width: shape[rank - 1] * factor)
  }
}
