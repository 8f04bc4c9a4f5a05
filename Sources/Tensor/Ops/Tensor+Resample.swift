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
  ///
  /// Stride 1 with padding up to 3 on each side runs as one fused pass (``Blur2d``); its
  /// adjoint is the same blur with padding 3 − padLow and 3 − padHigh (the kernel is
  /// symmetric), so it is twice differentiable like the separable path.
  public func blur(padLow: Int = 1, padHigh: Int = 2, stride: Int = 1) -> Tensor {
    if stride == 1, rank >= 2, (0...3).contains(padLow), (0...3).contains(padHigh),
      shape[rank - 2] + padLow + padHigh > 3, shape[rank - 1] + padLow + padHigh > 3
    {
      return fusedBlur(padLow: padLow, padHigh: padHigh)
    }
    let k: [Float] = [1, 3, 3, 1].map { $0 / 8 }
    return map2d(
      h: .fir(
        inputSize: shape[rank - 2], kernel: k, padLow: padLow, padHigh: padHigh, stride: stride),
      w: .fir(
        inputSize: shape[rank - 1], kernel: k, padLow: padLow, padHigh: padHigh, stride: stride))
  }

  /// Stride-1 blur in one pass over each plane (see ``blur(padLow:padHigh:stride:)``).
  func fusedBlur(padLow: Int, padHigh: Int) -> Tensor {
    let (h, w) = (shape[rank - 2], shape[rank - 1])
    let planes = shape[..<(rank - 2)].reduce(1, *)
    var outShape = shape
    outShape[rank - 2] = Blur2d.outputSize(h, padLow: padLow, padHigh: padHigh)
    outShape[rank - 1] = Blur2d.outputSize(w, padLow: padLow, padHigh: padHigh)
    let x = self
    let r = Tensor(shape: outShape) { out in
      Blur2d.apply(
        x.storage.base, planes: planes, height: h, width: w, padLow: padLow, padHigh: padHigh,
        out.baseAddress!)
    }
    return Tensor.record("blur", r, inputs: [self]) { g, _ in
      [g.fusedBlur(padLow: 3 - padLow, padHigh: 3 - padHigh)]
    }
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
