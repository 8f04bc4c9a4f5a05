#!/usr/bin/env python3
"""Golden fixtures for the NN engine, computed with PyTorch.

Writes small float32 safetensors files to ``Tests/NNTests/Fixtures/`` that
``Tests/NNTests/TorchFixtureTests.swift`` compares our engine against. The fixtures are
committed; PyTorch is needed only to regenerate them, never in CI.

Run from the repository root:

    pip install torch numpy safetensors
    python scripts/fixtures.py            # rewrites Tests/NNTests/Fixtures/*.safetensors

The script is deterministic (fixed seeds, one thread, deterministic algorithms): running it
twice gives identical bytes for a given torch version.

File layout. Each file holds one or more *cases*; every key is ``<case>.<item>``:

* ``<case>.x``, ``<case>.style``, …   inputs
* ``<case>.param.<name>``             parameters, named as our Swift module names them, so
                                      ``module.load(file, prefix: "<case>.param.")`` works
* ``<case>.out``                      the forward output
* ``<case>.r``                        a fixed random tensor shaped like ``out``
* ``<case>.grad.<input or param.name>``  gradients of ``(out * r).sum()``

Everything is computed in float32, like our engine, so comparisons measure the engine and
not float64-vs-float32 rounding. Equalized-learning-rate layers store *unscaled* weights and
apply ``1/sqrt(fan_in)`` (times ``lr_mul``) at run time, as StyleGAN2's official code and our
``Linear``/``Conv2d``/``ModulatedConv2d`` do.
"""

from __future__ import annotations

import math
import os
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "NNTests", "Fixtures")

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
torch.set_default_dtype(torch.float32)


class Gen:
    """A seeded source of float32 test tensors."""

    def __init__(self, seed: int) -> None:
        self.g = torch.Generator().manual_seed(seed)

    def normal(self, *shape: int, std: float = 1.0) -> torch.Tensor:
        return (torch.randn(tuple(shape), generator=self.g, dtype=torch.float32) * std).contiguous()

    def uniform(self, *shape: int, lo: float = 0.0, hi: float = 1.0) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(tuple(shape), generator=self.g, dtype=torch.float32)

    def away_from_zero(self, *shape: int, margin: float = 0.05) -> torch.Tensor:
        """Normal samples with |x| >= margin (keeps ReLU-like kinks away from the data)."""
        x = self.normal(*shape)
        return torch.where(x.abs() < margin, torch.sign(x + 1e-12) * 2 * margin, x)


