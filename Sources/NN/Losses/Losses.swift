// Loss functions: all return a rank-0 tensor averaged over elements unless stated.

import Tensor

/// Reconstruction, classification and adversarial losses.
public enum Loss {
  /// Mean absolute error.
  public static func l1(_ x: Tensor, _ y: Tensor) -> Tensor { (x - y).abs().mean() }

  /// Weighted mean absolute error: Σ w·|x − y| / Σ w, with `weights` broadcast to `x`'s shape
  /// (for example `[N, 1, H, W]` against `[N, C, H, W]`); the weights are constants.
  public static func l1(_ x: Tensor, _ y: Tensor, weights w: Tensor) -> Tensor {
    let expanded = w.detached().expanded(to: x.shape)
    return ((x - y).abs() * expanded).sum() * (1 / max(expanded.sum().item, 1e-12))
  }

  /// Weighted L1 between the horizontal and vertical pixel differences of `x` and `y` (NCHW).
  ///
  /// `weights` `[N, 1, H, W]` (constants) is read at the second pixel of each pair; `y` is a
  /// constant target. Thin lines (wrinkles, lash lines) are where neighbouring pixels differ
  /// most: a plain L1 lets a faint, blurred line pass at about half the cost of a missing one,
  /// while this term asks for the line's edges where the target has them.
  public static func gradientL1(_ x: Tensor, _ y: Tensor, weights w: Tensor) -> Tensor {
    precondition(x.shape == y.shape && x.rank == 4, "NCHW batches of one shape")
    let (h, wd) = (x.shape[2], x.shape[3])
    func dx(_ t: Tensor) -> Tensor {
      t.slice(axis: 3, start: 1, length: wd - 1) - t.slice(axis: 3, start: 0, length: wd - 1)
    }
    func dy(_ t: Tensor) -> Tensor {
      t.slice(axis: 2, start: 1, length: h - 1) - t.slice(axis: 2, start: 0, length: h - 1)
    }
    let target = y.detached()
    let across = l1(dx(x), dx(target), weights: w.slice(axis: 3, start: 1, length: wd - 1))
    let down = l1(dy(x), dy(target), weights: w.slice(axis: 2, start: 1, length: h - 1))
    return (across + down) * 0.5
  }

  /// L1 between per-image standardised luminance of RGB batches `[N, 3, H, W]`.
  ///
  /// Each image's Rec. 601 luma is shifted to zero mean and scaled to unit deviation before the
  /// L1, so the loss compares structure (edges, shading, layout) and ignores each image's
  /// overall brightness and contrast. `y` is a constant target.
  public static func structureL1(_ x: Tensor, _ y: Tensor) -> Tensor {
    precondition(x.shape == y.shape && x.shape.count == 4 && x.shape[1] == 3, "RGB batches")
    func standardized(_ t: Tensor) -> Tensor {
      let luma =
        t.slice(axis: 1, start: 0, length: 1) * 0.299 + t.slice(axis: 1, start: 1, length: 1)
        * 0.587 + t.slice(axis: 1, start: 2, length: 1) * 0.114
      return luma.reshaped([t.shape[0], -1]).normalizedRows(eps: 1e-4)
    }
    return l1(standardized(x), standardized(y.detached()))
  }

  /// Mean squared error.
  public static func mse(_ x: Tensor, _ y: Tensor) -> Tensor { (x - y).squared().mean() }

  /// Binary cross-entropy on logits, mean over elements: softplus(x) − x·t (stable).
  public static func bceWithLogits(_ logits: Tensor, _ targets: Tensor) -> Tensor {
    (logits.softplus() - logits * targets).mean()
  }

  /// Cross-entropy of logits `[B, K]` against class indices, mean over the batch.
  public static func crossEntropy(_ logits: Tensor, labels: [Int]) -> Tensor {
    let k = logits.shape[1]
    precondition(
      labels.count == logits.shape[0], "crossEntropy: \(labels.count) labels for \(logits.shape)")
    var onehot = [Float](repeating: 0, count: labels.count * k)
    for (i, l) in labels.enumerated() { onehot[i * k + l] = 1 }
    let t = Tensor(onehot, shape: logits.shape)
    return -(logits.logSoftmax() * t).sum() * (1 / Float(labels.count))
  }

  /// Cross-entropy of logits `[B, K]` against soft target distributions `[B, K]`.
  public static func softCrossEntropy(_ logits: Tensor, targets: Tensor) -> Tensor {
    -(logits.logSoftmax() * targets).sum() * (1 / Float(logits.shape[0]))
  }

  /// Hinge loss for the discriminator: mean(relu(1 − real)) + mean(relu(1 + fake)).
  public static func hingeDiscriminator(real: Tensor, fake: Tensor) -> Tensor {
    (1 - real).relu().mean() + (fake + 1).relu().mean()
  }

  /// Hinge loss for the generator: −mean(fake).
  public static func hingeGenerator(fake: Tensor) -> Tensor { -fake.mean() }

  /// Non-saturating discriminator loss: softplus(−real) + softplus(fake).
  public static func nonSaturatingDiscriminator(real: Tensor, fake: Tensor) -> Tensor {
    (-real).softplus().mean() + fake.softplus().mean()
  }

  /// Non-saturating generator loss: softplus(−fake).
  public static func nonSaturatingGenerator(fake: Tensor) -> Tensor { (-fake).softplus().mean() }

  /// R1 penalty: mean over the batch of ‖∂D(x)/∂x‖², with `x` a leaf that requires gradients and `scores` = D(x).
  ///
  /// The result is differentiable with respect to D's parameters.
  public static func r1(scores: Tensor, inputs x: Tensor) -> Tensor {
    let g = Tape.gradients(of: scores.sum(), wrt: [x], createGraph: true)[0]
    return g.squared().sum() * (1 / Float(x.shape[0]))
  }

  /// WGAN-GP gradient penalty: mean over the batch of (‖∂D(x̂)/∂x̂‖ − 1)², `x̂` a leaf.
  public static func gradientPenalty(scores: Tensor, inputs x: Tensor) -> Tensor {
    let g = Tape.gradients(of: scores.sum(), wrt: [x], createGraph: true)[0]
    let n = x.shape[0]
    let norms = (g.reshaped([n, -1]).squared().sum(axes: [1]) + 1e-12).sqrt()
    return (norms - 1).squared().mean()
  }
}
