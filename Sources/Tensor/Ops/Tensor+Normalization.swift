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
          var s: Double = 0
          var s2: Double = 0
          for j in 0..<m {
            let v = Double(p[j])
            s += v
            s2 += v * v
          }
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
      let gMean = g.mean(axes: [1], keepDims: true)
      let gxMean = (g * xhat).mean(axes: [1], keepDims: true)
      return [(g - gMean - xhat * gxMean) * istd]
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
    let softmax = r.mapRaw { expf($0) }
    return Tensor.record("logSoftmax", r, inputs: [self]) { g, _ in
      [g - softmax * g.sum(axes: [1], keepDims: true)]
    }
  }
}

@inline(__always) private func naturalLog(_ x: Double) -> Double { log(x) }