class Case:
    """Collects the tensors of one named case."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: dict[str, torch.Tensor] = {}

    def put(self, key: str, t: torch.Tensor) -> None:
        t = t.detach().to(torch.float32).contiguous().clone()
        full = f"{self.name}.{key}"
        assert full not in self.items, full
        self.items[full] = t

    def forward_backward(
        self,
        gen: Gen,
        fn,
        inputs: dict[str, torch.Tensor],
        params: dict[str, torch.Tensor] | None = None,
    ) -> torch.Tensor:
        """Stores inputs, params, out = fn(**inputs, **params), r and all gradients."""
        params = params or {}
        leaves = {k: v.detach().clone().requires_grad_(True) for k, v in inputs.items()}
        pleaves = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
        out = fn(**leaves, **{k.replace(".", "_"): v for k, v in pleaves.items()})
        r = gen.normal(*out.shape)
        loss = (out * r).sum()
        names = list(leaves) + [f"param.{k}" for k in pleaves]
        tensors = list(leaves.values()) + list(pleaves.values())
        grads = torch.autograd.grad(loss, tensors, allow_unused=True)
        for k, v in leaves.items():
            self.put(k, v)
        for k, v in pleaves.items():
            self.put(f"param.{k}", v)
        self.put("out", out)
        self.put("r", r)
        for n, g, t in zip(names, grads, tensors):
            self.put(f"grad.{n}", torch.zeros_like(t) if g is None else g)
        return out


def write(filename: str, cases: list[Case]) -> int:
    tensors: dict[str, torch.Tensor] = {}
    for c in cases:
        for k, v in c.items.items():
            assert v.dtype == torch.float32
            tensors[k] = v
    path = os.path.join(OUT_DIR, filename + ".safetensors")
    # One metadata key: safetensors writes the metadata map in hash order.
    save_file(tensors, path, metadata={"generator": f"scripts/fixtures.py, torch {torch.__version__}"})
    os.chmod(path, 0o644)
    return os.path.getsize(path)


# ---------------------------------------------------------------------------------------------
# Reference implementations that mirror our engine's definitions.


def blur_ref(x: torch.Tensor, pad_low: int = 1, pad_high: int = 2, stride: int = 1) -> torch.Tensor:
    """Our `blur(padLow:padHigh:stride:)`: zero-pad (low before, high after) on H and W, then the
    normalized [1,3,3,1]⊗[1,3,3,1]/64 FIR as a depthwise cross-correlation, then the stride."""
    c = x.shape[1]
    k1 = torch.tensor([1.0, 3.0, 3.0, 1.0]) / 8
    k2 = torch.outer(k1, k1)  # sums to 1
    w = k2.expand(c, 1, 4, 4).contiguous()
    xp = F.pad(x, [pad_low, pad_high, pad_low, pad_high])
    return F.conv2d(xp, w, stride=stride, groups=c)


def modulated_conv_ref(
    x, style, weight, affine_weight, affine_bias, bias, *, demodulate: bool, upsample: bool
):
    """StyleGAN2 modulated convolution, non-fused, as in Sources/NN/Layers/ModulatedConv2d.swift.

    styles = equalized affine (weight gain 1/sqrt(style_dim), bias stored with init 1);
    x * styles → [bilinear ×2, half-pixel centres] → conv with weight/sqrt(in·k·k), padding k//2 →
    × dcoefs with dcoefs = rsqrt(Σ_{i,kh,kw} (w·s)² + 1e-8), computed the official way on the
    per-sample modulated weight → + bias.
    """
    n, cin = x.shape[:2]
    cout, _, k, _ = weight.shape
    s = F.linear(style, affine_weight * (1 / math.sqrt(style.shape[1])), affine_bias)
    h = x * s.reshape(n, cin, 1, 1)
    if upsample:
        h = F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)
    wt = weight * (1 / math.sqrt(cin * k * k))
    y = F.conv2d(h, wt, padding=k // 2)
    if demodulate:
        wm = wt.unsqueeze(0) * s.reshape(n, 1, cin, 1, 1)  # [N, out, in, k, k]
        d = (wm.square().sum(dim=[2, 3, 4]) + 1e-8).rsqrt()
        y = y * d.reshape(n, cout, 1, 1)
    return y + bias.reshape(1, -1, 1, 1)


# ---------------------------------------------------------------------------------------------
# Cases.


def linear_cases() -> list[Case]:
    gen = Gen(1)
    plain = Case("linear")
    plain.forward_backward(
        gen,
        lambda x, weight, bias: F.linear(x, weight, bias),
        {"x": gen.normal(3, 5)},
        {"weight": gen.normal(4, 5, std=0.4), "bias": gen.normal(4, std=0.1)},
    )
    # Equalized with lr_mul 0.01 (StyleGAN's mapping network): w·lr/√in, b·lr.
    eq = Case("linear_eq")
    lr_mul = 0.01
    eq.forward_backward(
        gen,
        lambda x, weight, bias: F.linear(x, weight * (lr_mul / math.sqrt(6)), bias * lr_mul),
        {"x": gen.normal(2, 6)},
        {"weight": gen.normal(3, 6, std=1 / lr_mul), "bias": gen.normal(3, std=10.0)},
    )
    return [plain, eq]


def conv_cases() -> list[Case]:
    gen = Gen(2)
    c3 = Case("conv3x3")
    c3.forward_backward(
        gen,
        lambda x, weight, bias: F.conv2d(x, weight, bias, stride=1, padding=1),
        {"x": gen.normal(2, 3, 7, 7)},
        {"weight": gen.normal(5, 3, 3, 3, std=0.3), "bias": gen.normal(5, std=0.1)},
    )
    c4 = Case("conv4x4s2")
    c4.forward_backward(
        gen,
        lambda x, weight, bias: F.conv2d(x, weight, bias, stride=2, padding=1),
        {"x": gen.normal(2, 3, 7, 7)},
        {"weight": gen.normal(4, 3, 4, 4, std=0.3), "bias": gen.normal(4, std=0.1)},
    )
    # Equalized 3×3 with reflection padding (our Conv2d(equalized: true, reflect: true)).
    ceq = Case("conv3x3_eq_reflect")
    ceq.forward_backward(
        gen,
        lambda x, weight, bias: F.conv2d(
            F.pad(x, [1, 1, 1, 1], mode="reflect"), weight * (1 / math.sqrt(3 * 9)), bias
        ),
        {"x": gen.normal(1, 3, 6, 5)},
        {"weight": gen.normal(2, 3, 3, 3), "bias": gen.normal(2, std=0.1)},
    )
    dil = Case("conv_dilated")
    dil.forward_backward(
        gen,
        lambda x, weight, bias: F.conv2d(x, weight, bias, stride=1, padding=2, dilation=2),
        {"x": gen.normal(2, 3, 9, 8)},
        {"weight": gen.normal(4, 3, 3, 3, std=0.3), "bias": gen.normal(4, std=0.1)},
    )
    ct = Case("conv_transpose4x4s2")
    ct.forward_backward(
        gen,
        lambda x, weight, bias: F.conv_transpose2d(x, weight, bias, stride=2, padding=1),
        {"x": gen.normal(2, 4, 5, 5)},
        {"weight": gen.normal(4, 3, 4, 4, std=0.3), "bias": gen.normal(3, std=0.1)},
    )
    return [c3, c4, ceq, dil, ct]


def norm_activation_cases() -> list[Case]:
    gen = Gen(3)
    inorm = Case("instance_norm")
    inorm.forward_backward(
        gen,
        lambda x, weight, bias: F.instance_norm(x, weight=weight, bias=bias, eps=1e-5),
        {"x": gen.normal(2, 3, 5, 6) * 2 + 0.5},
        {"weight": 1 + gen.normal(3, std=0.3), "bias": gen.normal(3, std=0.3)},
    )
    acts = []
    for name, fn in [
        ("leaky_relu", lambda x: F.leaky_relu(x, 0.2)),
        ("tanh", torch.tanh),
        ("sigmoid", torch.sigmoid),
        ("softplus", F.softplus),
    ]:
        c = Case(name)
        c.forward_backward(gen, lambda x, fn=fn: fn(x), {"x": gen.away_from_zero(3, 17) * 3})
        acts.append(c)
    return [inorm] + acts


def resample_cases() -> list[Case]:
    gen = Gen(4)
    up = Case("bilinear_up")
    up.forward_backward(
        gen,
        lambda x: F.interpolate(x, size=(9, 13), mode="bilinear", align_corners=False),
        {"x": gen.normal(2, 2, 5, 6)},
    )
    down = Case("bilinear_down")
    down.forward_backward(
        gen,
        lambda x: F.interpolate(x, size=(4, 5), mode="bilinear", align_corners=False),
        {"x": gen.normal(2, 2, 9, 11)},
    )
    near = Case("nearest_up2")
    near.forward_backward(
        gen, lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), {"x": gen.normal(2, 2, 3, 4)}
    )
    pool = Case("avg_pool2")
    pool.forward_backward(gen, lambda x: F.avg_pool2d(x, 2), {"x": gen.normal(2, 2, 7, 6)})
    refl = Case("reflect_pad2")
    refl.forward_backward(
        gen, lambda x: F.pad(x, [2, 2, 2, 2], mode="reflect"), {"x": gen.normal(2, 2, 4, 5)}
    )
    blur = Case("blur")  # our default: padLow 1, padHigh 2, stride 1 (after a 2× upsample)
    blur.forward_backward(gen, lambda x: blur_ref(x, 1, 2, 1), {"x": gen.normal(2, 2, 6, 7)})
    blur_down = Case("blur_down")  # padLow 1, padHigh 1, stride 2 (anti-aliased downsample)
    blur_down.forward_backward(gen, lambda x: blur_ref(x, 1, 1, 2), {"x": gen.normal(2, 2, 8, 7)})
    return [up, down, near, pool, refl, blur, blur_down]


def modconv_cases() -> list[Case]:
    gen = Gen(5)
    cases = []
    for name, cin, cout, k, sdim, demod, up, hw in [
        ("modconv", 3, 4, 3, 5, True, False, 5),
        ("modconv_up", 3, 2, 3, 4, True, True, 3),
        ("modconv_rgb", 4, 3, 1, 5, False, False, 4),
    ]:
        c = Case(name)
        c.forward_backward(
            gen,
            lambda x, style, weight, affine_weight, affine_bias, bias, demod=demod, up=up: (
                modulated_conv_ref(
                    x, style, weight, affine_weight, affine_bias, bias, demodulate=demod, upsample=up
                )
            ),
            {"x": gen.normal(2, cin, hw, hw), "style": gen.normal(2, sdim)},
            {
                "weight": gen.normal(cout, cin, k, k),
                "affine.weight": gen.normal(cin, sdim),
                "affine.bias": 1 + gen.normal(cin, std=0.2),  # initialized to 1, then trained
                "bias": gen.normal(cout, std=0.1),
            },
        )
        cases.append(c)
    return cases


def loss_cases() -> list[Case]:
    gen = Gen(6)
    cases = []

    def two(name, fn, a, b, an="x", bn="y"):
        c = Case(name)
        c.forward_backward(gen, lambda **kw: fn(kw[an], kw[bn]), {an: a, bn: b})
        cases.append(c)

    two("l1", F.l1_loss, gen.normal(3, 4), gen.normal(3, 4))
    two("mse", F.mse_loss, gen.normal(3, 4), gen.normal(3, 4))
    c = Case("bce_logits")
    c.forward_backward(
        gen,
        lambda x, t: F.binary_cross_entropy_with_logits(x, t),
        {"x": gen.normal(3, 4) * 3, "t": gen.uniform(3, 4)},
    )
    cases.append(c)
    ce = Case("cross_entropy")
    labels = torch.tensor([2, 0, 4, 1])
    ce.forward_backward(gen, lambda x: F.cross_entropy(x, labels), {"x": gen.normal(4, 5) * 2})
    ce.put("labels", labels.to(torch.float32))
    cases.append(ce)
    real, fake = gen.away_from_zero(6) * 1.5, gen.away_from_zero(6) * 1.5
    two(
        "hinge_d",
        lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean(),
        real,
        fake,
        "real",
        "fake",
    )
    g = Case("hinge_g")
    g.forward_backward(gen, lambda fake: -fake.mean(), {"fake": gen.normal(6)})
    cases.append(g)
    two(
        "ns_d",
        lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean(),
        gen.normal(6) * 2,
        gen.normal(6) * 2,
        "real",
        "fake",
    )
    g = Case("ns_g")
    g.forward_backward(gen, lambda fake: F.softplus(-fake).mean(), {"fake": gen.normal(6) * 2})
    cases.append(g)
    return cases


def r1_case() -> Case:
    """R1 of D = linear(flatten(leaky_relu(conv3x3 s2 p1 (x)))), gradient w.r.t. D's weights."""
    gen = Gen(7)
    c = Case("r1")
    x = gen.normal(2, 3, 6, 6)
    params = {
        "conv.weight": gen.normal(4, 3, 3, 3, std=0.4),
        "conv.bias": gen.normal(4, std=0.1),
        "fc.weight": gen.normal(1, 36, std=0.3),
        "fc.bias": gen.normal(1, std=0.1),
    }
    p = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    xl = x.clone().requires_grad_(True)
    h = F.leaky_relu(F.conv2d(xl, p["conv.weight"], p["conv.bias"], stride=2, padding=1), 0.2)
    scores = F.linear(h.reshape(2, -1), p["fc.weight"], p["fc.bias"])
    (gx,) = torch.autograd.grad(scores.sum(), xl, create_graph=True)
    r1 = gx.square().sum() / x.shape[0]
    grads = torch.autograd.grad(r1, list(p.values()), allow_unused=True)
    c.put("x", x)
    for k, v in params.items():
        c.put(f"param.{k}", v)
    c.put("scores", scores)
    c.put("grad_x", gx)
    c.put("out", r1)
    for (k, v), g in zip(params.items(), grads):
        c.put(f"grad.param.{k}", torch.zeros_like(v) if g is None else g)
    return c


