// StyleGAN2's modulated convolution, non-fused form.

import Tensor

/// A convolution whose input channels are scaled by a per-sample style and whose outputs are
/// demodulated to unit expected variance.
///
/// Input `[N, in, H, W]`, style vector `[N, styleDim]`; weight `[out, in, k, k]` (equalized,
/// scaled by `1/√(in·k·k)`); the affine map style → per-channel scales has bias initialized to 1.
/// Non-fused: `x·s` → shared convolution → `y·d`, with
/// `d[n, o] = 1/√(Σ_{i,kh,kw} (w[o,i,kh,kw]·s[n,i])² + 1e-8)`. With `upsample`, the input is
/// first doubled by bilinear resampling with half-pixel centres — StyleGAN2's [1,3,3,1]
/// upsampling filter, aligned with the decoder's bilinear RGB skip path.
public final class ModulatedConv2d: Module {
  public let weight: Tensor
  public let affine: Linear
  public let bias: Tensor?
  let scale: Float
  let demodulate: Bool
  let upsample: Bool
  let padding: Int

  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, styleDim: Int, demodulate: Bool = true,
    upsample: Bool = false, bias: Bool = true, rng: inout SplitMix64
  ) {
    weight = parameter(Init.normal([outChannels, inChannels, kernel, kernel], std: 1, rng: &rng))
    affine = Linear(styleDim, inChannels, equalized: true, biasInit: 1, rng: &rng)
    self.bias = bias ? parameter(Tensor(zeros: [outChannels])) : nil
    scale = 1 / Float(inChannels * kernel * kernel).squareRoot()
    self.demodulate = demodulate
    self.upsample = upsample
    padding = kernel / 2
  }

  /// Applies the layer to `x` with per-sample styles `w`.
  public func callAsFunction(_ x: Tensor, style w: Tensor) -> Tensor {
    let n = x.shape[0]
    let cin = x.shape[1]
    let s = affine(w)  // [N, in]
    var input = x * s.reshaped([n, cin, 1, 1])
    if upsample {
      input = input.resizedBilinear(height: 2 * x.shape[2], width: 2 * x.shape[3])
    }
    // The equalized scale is applied to the output (with the demodulation) instead of to a
    // scaled copy of the weight: conv(x, w·c) = c·conv(x, w).
    let y = Tensor.conv2d(input, weight, options: Conv2dOptions(padding: padding))
    if demodulate {
      let wsq = weight.squared().sum(axes: [2, 3])  // [out, in], unscaled
      // c·d with d = 1/√(c²·Σ (w·s)² + 1e-8).
      let d = (Tensor.matmul(s.squared(), wsq, transB: true) + 1e-8 / (scale * scale)).rsqrt()
      // Demodulation and bias in one pass.
      return y.channelAffine(scale: d, shift: bias)
    }
    let outChannels = weight.shape[0]
    return y.channelAffine(scale: Tensor(repeating: scale, shape: [outChannels]), shift: bias)
  }
}
