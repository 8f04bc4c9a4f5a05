// Matrix products on the tape.

extension Tensor {
  /// op(a) · op(b) for rank-2 tensors; `transA`/`transB` transpose the operands first.
  public static func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false)
    -> Tensor
  {
    precondition(
      a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape), \(b.shape)")
    let m = transA ? a.shape[1] : a.shape[0]
    let k = transA ? a.shape[0] : a.shape[1]
    let k2 = transB ? b.shape[1] : b.shape[0]
    let n = transB ? b.shape[0] : b.shape[1]
    precondition(
      k == k2,
      "matmul inner sizes differ: \(a.shape)\(transA ? "ᵀ" : "") × \(b.shape)\(transB ? "ᵀ" : "")")
    let r = Tensor(shape: [m, n]) { out in
      BLAS.gemm(
        transA: transA, transB: transB, m: m, n: n, k: k, a: a.storage.base, b: b.storage.base,
        c: out.baseAddress!)
    }
    return record("matmul", r, inputs: [a, b]) { g, needs in
      var ga: Tensor?
      var gb: Tensor?
      switch (transA, transB) {
      case (false, false):
        if needs[0] { ga = matmul(g, b, transB: true) }
        if needs[1] { gb = matmul(a, g, transA: true) }
      case (false, true):
        if needs[0] { ga = matmul(g, b) }
        if needs[1] { gb = matmul(g, a, transA: true) }
      case (true, false):
        if needs[0] { ga = matmul(b, g, transB: true) }
        if needs[1] { gb = matmul(a, g) }
      case (true, true):
        if needs[0] { ga = matmul(b, g, transA: true, transB: true) }
        if needs[1] { gb = matmul(g, a, transA: true, transB: true) }
      }
      return [ga, gb]
    }
  }
}

extension Tensor {
  /// Batched product of `[B, m, k]` and `[B, k, n]` (after optional per-batch transposes).
  public static func bmm(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false)
    -> Tensor
  {
    precondition(
      a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0],
      "bmm needs [B, ·, ·] operands, got \(a.shape), \(b.shape)")
    let batch = a.shape[0]
    let m = transA ? a.shape[2] : a.shape[1]
    let k = transA ? a.shape[1] : a.shape[2]
    let n = transB ? b.shape[1] : b.shape[2]
    precondition(
      k == (transB ? b.shape[2] : b.shape[1]), "bmm inner sizes differ: \(a.shape), \(b.shape)")
    let sa = a.shape[1] * a.shape[2]
    let sb = b.shape[1] * b.shape[2]
    let r = Tensor(shape: [batch, m, n]) { out in
      for i in 0..<batch {
        BLAS.gemm(
          transA: transA, transB: transB, m: m, n: n, k: k, a: a.storage.base + i * sa,
          b: b.storage.base + i * sb, c: out.baseAddress! + i * m * n)
      }
    }
    return record("bmm", r, inputs: [a, b]) { g, needs in
      var ga: Tensor?
      var gb: Tensor?
      switch (transA, transB) {
      case (false, false):
        if needs[0] { ga = bmm(g, b, transB: true) }
        if needs[1] { gb = bmm(a, g, transA: true) }
      case (false, true):
        if needs[0] { ga = bmm(g, b) }
        if needs[1] { gb = bmm(g, a, transA: true) }
      case (true, false):
        if needs[0] { ga = bmm(b, g, transB: true) }
        if needs[1] { gb = bmm(a, g) }
      case (true, true):
        if needs[0] { ga = bmm(b, g, transA: true, transB: true) }
        if needs[1] { gb = bmm(g, a, transA: true, transB: true) }
      }
      return [ga, gb]
    }
  }
}
