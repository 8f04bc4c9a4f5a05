// The evaluator network: attribute, expression and identity read-outs of a face.

import NN
import Tensor

/// A small CNN that judges faces: attribute logits, expression logits and an identity embedding.
///
/// Input `[N, 3, 128, 128]` in [-1, 1]. Five stride-2 3×3 convs (32, 64, 128, 128, 256
/// channels, leaky ReLU) down to 4×4, a 256-wide fully connected layer, then three heads:
/// `attributes` `[N, A]` (logits of the binary labels), `expressions` `[N, E]`, and
/// `embedding` `[N, 64]` (L2-normalized). The embedding is trained through a classifier over
/// training identities (`identityClasses`), which is discarded at evaluation time.
public final class Judge: Module {
  public let convs: [Conv2d]
  public let fc: Linear
  public let attributeHead: Linear
  public let expressionHead: Linear
  public let embeddingHead: Linear
  public let identityHead: Linear

  public init(attributes: Int, expressions: Int, identityClasses: Int, seed: UInt64 = 5) {
    var rng = SplitMix64(seed: seed)
    let widths = [3, 32, 64, 128, 128, 256]
    convs = (1..<widths.count).map {
      Conv2d(widths[$0 - 1], widths[$0], kernel: 3, stride: 2, padding: 1, rng: &rng)
    }
    fc = Linear(256 * 16, 256, rng: &rng)
    attributeHead = Linear(256, attributes, rng: &rng)
    expressionHead = Linear(256, expressions, rng: &rng)
    embeddingHead = Linear(256, 64, rng: &rng)
    identityHead = Linear(64, identityClasses, bias: false, rng: &rng)
  }

  /// Attribute logits, expression logits and normalized embeddings of `x`.
  public func callAsFunction(_ x: Tensor) -> (
    attributes: Tensor, expressions: Tensor, embedding: Tensor
  ) {
    var h = x
    if h.shape[2] != 128 { h = h.resizedBilinear(height: 128, width: 128) }
    for c in convs { h = c(h).leakyRelu(0.2) }
    h = fc(h.reshaped([x.shape[0], -1])).leakyRelu(0.2)
    let e = embeddingHead(h)
    let norm = e * (e.squared().sum(axes: [1], keepDims: true) + 1e-8).rsqrt()
    return (attributeHead(h), expressionHead(h), norm)
  }

  /// Identity-class logits from an embedding (training only), scaled as in a cosine classifier.
  public func identityLogits(_ embedding: Tensor) -> Tensor {
    identityHead(embedding) * 8
  }
}
