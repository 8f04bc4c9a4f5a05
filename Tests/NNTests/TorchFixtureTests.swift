// Golden comparisons against PyTorch: forward outputs and gradients of layers, resampling ops,
// losses, the R1 penalty (double backward) and Adam/AdamW steps.
//
// The fixtures under Fixtures/ come from scripts/fixtures.py (see its header for the key layout:
// `<case>.x`, `<case>.param.<name>`, `<case>.out`, `<case>.r`, `<case>.grad.<name>`); gradients
// are those of `(out * r).sum()`. Regenerate them with `python scripts/fixtures.py`.

import NN
import Tensor
import TestSupport
import XCTest

final class TorchFixtureTests: XCTestCase {
  // Forward and gradient tolerances (float32 on both sides, different summation orders).
  let forwardTol: (atol: Float, rtol: Float) = (1e-5, 1e-4)
  let gradTol: (atol: Float, rtol: Float) = (1e-4, 1e-3)

  /// A fixture file from the test bundle.
  func fixture(_ name: String) throws -> SafetensorsFile {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"),
      "missing fixture \(name).safetensors (run scripts/fixtures.py)")
    return try SafetensorsFile.read(path: url.path)
  }

  /// A required tensor of a fixture.
  func tensor(_ file: SafetensorsFile, _ key: String) throws -> Tensor {
    try XCTUnwrap(file[key], "fixture has no tensor \(key)")
  }

  /// Runs one case: loads the inputs named in `inputs` (`<case>.<name>`) as leaves, evaluates
  /// `forward`, compares with `<case>.out`, then compares the gradients of `(out * r).sum()` with
  /// respect to those inputs and to `module`'s parameters (loaded from `<case>.param.`).
  func check(
    _ file: SafetensorsFile, _ name: String, inputs: [String], module: Module? = nil,
    file sourceFile: StaticString = #filePath, line: UInt = #line,
    _ forward: ([String: Tensor]) -> Tensor
  ) throws {
    if let module { try module.load(file, prefix: "\(name).param.") }
    var leaves: [String: Tensor] = [:]
    for k in inputs { leaves[k] = try tensor(file, "\(name).\(k)").copy().requiringGrad() }
    let out = forward(leaves)
    assertClose(
      out, try tensor(file, "\(name).out"), atol: forwardTol.atol, rtol: forwardTol.rtol,
      "\(name) forward", file: sourceFile, line: line)
    let r = try tensor(file, "\(name).r")
    let params = module?.namedParameters.map { ("param.\($0.0)", $0.1) } ?? []
    let wrt = inputs.map { ($0, leaves[$0]!) } + params
    let grads = Tape.gradients(of: (out * r).sum(), wrt: wrt.map(\.1))
    for ((k, _), g) in zip(wrt, grads) {
      assertClose(
        g, try tensor(file, "\(name).grad.\(k)"), atol: gradTol.atol, rtol: gradTol.rtol,
        "\(name) gradient of \(k)", file: sourceFile, line: line)
    }
  }

  // MARK: Layers

  func testLinear() throws {
    let f = try fixture("linear")
    var rng = SplitMix64(seed: 1)
    let plain = Linear(5, 4, rng: &rng)
    try check(f, "linear", inputs: ["x"], module: plain) { plain($0["x"]!) }
    let eq = Linear(6, 3, equalized: true, lrMul: 0.01, rng: &rng)
    try check(f, "linear_eq", inputs: ["x"], module: eq) { eq($0["x"]!) }
  }

  func testConv2d() throws {
    let f = try fixture("conv")
    var rng = SplitMix64(seed: 2)
    let c3 = Conv2d(3, 5, kernel: 3, stride: 1, padding: 1, rng: &rng)
    try check(f, "conv3x3", inputs: ["x"], module: c3) { c3($0["x"]!) }
    let c4 = Conv2d(3, 4, kernel: 4, stride: 2, padding: 1, rng: &rng)
    try check(f, "conv4x4s2", inputs: ["x"], module: c4) { c4($0["x"]!) }
    let eq = Conv2d(3, 2, kernel: 3, padding: 1, reflect: true, equalized: true, rng: &rng)
    try check(f, "conv3x3_eq_reflect", inputs: ["x"], module: eq) { eq($0["x"]!) }
  }

  func testDilatedConv() throws {
    let f = try fixture("conv")
    try check(f, "conv_dilated", inputs: ["x", "param.weight", "param.bias"]) { t in
      Tensor.conv2d(
        t["x"]!, t["param.weight"]!, bias: t["param.bias"]!,
        options: Conv2dOptions(stride: 1, padding: 2, dilation: 2))
    }
  }

  func testConvTranspose2d() throws {
    let f = try fixture("conv")
    var rng = SplitMix64(seed: 3)
    let ct = ConvTranspose2d(4, 3, kernel: 4, stride: 2, padding: 1, rng: &rng)
    try check(f, "conv_transpose4x4s2", inputs: ["x"], module: ct) { ct($0["x"]!) }
  }

  func testInstanceNorm2d() throws {
    let f = try fixture("norm_activations")
    let norm = InstanceNorm2d(3)
    try check(f, "instance_norm", inputs: ["x"], module: norm) { norm($0["x"]!) }
  }

  func testActivations() throws {
    let f = try fixture("norm_activations")
    try check(f, "leaky_relu", inputs: ["x"]) { $0["x"]!.leakyRelu(0.2) }
    try check(f, "tanh", inputs: ["x"]) { $0["x"]!.tanh() }
    try check(f, "sigmoid", inputs: ["x"]) { $0["x"]!.sigmoid() }
    try check(f, "softplus", inputs: ["x"]) { $0["x"]!.softplus() }
  }

  // MARK: Resampling

  func testBilinear() throws {
    let f = try fixture("resample")
    try check(f, "bilinear_up", inputs: ["x"]) { $0["x"]!.resizedBilinear(height: 9, width: 13) }
    try check(f, "bilinear_down", inputs: ["x"]) { $0["x"]!.resizedBilinear(height: 4, width: 5) }
  }

  func testNearestPoolPad() throws {
    let f = try fixture("resample")
    try check(f, "nearest_up2", inputs: ["x"]) { $0["x"]!.upsampled(2) }
    try check(f, "avg_pool2", inputs: ["x"]) { $0["x"]!.avgPool2d(2) }
    try check(f, "reflect_pad2", inputs: ["x"]) { $0["x"]!.padded2d(2, reflect: true) }
  }

  func testBlur() throws {
    let f = try fixture("resample")
    try check(f, "blur", inputs: ["x"]) { $0["x"]!.blur(padLow: 1, padHigh: 2, stride: 1) }
    try check(f, "blur_down", inputs: ["x"]) { $0["x"]!.blur(padLow: 1, padHigh: 1, stride: 2) }
  }

  // MARK: StyleGAN2 modulated convolution

  func testModulatedConv2d() throws {
    let f = try fixture("modconv")
    var rng = SplitMix64(seed: 4)
    let cases: [(String, Int, Int, Int, Int, Bool, Bool)] = [
      ("modconv", 3, 4, 3, 5, true, false),
      ("modconv_up", 3, 2, 3, 4, true, true),
      ("modconv_rgb", 4, 3, 1, 5, false, false),
    ]
    for (name, cin, cout, k, styleDim, demodulate, upsample) in cases {
      let m = ModulatedConv2d(
        cin, cout, kernel: k, styleDim: styleDim, demodulate: demodulate, upsample: upsample,
        rng: &rng)
      try check(f, name, inputs: ["x", "style"], module: m) { m($0["x"]!, style: $0["style"]!) }
    }
  }

  // MARK: Losses

  func testLosses() throws {
    let f = try fixture("losses")
    try check(f, "l1", inputs: ["x", "y"]) { Loss.l1($0["x"]!, $0["y"]!) }
    try check(f, "mse", inputs: ["x", "y"]) { Loss.mse($0["x"]!, $0["y"]!) }
    try check(f, "bce_logits", inputs: ["x", "t"]) { Loss.bceWithLogits($0["x"]!, $0["t"]!) }
    let labels = try tensor(f, "cross_entropy.labels").scalars.map { Int($0) }
    try check(f, "cross_entropy", inputs: ["x"]) { Loss.crossEntropy($0["x"]!, labels: labels) }
    try check(f, "hinge_d", inputs: ["real", "fake"]) {
      Loss.hingeDiscriminator(real: $0["real"]!, fake: $0["fake"]!)
    }
    try check(f, "hinge_g", inputs: ["fake"]) { Loss.hingeGenerator(fake: $0["fake"]!) }
    try check(f, "ns_d", inputs: ["real", "fake"]) {
      Loss.nonSaturatingDiscriminator(real: $0["real"]!, fake: $0["fake"]!)
    }
    try check(f, "ns_g", inputs: ["fake"]) { Loss.nonSaturatingGenerator(fake: $0["fake"]!) }
  }

  // MARK: R1 penalty (double backward)

  /// conv 3×3 s2 p1 → leaky ReLU 0.2 → flatten → linear, as in scripts/fixtures.py.
  final class TinyDiscriminator: Module {
    let conv: Conv2d
    let fc: Linear
    init(rng: inout SplitMix64) {
      conv = Conv2d(3, 4, kernel: 3, stride: 2, padding: 1, rng: &rng)
      fc = Linear(36, 1, rng: &rng)
    }
    func callAsFunction(_ x: Tensor) -> Tensor {
      let h = conv(x).leakyRelu(0.2)
      return fc(h.reshaped([x.shape[0], -1]))
    }
  }

  func testR1PenaltyAndItsParameterGradient() throws {
    let f = try fixture("r1")
    var rng = SplitMix64(seed: 5)
    let d = TinyDiscriminator(rng: &rng)
    try d.load(f, prefix: "r1.param.")
    let x = try tensor(f, "r1.x").copy().requiringGrad()
    let scores = d(x)
    assertClose(
      scores, try tensor(f, "r1.scores"), atol: forwardTol.atol, rtol: forwardTol.rtol, "r1 scores")
    let gx = Tape.gradients(of: scores.sum(), wrt: [x])[0]
    assertClose(gx, try tensor(f, "r1.grad_x"), atol: gradTol.atol, rtol: gradTol.rtol, "r1 ∂D/∂x")
    let penalty = Loss.r1(scores: scores, inputs: x)
    assertClose(
      penalty, try tensor(f, "r1.out"), atol: forwardTol.atol, rtol: forwardTol.rtol, "r1 value")
    let named = d.namedParameters
    let grads = Tape.gradients(of: penalty, wrt: named.map(\.1))
    for ((name, _), g) in zip(named, grads) {
      assertClose(
        g, try tensor(f, "r1.grad.param.\(name)"), atol: gradTol.atol, rtol: gradTol.rtol,
        "r1 gradient of \(name)")
    }
  }

  // MARK: Optimizers

  func adamSteps(_ name: String, decoupled: Bool) throws {
    let f = try fixture("adam")
    let names = ["0.weight", "0.bias", "1.weight", "1.bias"]
    let params = try names.map { try tensor(f, "\(name).before.\($0)").copy().requiringGrad() }
    let opt = Adam(
      parameters: params, learningRate: try tensor(f, "\(name).lr").item,
      beta1: try tensor(f, "\(name).beta1").item, beta2: try tensor(f, "\(name).beta2").item,
      eps: try tensor(f, "\(name).eps").item,
      weightDecay: try tensor(f, "\(name).weight_decay").item, decoupled: decoupled)
    for step in 1...2 {
      for (k, p) in zip(names, params) { p.grad = try tensor(f, "\(name).grad\(step).\(k)").copy() }
      opt.update()
      for (k, p) in zip(names, params) {
        assertClose(
          p.detached(), try tensor(f, "\(name).after\(step).\(k)"), atol: forwardTol.atol,
          rtol: forwardTol.rtol, "\(name) step \(step) \(k)")
      }
    }
  }

  func testAdamWithL2Decay() throws { try adamSteps("adam", decoupled: false) }

  func testAdamWDecoupledDecay() throws { try adamSteps("adamw", decoupled: true) }
}
