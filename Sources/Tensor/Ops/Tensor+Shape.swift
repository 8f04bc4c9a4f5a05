// Reshape, permute, concatenate, slice and pad.

extension Tensor {
  /// The same storage with a new shape of equal element count; one dimension may be -1.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    var target = newShape
    if let i = newShape.firstIndex(of: -1) {
      let known = newShape.filter { $0 != -1 }.reduce(1, *)
      target[i] = known == 0 ? 0 : count / known
    }
    precondition(Shape.count(target) == count, "cannot reshape \(shape) to \(newShape)")
    let src = shape
    let r = Tensor(shape: target, storage: storage)
    return Tensor.record("reshape", r, inputs: [self]) { g, _ in [g.reshaped(src)] }
  }

  /// Reorders dimensions: output dimension i is input dimension `order[i]`.
  public func permuted(_ order: [Int]) -> Tensor {
    precondition(order.sorted() == Array(0..<rank), "bad permutation \(order) for rank \(rank)")
    let outShape = order.map { shape[$0] }
    let inStrides = Shape.strides(shape)
    let permStrides = order.map { inStrides[$0] }
    let src = storage.base
    let r = Tensor(shape: outShape) { out in
      let o = out.baseAddress!
      let n = outShape.count
      if n == 0 {
        o[0] = src[0]
        return
      }
      var index = [Int](repeating: 0, count: n)
      var off = 0
      let inner = outShape[n - 1]
      let si = permStrides[n - 1]
      var w = 0
      let outer = inner == 0 ? 0 : out.count / inner
      for _ in 0..<outer {
        for j in 0..<inner { o[w + j] = src[off + j * si] }
        w += inner
        var d = n - 2
        while d >= 0 {
          index[d] += 1
          off += permStrides[d]
          if index[d] < outShape[d] { break }
          off -= permStrides[d] * outShape[d]
          index[d] = 0
          d -= 1
        }
      }
    }
    var inverse = [Int](repeating: 0, count: order.count)
    for (i, o) in order.enumerated() { inverse[o] = i }
    return Tensor.record("permute", r, inputs: [self]) { g, _ in [g.permuted(inverse)] }
  }

  /// Swaps the last two dimensions.
  public func transposed() -> Tensor {
    var order = Array(0..<rank)
    order.swapAt(rank - 1, rank - 2)
    return permuted(order)
  }

  /// Concatenates tensors along `axis`; all other dimensions must match.
  public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
    precondition(!parts.isEmpty, "concat of nothing")
    let rank = parts[0].rank
    let ax = axis < 0 ? axis + rank : axis
    var outShape = parts[0].shape
    outShape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
    for p in parts {
      var s = p.shape
      s[ax] = outShape[ax]
      precondition(s == outShape, "concat: \(p.shape) does not fit \(outShape) on axis \(ax)")
    }
    let outer = outShape[..<ax].reduce(1, *)
    let innerUnit = outShape[(ax + 1)...].reduce(1, *)
    let r = Tensor(shape: outShape) { out in
      let o = out.baseAddress!
      let rowOut = outShape[ax] * innerUnit
      var offset = 0
      for p in parts {
        let rowIn = p.shape[ax] * innerUnit
        let src = p.storage.base
        for i in 0..<outer {
          (o + i * rowOut + offset).update(from: src + i * rowIn, count: rowIn)
        }
        offset += rowIn
      }
    }
    let sizes = parts.map { $0.shape[ax] }
    return record("concat", r, inputs: parts) { g, needs in
      var start = 0
      var grads: [Tensor?] = []
      for (i, n) in sizes.enumerated() {
        grads.append(needs[i] ? g.slice(axis: ax, start: start, length: n) : nil)
        start += n
      }
      return grads
    }
  }

  /// Elements `start ..< start + length` along `axis`.
  public func slice(axis: Int, start: Int, length: Int) -> Tensor {
    let ax = axis < 0 ? axis + rank : axis
    precondition(start >= 0 && length >= 0 && start + length <= shape[ax], "slice out of range")
    var outShape = shape
    outShape[ax] = length
    let outer = shape[..<ax].reduce(1, *)
    let innerUnit = shape[(ax + 1)...].reduce(1, *)
    let src = storage.base
    let full = shape[ax]
    let r = Tensor(shape: outShape) { out in
      let o = out.baseAddress!
      for i in 0..<outer {
        (o + i * length * innerUnit).update(
          from: src + (i * full + start) * innerUnit, count: length * innerUnit)
      }
    }
    let inShape = shape
    return Tensor.record("slice", r, inputs: [self]) { g, _ in
      [g.padded(axis: ax, before: start, after: inShape[ax] - start - length)]
    }
  }

  /// Zero-pads `axis` with `before` and `after` elements (the adjoint of ``slice(axis:start:length:)``).
  public func padded(axis: Int, before: Int, after: Int) -> Tensor {
    let ax = axis < 0 ? axis + rank : axis
    var outShape = shape
    outShape[ax] += before + after
    let outer = shape[..<ax].reduce(1, *)
    let innerUnit = shape[(ax + 1)...].reduce(1, *)
    let src = storage.base
    let n = shape[ax]
    let full = outShape[ax]
    let r = Tensor(shape: outShape) { out in
      let o = out.baseAddress!
      o.initialize(repeating: 0, count: out.count)
      for i in 0..<outer {
        (o + (i * full + before) * innerUnit).update(
          from: src + i * n * innerUnit, count: n * innerUnit)
      }
    }
    return Tensor.record("pad", r, inputs: [self]) { g, _ in
      [g.slice(axis: ax, start: before, length: n)]
    }
  }

  /// Pads the last two (H, W) dimensions of an NCHW tensor with zeros or by reflection.
  public func padded2d(_ p: Int, reflect: Bool) -> Tensor {
    if p == 0 { return self }
    if !reflect {
      return padded(axis: -1, before: p, after: p).padded(axis: -2, before: p, after: p)
    }
    let h = shape[rank - 2]
    let w = shape[rank - 1]
    precondition(p < h && p < w, "reflection padding \(p) needs H, W > \(p), got \(h)×\(w)")
    let planes = count / (h * w)
    let ho = h + 2 * p
    let wo = w + 2 * p
    var outShape = shape
    outShape[rank - 2] = ho
    outShape[rank - 1] = wo
    // Source index for each padded coordinate.
    func reflectIndex(_ i: Int, _ n: Int) -> Int {
      var j = i - p
      if j < 0 { j = -j }
      if j >= n { j = 2 * (n - 1) - j }
      return j
    }
    let rows = (0..<ho).map { reflectIndex($0, h) }
    let cols = (0..<wo).map { reflectIndex($0, w) }
    let src = storage.base
    let r = Tensor(shape: outShape) { out in
      let o = out.baseAddress!
      for pl in 0..<planes {
        for y in 0..<ho {
          let srow = src + pl * h * w + rows[y] * w
          let orow = o + pl * ho * wo + y * wo
          for x in 0..<wo { orow[x] = srow[cols[x]] }
        }
      }
    }
    let inShape = shape
    return Tensor.record("reflectPad", r, inputs: [self]) { g, _ in
      // Scatter-add back: the exact adjoint of the gather above.
      let gb = g.storage.base
      let gi = Tensor(zeros: inShape)
      let d = gi.storage.base
      for pl in 0..<planes {
        for y in 0..<ho {
          let grow = gb + pl * ho * wo + y * wo
          let drow = d + pl * h * w + rows[y] * w
          for x in 0..<wo { drow[cols[x]] += grow[x] }
        }
      }
      return [gi]
    }
  }
}
