// Strided loops for broadcasting binary operations and reductions over contiguous tensors.

/// A scalar binary function used by the broadcasting loop.
@usableFromInline protocol BinaryKernel {
  static func apply(_ a: Float, _ b: Float) -> Float
}

@usableFromInline enum AddKernel: BinaryKernel {
  @inline(__always) @usableFromInline static func apply(_ a: Float, _ b: Float) -> Float { a + b }
}
@usableFromInline enum SubKernel: BinaryKernel {
  @inline(__always) @usableFromInline static func apply(_ a: Float, _ b: Float) -> Float { a - b }
}
@usableFromInline enum MulKernel: BinaryKernel {
  @inline(__always) @usableFromInline static func apply(_ a: Float, _ b: Float) -> Float { a * b }
}
@usableFromInline enum DivKernel: BinaryKernel {
  @inline(__always) @usableFromInline static func apply(_ a: Float, _ b: Float) -> Float { a / b }
}
@usableFromInline enum MaxKernel: BinaryKernel {
  @inline(__always) @usableFromInline static func apply(_ a: Float, _ b: Float) -> Float {
    Swift.max(a, b)
  }
}
@usableFromInline enum FirstKernel: BinaryKernel {
  @inline(__always) @usableFromInline static func apply(_ a: Float, _ b: Float) -> Float { a }
}

/// Loop plans for broadcasting and reducing.
enum BroadcastLoop {
  /// Left-pads `shape` with ones to `rank` and returns broadcast strides (0 on size-1 dims).
  static func strides(of shape: [Int], as outShape: [Int]) -> [Int] {
    let pad = outShape.count - shape.count
    let full = [Int](repeating: 1, count: pad) + shape
    let s = Shape.strides(full)
    return (0..<outShape.count).map { full[$0] == 1 && outShape[$0] != 1 ? 0 : s[$0] }
  }

  /// Merges adjacent dimensions that every operand walks contiguously.
  static func collapse(_ shape: [Int], _ strideSets: [[Int]]) -> ([Int], [[Int]]) {
    var dims: [Int] = []
    var sets = strideSets.map { _ in [Int]() }
    for i in 0..<shape.count where shape[i] != 1 {
      if let last = dims.last,
        strideSets.indices.allSatisfy({ k in sets[k].last! == strideSets[k][i] * shape[i] })
      {
        dims[dims.count - 1] = last * shape[i]
        for k in sets.indices { sets[k][sets[k].count - 1] = strideSets[k][i] }
      } else {
        dims.append(shape[i])
        for k in sets.indices { sets[k].append(strideSets[k][i]) }
      }
    }
    if dims.isEmpty {
      return ([1], sets.map { _ in [1] })
    }
    return (dims, sets)
  }

  /// Applies `K` over broadcast operands into a fresh contiguous output.
  @inline(__always)
  static func binary<K: BinaryKernel>(
    _: K.Type, _ a: UnsafePointer<Float>, _ aShape: [Int], _ b: UnsafePointer<Float>,
    _ bShape: [Int], _ out: UnsafeMutablePointer<Float>, _ outShape: [Int]
  ) {
    let total = Shape.count(outShape)
    if total == 0 { return }
    if aShape == bShape {
      Parallel.chunks(total) { range in
        for i in range { out[i] = K.apply(a[i], b[i]) }
      }
      return
    }
    let (dims, sets) = collapse(
      outShape,
      [
        strides(of: aShape, as: outShape), strides(of: bShape, as: outShape),
        Shape.strides(outShape),
      ])
    let sa = sets[0]
    let sb = sets[1]
    let n = dims.count
    let inner = dims[n - 1]
    let ia = sa[n - 1]
    let ib = sb[n - 1]
    var index = [Int](repeating: 0, count: n)
    var offA = 0
    var offB = 0
    var o = 0
    let outer = total / inner
    for _ in 0..<outer {
      let pa = a + offA
      let pb = b + offB
      let po = out + o
      if ia == 1 && ib == 1 {
        for i in 0..<inner { po[i] = K.apply(pa[i], pb[i]) }
      } else if ia == 1 && ib == 0 {
        let vb = pb[0]
        for i in 0..<inner { po[i] = K.apply(pa[i], vb) }
      } else if ia == 0 && ib == 1 {
        let va = pa[0]
        for i in 0..<inner { po[i] = K.apply(va, pb[i]) }
      } else {
        for i in 0..<inner { po[i] = K.apply(pa[i * ia], pb[i * ib]) }
      }
      o += inner
      // Advance the odometer over the outer dimensions.
      var d = n - 2
      while d >= 0 {
        index[d] += 1
        offA += sa[d]
        offB += sb[d]
        if index[d] < dims[d] { break }
        offA -= sa[d] * dims[d]
        offB -= sb[d] * dims[d]
        index[d] = 0
        d -= 1
      }
    }
  }

  /// The sum of `count` floats: 16-lane partial sums over blocks of 256, each block's total
  /// added in Double.
  @inline(__always)
  static func sumRow(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
    var acc: Double = 0
    var j = 0
    while j + 16 <= count {
      var v = SIMD16<Float>()
      let end = min(count, j + 256) & ~15
      while j < end {
        v += UnsafeRawPointer(p + j).loadUnaligned(as: SIMD16<Float>.self)
        j += 16
      }
      acc += Double(v.sum())
    }
    while j < count {
      acc += Double(p[j])
      j += 1
    }
    return acc
  }

  /// Sums `x` (shape `shape`) over the dimensions where `outShape` (same rank) is 1.
  static func reduceSum(
    _ x: UnsafePointer<Float>, _ shape: [Int], _ out: UnsafeMutablePointer<Float>,
    _ outShape: [Int]
  ) {
    let outCount = Shape.count(outShape)
    out.initialize(repeating: 0, count: outCount)
    let total = Shape.count(shape)
    if total == 0 { return }
    let reducedStrides = zip(Shape.strides(outShape), zip(shape, outShape)).map { s, d in
      d.0 != d.1 ? 0 : s
    }
    let (dims, sets) = collapse(shape, [Shape.strides(shape), reducedStrides])
    let so = sets[1]
    let n = dims.count
    let inner = dims[n - 1]
    let io = so[n - 1]
    var index = [Int](repeating: 0, count: n)
    var offO = 0
    var i0 = 0
    for _ in 0..<(total / inner) {
      let px = x + i0
      if io == 0 {
        out[offO] += Float(sumRow(px, inner))
      } else {
        let po = out + offO
        for j in 0..<inner { po[j] += px[j] }
      }
      i0 += inner
      var d = n - 2
      while d >= 0 {
        index[d] += 1
        offO += so[d]
        if index[d] < dims[d] { break }
        offO -= so[d] * dims[d]
        index[d] = 0
        d -= 1
      }
    }
  }
}
