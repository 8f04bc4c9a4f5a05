// Elementwise nonlinearities and math functions.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Tensor {
  /// max(x, 0).
  public func relu() -> Tensor { leakyRelu(0) }

  /// `gain`·x for x > 0, `gain`·`slope`·x otherwise (`gain` 1: the plain leaky ReLU).
  ///
  /// The gain folds StyleGAN2's √2 into the same pass. Twice differentiable on the tape (the
  /// mask is constant).
  public func leakyRelu(_ slope: Float = 0.2, gain: Float = 1) -> Tensor {
    let x = self
    let (up, down) = (gain, gain * slope)
    let r = mapRaw(LeakyMap(up: up, down: down))
    // Masks and derivatives are made when the backward pass needs them, never at inference.
    return Tensor.record("leakyRelu", r, inputs: [self]) { g, _ in
      [g.scaledBySign(of: x, positive: up, negative: down)]
    }
  }

  /// `self` times `positive` where `sign` > 0 and times `negative` elsewhere, in one pass.
  ///
  /// The backward of ``leakyRelu(_:gain:)``: linear in `self`, constant in `sign`, so its own
  /// backward is the same map (which keeps the activation twice differentiable).
  func scaledBySign(of sign: Tensor, positive: Float, negative: Float) -> Tensor {
    let r = zipRaw(sign, SignScaledMap(up: positive, down: negative))
    return Tensor.record("scaledBySign", r, inputs: [self]) { g, _ in
      [g.scaledBySign(of: sign, positive: positive, negative: negative)]
    }
  }

  /// Hyperbolic tangent.
  public func tanh() -> Tensor {
    let r = mapRaw(TanhMap())
    return Tensor.record("tanh", r, inputs: [self]) { g, _ in [g * r.mapRaw(TanhDerivativeMap())] }
  }

  /// Logistic sigmoid 1 / (1 + e^-x).
  public func sigmoid() -> Tensor {
    let r = mapRaw(SigmoidMap())
    return Tensor.record("sigmoid", r, inputs: [self]) { g, _ in
      [g * r.mapRaw(SigmoidDerivativeMap())]
    }
  }

  /// e^x.
  public func exp() -> Tensor {
    let r = mapRaw(ExpMap())
    return Tensor.record("exp", r, inputs: [self]) { g, _ in [g * r] }
  }

  /// Natural logarithm.
  public func log() -> Tensor {
    let x = self
    let r = mapRaw(LogMap())
    return Tensor.record("log", r, inputs: [self]) { g, _ in [g / x.detached()] }
  }

  /// x².
  ///
  /// Twice differentiable on the tape.
  public func squared() -> Tensor {
    let x = self
    let r = mapRaw(SquareMap())
    return Tensor.record("square", r, inputs: [self]) { g, _ in [g * x * 2] }
  }

  /// √x.
  public func sqrt() -> Tensor {
    let r = mapRaw(SqrtMap())
    return Tensor.record("sqrt", r, inputs: [self]) { g, _ in [g / (r * 2)] }
  }

  /// 1/√x.
  public func rsqrt() -> Tensor {
    let r = mapRaw(RsqrtMap())
    return Tensor.record("rsqrt", r, inputs: [self]) { g, _ in
      [g * r.mapRaw(RsqrtDerivativeMap())]
    }
  }

  /// |x| (gradient sign(x), 0 at 0).
  public func abs() -> Tensor {
    let x = self
    let r = mapRaw(AbsMap())
    return Tensor.record("abs", r, inputs: [self]) { g, _ in
      [g * x.mapRaw(SignMap())]
    }
  }

  /// x^p for a constant p.
  public func pow(_ p: Float) -> Tensor {
    let r = mapRaw(PowMap(p: p))
    let d = mapRaw(PowDerivativeMap(p: p))
    return Tensor.record("pow", r, inputs: [self]) { g, _ in [g * d] }
  }

  /// Clamps into [lo, hi]; the gradient is zero outside.
  public func clamped(_ lo: Float, _ hi: Float) -> Tensor {
    let r = mapRaw(ClampMap(lo: lo, hi: hi))
    let m = mapRaw(InsideMap(lo: lo, hi: hi))
    return Tensor.record("clamp", r, inputs: [self]) { g, _ in [g * m] }
  }

  /// log(1 + e^x), computed stably.
  public func softplus() -> Tensor {
    let r = mapRaw(SoftplusMap())
    let d = mapRaw(SigmoidMap())
    return Tensor.record("softplus", r, inputs: [self]) { g, _ in [g * d] }
  }

  /// Identity forward, gradient multiplied by `-scale` backward (domain-adversarial training).
  public func gradientReversed(scale: Float = 1) -> Tensor {
    let r = Tensor(shape: shape, storage: storage)
    return Tensor.record("gradReverse", r, inputs: [self]) { g, _ in [g * -scale] }
  }
}
