// Weight initializers.

import Tensor

/// Standard initializations, all drawn from a seeded generator.
public enum Init {
  /// He/Kaiming normal for a weight with `fanIn` inputs and gain `gain`.
  public static func kaimingNormal(
    _ shape: [Int], fanIn: Int, gain: Float = Float(2).squareRoot(), rng: inout SplitMix64
  ) -> Tensor {
    Tensor.randomNormal(shape, std: gain / Float(fanIn).squareRoot(), using: &rng)
  }

  /// Normal with a given standard deviation.
  public static func normal(_ shape: [Int], std: Float, rng: inout SplitMix64) -> Tensor {
    Tensor.randomNormal(shape, std: std, using: &rng)
  }

  /// PyTorch's default for Linear and Conv2d: uniform in ±1/√fanIn (Kaiming uniform, a=√5).
  public static func torchDefault(_ shape: [Int], fanIn: Int, rng: inout SplitMix64) -> Tensor {
    let b = 1 / Float(max(fanIn, 1)).squareRoot()
    return Tensor.randomUniform(shape, -b, b, using: &rng)
  }
}
