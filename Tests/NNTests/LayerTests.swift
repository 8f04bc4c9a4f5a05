// Layers, optimizers and schedules that the PyTorch fixtures do not cover.

import NN
import Tensor
import TestSupport
import XCTest

final class LayerTests: XCTestCase {
  func testSpectralNormBringsTheLargestSingularValueToOne() {
    var rng = SplitMix64(seed: 8)
    let w = Tensor.randomNormal([6, 4, 3, 3], std: 2, using: &rng)
    let sn = SpectralNorm(outFeatures: 6, rng: &rng)
    var normalized = w
    for _ in 0..<50 { normalized = withNoGrad { sn(w) } }
    // Largest singular value of the normalized [6, 36] matrix by many power iterations.
    let m = normalized.reshaped([6, -1])
    var v = Tensor(repeating: 1, shape: [36, 1])
    var sigma: Float = 0
    for _ in 0..<200 {
      let u = Tensor.matmul(m, v)
      let nv = Tensor.matmul(m, u, transA: true)
      let norm = nv.squared().sum().sqrt().item
      v = nv / norm
      sigma = u.squared().sum().sqrt().item
    }
    XCTAssertEqual(sigma, 1, accuracy: 1e-2)
  }

  func testSpectralNormGradientFlowsToWeight() {
    var rng = SplitMix64(seed: 9)
    let sn = SpectralNorm(outFeatures: 3, rng: &rng)
    assertGradients([randomAwayFromZero([3, 4], seed: 10)], tolerance: 3e-2) {
      sn($0[0], update: false)
    }
  }

  func testLearningRateSchedules() {
    XCTAssertEqual(LearningRateSchedule.constant(0.1).rate(at: 99), 0.1)
    XCTAssertEqual(LearningRateSchedule.warmup(base: 1, steps: 4).rate(at: 1), 0.5)
    XCTAssertEqual(LearningRateSchedule.warmup(base: 1, steps: 4).rate(at: 10), 1)
    let d = LearningRateSchedule.linearDecay(base: 2, decayStart: 10, total: 20)
    XCTAssertEqual(d.rate(at: 5), 2)
    XCTAssertEqual(d.rate(at: 15), 1)
    XCTAssertEqual(d.rate(at: 20), 0)
    let c = LearningRateSchedule.cosine(base: 1, floor: 0, total: 10)
    XCTAssertEqual(c.rate(at: 0), 1, accuracy: 1e-6)
    XCTAssertEqual(c.rate(at: 5), 0.5, accuracy: 1e-6)
    XCTAssertEqual(c.rate(at: 10), 0, accuracy: 1e-6)
  }

  func testEMAMovesTowardParameters() {
    let p = Tensor([0, 0], shape: [2]).requiringGrad()
    let ema = EMA(parameters: [p], beta: 0.5)
    ema.updates = 1000  // past the warm-up: the decay is β itself
    p.assign(Tensor([2, 4], shape: [2]))
    ema.update([p])
    XCTAssertEqual(ema.shadow[0].scalars, [1, 2])
    let q = Tensor(zeros: [2])
    ema.copy(into: [q])
    XCTAssertEqual(q.scalars, [1, 2])
  }

  func testEMAWarmUpFollowsEarlyWeightsClosely() {
    let p = Tensor([0], shape: [1]).requiringGrad()
    let ema = EMA(parameters: [p], beta: 0.999)
    p.assign(Tensor([1], shape: [1]))
    ema.update([p])
    // First decay is 1/10, so the average moves 90% of the way at once.
    XCTAssertEqual(ema.shadow[0].scalars[0], 0.9, accuracy: 1e-6)
    XCTAssertEqual(ema.updates, 1)
  }

  func testAdamMinimizesAQuadratic() {
    let x = Tensor([3, -2], shape: [2]).requiringGrad()
    let opt = Adam(parameters: [x], learningRate: 0.1)
    for _ in 0..<300 {
      x.grad = nil
      (x - Tensor([1, 1], shape: [2])).squared().sum().backward()
      opt.update()
    }
    assertClose(x.detached(), Tensor([1, 1], shape: [2]), atol: 1e-2)
  }

  func testAdamScalesMultiplyOneParameterStep() {
    // Adam's first step moves every element by lr (the update is the gradient's sign).
    let a = Tensor([1, 1], shape: [2]).requiringGrad()
    let b = Tensor([1, 1], shape: [2]).requiringGrad()
    let opt = Adam(parameters: [a, b], learningRate: 0.01)
    opt.scales = [1, 100]
    (a.sum() + b.sum()).backward()
    opt.update()
    assertClose(a.detached(), Tensor([0.99, 0.99], shape: [2]), atol: 1e-6)
    assertClose(b.detached(), Tensor([0, 0], shape: [2]), atol: 1e-5)
  }

  func testModuleParameterNamesAreDottedPaths() {
    final class Block: Module {
      let conv: Conv2d
      let layers: [Linear]
      init(rng: inout SplitMix64) {
        conv = Conv2d(2, 3, kernel: 3, rng: &rng)
        layers = [Linear(3, 4, rng: &rng), Linear(4, 5, bias: false, rng: &rng)]
      }
    }
    var rng = SplitMix64(seed: 1)
    let names = Block(rng: &rng).namedParameters.map(\.0)
    XCTAssertEqual(
      names, ["conv.weight", "conv.bias", "layers.0.weight", "layers.0.bias", "layers.1.weight"])
  }

  func testConv1dMatchesConv2dOnARow() {
    var rng = SplitMix64(seed: 2)
    let c = Conv1d(3, 2, kernel: 3, bias: true, equalized: false, rng: &rng)
    let x = Tensor.randomNormal([2, 3, 7], using: &rng)
    let y = c(x)
    let ref = Tensor.conv2d(
      x.reshaped([2, 3, 1, 7]).padded(axis: 3, before: 1, after: 1),
      c.weight.reshaped([2, 3, 1, 3]),
      bias: c.bias)
    assertClose(y, ref.reshaped([2, 2, 7]))
  }
}