def adam_cases() -> list[Case]:
    """Two optimizer steps on a tiny MLP: params before, the gradients of each step, params after.

    Adam: L2 decay added to the gradient. AdamW: decoupled decay (param *= 1 - lr·wd first).
    """
    cases = []
    for name, cls, wd in [("adam", torch.optim.Adam, 0.1), ("adamw", torch.optim.AdamW, 0.05)]:
        gen = Gen(8)
        lr, b1, b2, eps = 1e-2, 0.5, 0.99, 1e-8
        c = Case(name)
        params = {
            "0.weight": gen.normal(3, 4, std=0.5),
            "0.bias": gen.normal(3, std=0.1),
            "1.weight": gen.normal(2, 3, std=0.5),
            "1.bias": gen.normal(2, std=0.1),
        }
        p = {k: v.clone().requires_grad_(True) for k, v in params.items()}
        opt = cls(p.values(), lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, foreach=False)
        for k, v in params.items():
            c.put(f"before.{k}", v)
        for step in (1, 2):
            x, y = gen.normal(5, 4), gen.normal(5, 2)
            opt.zero_grad()
            h = torch.tanh(F.linear(x, p["0.weight"], p["0.bias"]))
            loss = F.mse_loss(F.linear(h, p["1.weight"], p["1.bias"]), y)
            loss.backward()
            for k, v in p.items():
                c.put(f"grad{step}.{k}", v.grad)
            opt.step()
            for k, v in p.items():
                c.put(f"after{step}.{k}", v)
        for k, v in [("lr", lr), ("beta1", b1), ("beta2", b2), ("eps", eps), ("weight_decay", wd)]:
            c.put(k, torch.tensor(v, dtype=torch.float32))
        cases.append(c)
    return cases


def main() -> int:
    os.makedirs(OUT_DIR, exist_ok=True)
    files = {
        "linear": linear_cases(),
        "conv": conv_cases(),
        "norm_activations": norm_activation_cases(),
        "resample": resample_cases(),
        "modconv": modconv_cases(),
        "losses": loss_cases(),
        "r1": [r1_case()],
        "adam": adam_cases(),
    }
    total = 0
    for name, cases in files.items():
        size = write(name, cases)
        total += size
        print(f"{name + '.safetensors':28s} {size:8d} bytes  cases: {', '.join(c.name for c in cases)}")
    print(f"{'total':28s} {total:8d} bytes")
    if total > 300 * 1024:
        print("fixtures exceed 300 KB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
