// Row normalization (the core of instance and layer norm) and log-softmax.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Tensor {
  /// Normalizes each row of a `[G, M]` tensor to zero mean and unit variance (biased variance).
  ///
  /// Statistics accumulate in Double. The backward pass treats the normalized values and the
  /// inverse deviation as constants of the gradient formula, so it is first-order exact but not
  /// differentiable twice with respect to the input.
  public func normalizedRows(eps: Float = 1e-5) -> Tensor {
    precondition(rank == 2, "normalizedRows needs [G, M], got \(shape)")
    let rows = shape[0]
    let m = shape[1]
    let inv = TensorStorage(uninitializedCount: rows)
    let x = storage.base
    let invBase = inv.base
    let r = Tensor(shape: shape) { out in
      let y = out.baseAddress!
      // Rows are independent: split over the threads (each row's sums stay in order).
      Parallel.chunks(rows, costPerItem: 4 * m) { range in
        for i in range {
          let p = x + i * m
          let (s, s2) = sumAndDot(p, p, m)
          let mean = s / Double(max(m, 1))
          let variance = max(s2 / Double(max(m, 1)) - mean * mean, 0)
          let istd = Float(1 / (variance + Double(eps)).squareRoot())
          invBase[i] = istd
          let fm = Float(mean)
          let q = y + i * m
          for j in 0..<m { q[j] = (p[j] - fm) * istd }
        }
      }
    }
    let xhat = r.detached()
    let istd = Tensor(shape: [rows, 1], storage: inv)
    return Tensor.record("normalizeRows", r, inputs: [self]) { g, _ in
      // A first-order backward pass runs one fused kernel; a recorded one (double backward)
      // composes differentiable ops.
      guard GradMode.isEnabled else {
        return [Tensor.normalizedRowsGradient(g, xhat: xhat, istd: inv)]
      }
      let gMean = g.mean(axes: [1], keepDims: true)
      let gxMean = (g * xhat).mean(axes: [1], keepDims: true)
      return [(g - gMean - xhat * gxMean) * istd]
    }
  }

  /// dx = (g − mean(g) − x̂·mean(g·x̂))·istd per row of `[G, M]`, in two passes over each row.
  private static func normalizedRowsGradient(_ g: Tensor, xhat: Tensor, istd: TensorStorage)
    -> Tensor
  {
    let (rows, m) = (g.shape[0], g.shape[1])
    let gp = g.storage.base
    let xp = xhat.storage.base
    let ip = istd.base
    return Tensor(shape: g.shape) { out in
      let dx = out.baseAddress!
      Parallel.chunks(rows, costPerItem: 5 * m) { range in
        for i in range {
          let (gr, xr, dr) = (gp + i * m, xp + i * m, dx + i * m)
          let (sg, sgx) = sumAndDot(gr, xr, m)
          let inv = Double(max(m, 1))
          let (a, b, s) = (Float(sg / inv), Float(sgx / inv), ip[i])
          for j in 0..<m { dr[j] = (gr[j] - a - xr[j] * b) * s }
        }
      }
    }
  }

  /// Instance normalization of an NCHW tensor: each (n, c) plane to zero mean, unit variance.
  public func instanceNormalized(eps: Float = 1e-5) -> Tensor {
    let n = shape[0]
    let c = shape[1]
    return reshaped([n * c, -1]).normalizedRows(eps: eps).reshaped(shape)
  }

  /// Layer normalization over the last dimension.
  public func layerNormalized(eps: Float = 1e-5) -> Tensor {
    reshaped([-1, shape[rank - 1]]).normalizedRows(eps: eps).reshaped(shape)
  }

  /// log(softmax(x)) along the last dimension of a `[B, K]` tensor.
  public func logSoftmax() -> Tensor {
    precondition(rank == 2, "logSoftmax needs [B, K], got \(shape)")
    let b = shape[0]
    let k = shape[1]
    let x = storage.base
    let r = Tensor(shape: shape) { out in
      let y = out.baseAddress!
      for i in 0..<b {
        let p = x + i * k
        var mx = -Float.infinity
        for j in 0..<k { mx = max(mx, p[j]) }
        var s: Double = 0
        for j in 0..<k { s += Double(expf(p[j] - mx)) }
        let lse = mx + Float(naturalLog(s))
        for j in 0..<k { y[i * k + j] = p[j] - lse }
      }
    }
    let softmax = r.mapRaw(ExpMap())
    return Tensor.record("logSoftmax", r, inputs: [self]) { g, _ in
      [g - softmax * g.sum(axes: [1], keepDims: true)]
    }
  }
}

@inline(__always) private func naturalLog(_ x: Double) -> Double { log(x) }

/// (Σ a[j], Σ a[j]·b[j]) over `count` floats: 16-lane partial sums over blocks of 256, each
/// block's totals added in Double.
@inline(__always)
func sumAndDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> (
  Double, Double
) {
  var (s, d): (Double, Double) = (0, 0)
  var j = 0
  while j + 16 <= count {
    var vs = SIMD16<Float>()
    var vd = SIMD16<Float>()
    let end = min(count, j + 256) & ~15
    while j < end {
      let x = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
      let y = UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
      vs += x
      vd.addProduct(x, y)
      j += 16
    }
    s += Double(vs.sum())
    d += Double(vd.sum())
  }
  while j < count {
    s += Double(a[j])
    d += Double(a[j]) * Double(b[j])
    j += 1
  }
  return (s, d)
}
