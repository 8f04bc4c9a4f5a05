// Elementwise functions as value types, so that loops split over threads stay vectorized.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A function of one float, applied elementwise by ``Tensor/mapRaw(_:)``.
///
/// A value type rather than a closure: the elementwise loop is specialized for each map, so the
/// function is inlined (and the loop vectorized) on the worker threads too. A closure handed to
/// the worker threads was called once per element, which made two-thread elementwise passes
/// several times slower than one-thread ones.
protocol UnaryFloatMap {
  func callAsFunction(_ x: Float) -> Float
}

/// A function of two floats, applied elementwise by ``Tensor/zipRaw(_:_:)``.
protocol BinaryFloatMap {
  func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// x·scale + shift.
struct AffineMap: UnaryFloatMap {
  let scale: Float
  let shift: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x * scale + shift }
}

/// x·up for x > 0, x·down otherwise (leaky ReLU with a gain).
struct LeakyMap: UnaryFloatMap {
  let up: Float
  let down: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x * up : x * down }
}

/// (a + b)·scale.
struct ScaledSumMap: BinaryFloatMap {
  let scale: Float
  @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { (a + b) * scale }
}

/// g·up where x > 0, g·down elsewhere (the leaky ReLU's backward).
struct SignScaledMap: BinaryFloatMap {
  let up: Float
  let down: Float
  @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
    x > 0 ? g * up : g * down
  }
}

/// tanh(x).
struct TanhMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { tanhf(x) }
}

/// 1 − y² of tanh's output y.
struct TanhDerivativeMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 - x * x }
}

/// 1 / (1 + e^−x), computed without overflow.
struct SigmoidMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
  }
}

/// y·(1 − y) of the sigmoid's output y.
struct SigmoidDerivativeMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x * (1 - x) }
}

/// e^x.
struct ExpMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { expf(x) }
}

/// ln x.
struct LogMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { logf(x) }
}

/// x².
struct SquareMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x }
}

/// √x.
struct SqrtMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { sqrtf(x) }
}

/// 1/√x.
struct RsqrtMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / sqrtf(x) }
}

/// −y³/2 of rsqrt's output y.
struct RsqrtDerivativeMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { -0.5 * x * x * x }
}

/// |x|.
struct AbsMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.abs(x) }
}

/// sign(x): 1, −1, or 0 at 0.
struct SignMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

/// log(1 + e^x), computed stably.
struct SoftplusMap: UnaryFloatMap {
  @inline(__always) func callAsFunction(_ x: Float) -> Float {
    Swift.max(x, 0) + log1pf(expf(-Swift.abs(x)))
  }
}

/// x^p.
struct PowMap: UnaryFloatMap {
  let p: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { powf(x, p) }
}

/// p·x^(p−1).
struct PowDerivativeMap: UnaryFloatMap {
  let p: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { p * powf(x, p - 1) }
}

/// x clamped into [lo, hi].
struct ClampMap: UnaryFloatMap {
  let lo: Float
  let hi: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.min(Swift.max(x, lo), hi) }
}

/// 1 inside [lo, hi], 0 outside.
struct InsideMap: UnaryFloatMap {
  let lo: Float
  let hi: Float
  @inline(__always) func callAsFunction(_ x: Float) -> Float { x >= lo && x <= hi ? 1 : 0 }
}
