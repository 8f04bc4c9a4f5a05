// Broadcasting arithmetic (+, -, *, /), scalar forms, and reductions back to a shape.

extension Tensor {
  @inline(__always)
  static func broadcastApply<K: BinaryKernel>(_ k: K.Type, _ a: Tensor, _ b: Tensor) -> Tensor {
    guard let outShape = Shape.broadcast(a.shape, b.shape) else {
      preconditionFailure("cannot broadcast \(a.shape) with \(b.shape)")
    }
    return Tensor(shape: outShape) { out in
      BroadcastLoop.binary(
        k, a.storage.base, a.shape, b.storage.base, b.shape, out.baseAddress!, outShape)
    }
  }

  /// Sums broadcast dimensions away so the result has `target` shape.
  public func sum(toShape target: [Int]) -> Tensor {
    if shape == target { return self }
    let pad = shape.count - target.count
    precondition(pad >= 0, "sum(toShape:) from \(shape) to \(target)")
    let full = [Int](repeating: 1, count: pad) + target
    let x = self
    let raw = Tensor(shape: full) { out in
      BroadcastLoop.reduceSum(x.storage.base, x.shape, out.baseAddress!, full)
    }
    let result = Tensor(shape: target, storage: raw.storage)
    return Tensor.record("sumTo", result, inputs: [self]) { g, _ in
      [g.expanded(to: x.shape)]
    }
  }

  /// Broadcasts this tensor to `target` (NumPy rules), copying values.
  public func expanded(to target: [Int]) -> Tensor {
    if shape == target { return self }
    precondition(Shape.broadcast(shape, target) == target, "cannot expand \(shape) to \(target)")
    let result = Tensor.broadcastApply(FirstKernel.self, self, Tensor(zeros: target))
    let src = shape
    return Tensor.record("expand", result, inputs: [self]) { g, _ in [g.sum(toShape: src)] }
  }

  /// Elementwise sum with broadcasting.
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    let r = broadcastApply(AddKernel.self, a, b)
    return record("add", r, inputs: [a, b]) { g, needs in
      [needs[0] ? g.sum(toShape: a.shape) : nil, needs[1] ? g.sum(toShape: b.shape) : nil]
    }
  }

  /// Elementwise difference with broadcasting.
  public static func - (a: Tensor, b: Tensor) -> Tensor {
    let r = broadcastApply(SubKernel.self, a, b)
    return record("sub", r, inputs: [a, b]) { g, needs in
      // Reduce, then negate: a broadcast b gets its small gradient negated, not a full pass.
      [needs[0] ? g.sum(toShape: a.shape) : nil, needs[1] ? -g.sum(toShape: b.shape) : nil]
    }
  }

  /// Elementwise product with broadcasting.
  public static func * (a: Tensor, b: Tensor) -> Tensor {
    let r = broadcastApply(MulKernel.self, a, b)
    return record("mul", r, inputs: [a, b]) { g, needs in
      [
        needs[0] ? (g * b).sum(toShape: a.shape) : nil,
        needs[1] ? (g * a).sum(toShape: b.shape) : nil,
      ]
    }
  }

  /// Elementwise quotient with broadcasting.
  public static func / (a: Tensor, b: Tensor) -> Tensor {
    let r = broadcastApply(DivKernel.self, a, b)
    return record("div", r, inputs: [a, b]) { g, needs in
      [
        needs[0] ? (g / b).sum(toShape: a.shape) : nil,
        needs[1] ? (-(g * a) / (b * b)).sum(toShape: b.shape) : nil,
      ]
    }
  }

  /// Elementwise negation.
  public static prefix func - (a: Tensor) -> Tensor { a * -1 }

  /// Adds a constant.
  public static func + (a: Tensor, s: Float) -> Tensor {
    let r = a.mapRaw(AffineMap(scale: 1, shift: s))
    return record("addScalar", r, inputs: [a]) { g, _ in [g] }
  }

  /// (a + b)·scale in one pass (a residual sum and its normalization), for same-shape tensors;
  /// other shapes broadcast through `+` and `*`.
  ///
  /// Twice differentiable (its backward is a multiplication by the constant).
  public static func scaledSum(_ a: Tensor, _ b: Tensor, scale: Float) -> Tensor {
    guard a.shape == b.shape else { return (a + b) * scale }
    let r = a.zipRaw(b, ScaledSumMap(scale: scale))
    return record("scaledSum", r, inputs: [a, b]) { g, needs in
      let gs = g * scale
      return [needs[0] ? gs : nil, needs[1] ? gs : nil]
    }
  }

  /// Multiplies by a constant.
  public static func * (a: Tensor, s: Float) -> Tensor {
    let r = a.mapRaw(AffineMap(scale: s, shift: 0))
    return record("mulScalar", r, inputs: [a]) { g, _ in [g * s] }
  }

  /// Subtracts a constant.
  public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
  /// Divides by a constant.
  public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
  /// Multiplies by a constant.
  public static func * (s: Float, a: Tensor) -> Tensor { a * s }
  /// Adds a constant.
  public static func + (s: Float, a: Tensor) -> Tensor { a + s }
  /// Subtracts from a constant.
  public static func - (s: Float, a: Tensor) -> Tensor { (-a) + s }

  /// Elementwise map without recording (a building block for recorded ops).
  ///
  /// Large tensors are split over the threads; the loop is specialized for each map type (see
  /// ``UnaryFloatMap``).
  @inline(__always)
  func mapRaw<M: UnaryFloatMap>(_ f: M) -> Tensor {
    let src = storage.base
    return Tensor(shape: shape) { out in
      let o = out.baseAddress!
      Parallel.chunks(out.count) { range in
        for i in range { o[i] = f(src[i]) }
      }
    }
  }

  /// Elementwise binary map of same-shape tensors without recording.
  @inline(__always)
  func zipRaw<M: BinaryFloatMap>(_ other: Tensor, _ f: M) -> Tensor {
    precondition(shape == other.shape, "zip of \(shape) and \(other.shape)")
    let a = storage.base
    let b = other.storage.base
    return Tensor(shape: shape) { out in
      let o = out.baseAddress!
      Parallel.chunks(out.count) { range in
        for i in range { o[i] = f(a[i], b[i]) }
      }
    }
  }
}
