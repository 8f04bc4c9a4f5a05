// S2F-DEC: a bias-free network that maps (latent, edit amounts) to a latent offset.

import NN
import Tensor

/// The decomposition network M: `r' = r + d(r, a)` with `d = 0` exactly when `a = 0`.
///
/// The input is a `[N, A + 1, latentDim]` signal: rows `e_j·a_j` (learned embeddings `e`,
/// initialized to zero) and one row `r·[a ≠ 0]`. Bias-free Modify blocks (conv1d) and a final
/// 1×1 conv give `d`. With `a = 0` the input is zero and so is `d`.
public final class AttributeDecomposer: Module {
  public let embedding: Tensor
  public let blocks: [ModifyBlock]
  public let out: Conv1d

  public init(config c: S2FConfig, rng: inout SplitMix64) {
    embedding = parameter(Tensor(zeros: [c.attributeCount, c.latentDim]))
    var b: [ModifyBlock] = [ModifyBlock(c.attributeCount + 1, c.decChannels, rng: &rng)]
    for _ in 1..<max(c.decBlocks, 1) {
      b.append(ModifyBlock(c.decChannels, c.decChannels, rng: &rng))
    }
    blocks = b
    out = Conv1d(c.decChannels, 1, kernel: 1, rng: &rng)
  }

  /// The edited latent `[N, latentDim]` for latents `r` and amounts `a` (`[N, A]`).
  public func callAsFunction(_ r: Tensor, amounts a: Tensor) -> Tensor {
    let n = r.shape[0]
    let (count, dim) = (embedding.shape[0], embedding.shape[1])
    let rows = a.reshaped([n, count, 1]) * embedding.reshaped([1, count, dim])
    let active = Tensor(
      (0..<n).map { i in a.scalars[(i * count)..<((i + 1) * count)].contains { $0 != 0 } ? 1 : 0 },
      shape: [n, 1, 1])
    var h = Tensor.concat([rows, r.reshaped([n, 1, dim]) * active], axis: 1)
    for b in blocks { h = b(h) }
    return r + out(h).reshaped([n, dim])
  }
}

/// One Modify block: `b = δ(x)`, `c = normalize_channels(f1(b))`, out = `f2(c·cᵀ·f3(b)) + f4(x)`.
public final class ModifyBlock: Module {
  public let delta1: Conv1d
  public let delta2: Conv1d
  public let f1: Conv1d
  public let f2: Conv1d
  public let f3: Conv1d
  public let f4: Conv1d

  public init(_ inChannels: Int, _ channels: Int, rng: inout SplitMix64) {
    delta1 = Conv1d(inChannels, channels, kernel: 3, rng: &rng)
    delta2 = Conv1d(channels, channels, kernel: 3, rng: &rng)
    f1 = Conv1d(channels, channels, kernel: 3, rng: &rng)
    f2 = Conv1d(channels, channels, kernel: 3, rng: &rng)
    f3 = Conv1d(channels, channels, kernel: 3, rng: &rng)
    f4 = Conv1d(inChannels, channels, kernel: 1, rng: &rng)
  }

  public func callAsFunction(_ x: Tensor) -> Tensor {
    let b = delta2(delta1(x).leakyRelu(0.2)).leakyRelu(0.2)
    let f = f1(b)
    let c = f * (f.squared().sum(axes: [1], keepDims: true) + 1e-8).rsqrt()
    let affinity = Tensor.bmm(c, c, transB: true)  // [N, C, C]
    return f2(Tensor.bmm(affinity, f3(b))) + f4(x)
  }
}
