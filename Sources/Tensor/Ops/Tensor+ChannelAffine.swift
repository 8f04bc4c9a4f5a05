// Per-channel scale and shift of NCHW tensors in one pass (norm affines, demodulation, biases).

extension Tensor {
  /// y = x·scale + shift per channel of an `[N, C, …]` tensor, in one pass.
  ///
  /// `scale` is `[C]` (one factor per channel) or `[N, C]` (per sample and channel, as
  /// StyleGAN2's demodulation); `shift` is `[C]` or nil. It equals
  /// `x * scale.reshaped([1 or N, C, 1, …]) + shift.reshaped([1, C, 1, …])`. A first-order
  /// backward pass runs two fused loops (the input gradient; the scale and shift gradients from
  /// one sum and one dot product per plane); a recorded one (double backward) composes
  /// broadcast ops.
  public func channelAffine(scale: Tensor, shift: Tensor? = nil) -> Tensor {
    precondition(rank >= 2, "channelAffine needs [N, C, …], got \(shape)")
    let (n, c) = (shape[0], shape[1])
    let perSample = scale.shape == [n, c]
    precondition(perSample || scale.shape == [c], "scale must be [C] or [N, C], got \(scale.shape)")
    precondition(shift == nil || shift!.shape == [c], "shift must be [C]")
    let plane = shape[2...].reduce(1, *)
    let (x, s, b) = (storage.base, scale.storage.base, shift?.storage.base)
    let r = Tensor(shape: shape) { out in
      let y = out.baseAddress!
      Parallel.chunks(n * c, costPerItem: plane) { range in
        for p in range {
          let k = perSample ? s[p] : s[p % c]
          let t = b?[p % c] ?? 0
          let (xp, yp) = (x + p * plane, y + p * plane)
          for j in 0..<plane { yp[j] = xp[j] * k + t }
        }
      }
    }
    var inputs = [self, scale]
    if let shift { inputs.append(shift) }
    let input = self
    let broadcastShape = [perSample ? n : 1, c] + [Int](repeating: 1, count: rank - 2)
    return Tensor.record("channelAffine", r, inputs: inputs) { g, needs in
      guard GradMode.isEnabled else {
        return Tensor.channelAffineGradients(g, input: input, scale: scale, needs: needs)
      }
      let k = scale.reshaped(broadcastShape)
      var grads: [Tensor?] = [
        needs[0] ? g * k : nil,
        needs[1] ? (g * input).sum(toShape: broadcastShape).reshaped(scale.shape) : nil,
      ]
      if needs.count > 2 { grads.append(needs[2] ? g.sum(toShape: [1, c]).reshaped([c]) : nil) }
      return grads
    }
  }

  /// The first-order gradients of ``channelAffine(scale:shift:)`` for input, scale and (when
  /// `needs` has a third entry) shift.
  private static func channelAffineGradients(
    _ g: Tensor, input: Tensor, scale: Tensor, needs: [Bool]
  ) -> [Tensor?] {
    let (n, c) = (input.shape[0], input.shape[1])
    let plane = input.shape[2...].reduce(1, *)
    let perSample = scale.shape.count == 2
    let (gp, xp, sp) = (g.storage.base, input.storage.base, scale.storage.base)
    var grads: [Tensor?] = [nil, nil]
    if needs[0] {
      grads[0] = Tensor(shape: input.shape) { out in
        let d = out.baseAddress!
        Parallel.chunks(n * c, costPerItem: plane) { range in
          for p in range {
            let k = perSample ? sp[p] : sp[p % c]
            let (gr, dr) = (gp + p * plane, d + p * plane)
            for j in 0..<plane { dr[j] = gr[j] * k }
          }
        }
      }
    }
    let wantShift = needs.count > 2 && needs[2]
    if needs[1] || wantShift {
      // One sum and one dot product per plane; channels split over the threads, samples summed
      // in order within each channel.
      var planeSums = [Double](repeating: 0, count: n * c)
      var planeDots = [Double](repeating: 0, count: n * c)
      planeSums.withUnsafeMutableBufferPointer { sums in
        planeDots.withUnsafeMutableBufferPointer { dots in
          let (ss, dd) = (sums.baseAddress!, dots.baseAddress!)
          Parallel.chunks(c, costPerItem: 2 * n * plane) { range in
            for ch in range {
              for i in 0..<n {
                let p = i * c + ch
                (ss[p], dd[p]) = sumAndDot(gp + p * plane, xp + p * plane, plane)
              }
            }
          }
        }
      }
      if needs[1] {
        if perSample {
          grads[1] = Tensor(planeDots.map { Float($0) }, shape: [n, c])
        } else {
          grads[1] = Tensor(
            (0..<c).map { ch in Float((0..<n).reduce(0.0) { $0 + planeDots[$1 * c + ch] }) },
            shape: [c])
        }
      }
      if needs.count > 2 {
        grads.append(
          wantShift
            ? Tensor(
              (0..<c).map { ch in Float((0..<n).reduce(0.0) { $0 + planeSums[$1 * c + ch] }) },
              shape: [c]) : nil)
      }
    } else if needs.count > 2 {
      grads.append(nil)
    }
    return grads
  }
}
