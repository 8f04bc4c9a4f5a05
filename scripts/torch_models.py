"""PyTorch twins of Visage's networks (SARGAN-lite and S2FGAN-lite), for checking and timing.

Every module mirrors its Swift counterpart in Sources/Models and Sources/NN line by line, and
its parameters carry the Swift property paths as names (``decoder.upConvs.0.affine.weight``,
``blocks.0.attention.up1Outer.conv.weight``), so our safetensors files load as they are:

    from torch_models import build_s2fgan, build_sargan_generator, load_weights
    model, meta = load_weights("assets/models/s2fgan.safetensors")      # builds from `config`
    sargan, _ = load_weights("assets/models/sargan.safetensors")

Loading is strict: a missing, unexpected or wrongly shaped tensor is an error. Parameters are
stored as in our files (unit-variance equalized weights); the run-time scales (1/√fan-in,
lrMul) are applied in ``forward`` exactly as the Swift layers do.

Needs torch, numpy and safetensors (development only; never part of CI).
"""

from __future__ import annotations

import json
import math
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

SQRT2 = math.sqrt(2.0)

# ---------------------------------------------------------------------------------------------
# Ops (Sources/Tensor/Ops/Tensor+Resample.swift, Sources/Tensor/Kernels/AxisMap.swift)


def scaled_leaky_relu(x: torch.Tensor) -> torch.Tensor:
    """leaky_relu(0.2)·√2 (Sources/Models/Blocks/ConvLayer.swift)."""
    return F.leaky_relu(x, 0.2) * SQRT2


def pixel_norm(x: torch.Tensor) -> torch.Tensor:
    """x / √(mean(x², dim 1) + 1e-8) for [N, D]."""
    return x * torch.rsqrt(x.square().mean(dim=1, keepdim=True) + 1e-8)


_BLUR_1D = torch.tensor([1.0, 3.0, 3.0, 1.0]) / 8.0


def blur(x: torch.Tensor, pad_low: int = 1, pad_high: int = 2, stride: int = 1) -> torch.Tensor:
    """Separable FIR [1,3,3,1]/8 on H and W, zero padding pad_low/pad_high, then a stride."""
    c = x.shape[1]
    k1 = _BLUR_1D.to(dtype=x.dtype, device=x.device)
    k2 = torch.outer(k1, k1)  # the kernel is symmetric: correlation == convolution
    w = k2.view(1, 1, 4, 4).expand(c, 1, 4, 4)
    x = F.pad(x, [pad_low, pad_high, pad_low, pad_high])
    return F.conv2d(x, w, stride=stride, groups=c)


def upsample_nearest2(x: torch.Tensor) -> torch.Tensor:
    """Nearest ×2 (source index floor(o·n/m), as AxisMap.nearest)."""
    return F.interpolate(x, scale_factor=2, mode="nearest")


def resize_bilinear(x: torch.Tensor, size: int) -> torch.Tensor:
    """Half-pixel-centre bilinear resize without antialiasing (AxisMap.linear)."""
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=False)


class _GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):  # noqa: D401
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return -g


def gradient_reversed(x: torch.Tensor) -> torch.Tensor:
    return _GradientReversal.apply(x)


# ---------------------------------------------------------------------------------------------
# Layers (Sources/NN/Layers)


class Linear(nn.Module):
    """y = x·(scale·W)ᵀ + biasScale·b; equalized: scale = lrMul/√in, biasScale = lrMul."""

    def __init__(self, fin: int, fout: int, bias: bool = True, equalized: bool = False,
                 lr_mul: float = 1.0, bias_init: float = 0.0):
        super().__init__()
        if equalized:
            self.weight = nn.Parameter(torch.randn(fout, fin) / lr_mul)
            self.scale = lr_mul / math.sqrt(fin)
        else:
            bound = 1 / math.sqrt(fin)
            self.weight = nn.Parameter(torch.empty(fout, fin).uniform_(-bound, bound))
            self.scale = 1.0
        self.bias_scale = lr_mul if equalized else 1.0
        self.bias = (nn.Parameter(torch.full((fout,), bias_init / (lr_mul if equalized else 1.0)))
                     if bias else None)

    def forward(self, x):
        w = self.weight if self.scale == 1 else self.weight * self.scale
        y = x @ w.t()
        if self.bias is not None:
            y = y + (self.bias if self.bias_scale == 1 else self.bias * self.bias_scale)
        return y


class Conv2d(nn.Module):
    """Weight [out, in, k, k]; equalized scale 1/√(in·k·k); optional reflection padding."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0,
                 bias: bool = True, reflect: bool = False, equalized: bool = False):
        super().__init__()
        fan_in = cin * kernel * kernel
        if equalized:
            self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
            self.scale = 1 / math.sqrt(fan_in)
        else:
            bound = 1 / math.sqrt(fan_in)
            self.weight = nn.Parameter(torch.empty(cout, cin, kernel, kernel).uniform_(-bound, bound))
            self.scale = 1.0
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
        self.stride = stride
        self.reflect = reflect
        self.padding = padding

    def forward(self, x):
        w = self.weight if self.scale == 1 else self.weight * self.scale
        if self.reflect and self.padding > 0:
            x = F.pad(x, [self.padding] * 4, mode="reflect")
            return F.conv2d(x, w, self.bias, stride=self.stride)
        return F.conv2d(x, w, self.bias, stride=self.stride, padding=self.padding)


class ConvTranspose2d(nn.Module):
    """Weight [in, out, k, k] (PyTorch layout)."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0,
                 output_padding: int = 0, bias: bool = True):
        super().__init__()
        bound = 1 / math.sqrt(cout * kernel * kernel)
        self.weight = nn.Parameter(torch.empty(cin, cout, kernel, kernel).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
        self.stride, self.padding, self.output_padding = stride, padding, output_padding

    def forward(self, x):
        return F.conv_transpose2d(x, self.weight, self.bias, stride=self.stride,
                                  padding=self.padding, output_padding=self.output_padding)


class Conv1d(nn.Module):
    """Weight [out, in, k]; same zero padding k/2; equalized (default) scale 1/√(in·k)."""

    def __init__(self, cin: int, cout: int, kernel: int, bias: bool = False, equalized: bool = True):
        super().__init__()
        assert kernel % 2 == 1
        if equalized:
            self.weight = nn.Parameter(torch.randn(cout, cin, kernel))
            self.scale = 1 / math.sqrt(cin * kernel)
        else:
            bound = 1 / math.sqrt(cin * kernel)
            self.weight = nn.Parameter(torch.empty(cout, cin, kernel).uniform_(-bound, bound))
            self.scale = 1.0
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None

    def forward(self, x):
        w = self.weight if self.scale == 1 else self.weight * self.scale
        return F.conv1d(x, w, self.bias, padding=self.weight.shape[2] // 2)


class InstanceNorm2d(nn.Module):
    """Per-image, per-channel statistics (biased variance, eps 1e-5) and a [C] affine."""

    def __init__(self, channels: int, affine: bool = True, eps: float = 1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels)) if affine else None
        self.bias = nn.Parameter(torch.zeros(channels)) if affine else None
        self.eps = eps

    def forward(self, x):
        return F.instance_norm(x, weight=self.weight, bias=self.bias, eps=self.eps)


class ModulatedConv2d(nn.Module):
    """StyleGAN2 modulated convolution, non-fused (Sources/NN/Layers/ModulatedConv2d.swift)."""

    def __init__(self, cin: int, cout: int, kernel: int, style_dim: int, demodulate: bool = True,
                 upsample: bool = False, bias: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.affine = Linear(style_dim, cin, equalized=True, bias_init=1.0)
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None
        self.scale = 1 / math.sqrt(cin * kernel * kernel)
        self.demodulate = demodulate
        self.upsample = upsample
        self.padding = kernel // 2

    def forward(self, x, w):
        n, cin = x.shape[0], x.shape[1]
        s = self.affine(w)  # [N, in]
        h = x * s.view(n, cin, 1, 1)
        if self.upsample:
            h = F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)
        wt = self.weight * self.scale
        y = F.conv2d(h, wt, padding=self.padding)
        if self.demodulate:
            wsq = wt.square().sum(dim=(2, 3))  # [out, in]
            d = torch.rsqrt(s.square() @ wsq.t() + 1e-8)  # [N, out]
            y = y * d.view(n, -1, 1, 1)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1)
        return y


# ---------------------------------------------------------------------------------------------
# Blocks (Sources/Models/Blocks/ConvLayer.swift)


class ConvLayer(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int, downsample: bool = False,
                 activate: bool = True, bias: bool = True):
        super().__init__()
        self.downsample, self.activate = downsample, activate
        self.conv = Conv2d(cin, cout, kernel, stride=2 if downsample else 1,
                           padding=0 if downsample else kernel // 2, bias=bias, equalized=True)

    def forward(self, x):
        h = x
        if self.downsample:
            k = self.conv.weight.shape[2]
            p = (4 - 2) + (k - 1)
            h = blur(h, pad_low=(p + 1) // 2, pad_high=p // 2)
        h = self.conv(h)
        return scaled_leaky_relu(h) if self.activate else h


class ResBlockDown(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv1 = ConvLayer(cin, cin, 3)
        self.conv2 = ConvLayer(cin, cout, 3, downsample=True)
        self.skip = ConvLayer(cin, cout, 1, downsample=True, activate=False, bias=False)

    def forward(self, x):
        return (self.conv2(self.conv1(x)) + self.skip(x)) * (1 / SQRT2)


# ---------------------------------------------------------------------------------------------
# S2FGAN-lite (Sources/Models/S2FGAN)


class EncoderHead(nn.Module):
    def __init__(self, channels: int, latent_dim: int):
        super().__init__()
        self.fc1 = Linear(channels * 4, latent_dim, equalized=True, lr_mul=0.01)
        self.fc2 = Linear(latent_dim, latent_dim, equalized=True, lr_mul=0.01)

    def forward(self, h):
        n = h.shape[0]
        pooled = F.avg_pool2d(h, h.shape[2] // 2).reshape(n, -1)
        return scaled_leaky_relu(self.fc2(scaled_leaky_relu(self.fc1(pooled))))


class LatentEncoder(nn.Module):
    def __init__(self, in_channels: int, c: dict):
        super().__init__()
        ch = c["encoderChannels"]
        d = c["latentDim"]
        self.stem = ConvLayer(in_channels, ch[0], 1)
        self.blocks = nn.ModuleList([ResBlockDown(ch[i - 1], ch[i]) for i in range(1, len(ch))])
        self.heads = nn.ModuleList([EncoderHead(ch[i], d) for i in range(1, len(ch))])
        self.mlp1 = Linear(d, d, equalized=True, lr_mul=0.01)
        self.mlp2 = Linear(d, d, equalized=True, lr_mul=0.01)
        layout = c.get("layoutChannels", 0)
        # The layout maps come from the stage whose output is layoutSize² (the last by default).
        self.layout_stage = (c["imageSize"] // c.get("layoutSize", 4)).bit_length() - 1
        self.layout = ConvLayer(ch[self.layout_stage], layout, 1, activate=False) if layout > 0 else None

    def forward(self, x):
        h = self.stem(x)
        total = None
        stage = h
        for i, (block, head) in enumerate(zip(self.blocks, self.heads)):
            h = block(h)
            if i + 1 == self.layout_stage:
                stage = h
            z = head(h)
            total = z if total is None else total + z
        mean = total * (1 / len(self.heads))
        g = self.mlp2(scaled_leaky_relu(self.mlp1(pixel_norm(mean))))
        if self.layout is None:
            return g
        # The layout latent: that stage's features through a 1×1 conv, flattened channel-major.
        return torch.cat([g, self.layout(stage).reshape(h.shape[0], -1)], dim=1)


class StyleDecoder(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        ch = c["decoderChannels"]
        d = c["latentDim"]
        self.constant = nn.Parameter(torch.randn(1, ch[0], 4, 4))
        self.conv0 = ModulatedConv2d(ch[0], ch[0], 3, d)
        self.rgb0 = ModulatedConv2d(ch[0], 3, 1, d, demodulate=False)
        self.upConvs = nn.ModuleList(
            [ModulatedConv2d(ch[i - 1], ch[i], 3, d, upsample=True) for i in range(1, len(ch))])
        self.convs = nn.ModuleList([ModulatedConv2d(ch[i], ch[i], 3, d) for i in range(1, len(ch))])
        self.rgbs = nn.ModuleList(
            [ModulatedConv2d(ch[i], 3, 1, d, demodulate=False) for i in range(1, len(ch))])
        layout = c.get("layoutChannels", 0)
        self.layout_size = c.get("layoutSize", 4)
        # Resolution index (0 = 4×4) where the projected layout maps are added.
        self.layout_level = (self.layout_size // 4).bit_length() - 1
        self.layout = ConvLayer(layout, ch[self.layout_level], 1, activate=False) if layout > 0 else None
        self.latent_dim = d

    def forward(self, z):
        n = z.shape[0]
        h = self.constant.expand(n, *self.constant.shape[1:])
        w = z
        projected = None
        if self.layout is not None:
            w = z[:, :self.latent_dim]
            s = self.layout_size
            projected = self.layout(z[:, self.latent_dim:].reshape(n, -1, s, s))
        if projected is not None and self.layout_level == 0:
            h = h + projected
        h = scaled_leaky_relu(self.conv0(h, w))
        rgb = self.rgb0(h, w)
        for i, (up, conv, to_rgb) in enumerate(zip(self.upConvs, self.convs, self.rgbs)):
            h = scaled_leaky_relu(up(h, w))
            if projected is not None and self.layout_level == i + 1:
                h = h + projected
            h = scaled_leaky_relu(conv(h, w))
            rgb = resize_bilinear(rgb, h.shape[2]) + to_rgb(h, w)
        return rgb


class AttributeDirections(nn.Module):
    def __init__(self, latent_dim: int, attributes: int):
        super().__init__()
        self.weight = nn.Parameter(
            torch.randn(latent_dim, attributes) * math.sqrt(2 / (latent_dim + attributes)))

    def normalized(self):
        return self.weight * torch.rsqrt(self.weight.square().sum(dim=0, keepdim=True) + 1e-12)

    def scores(self, r):
        return r @ self.normalized()

    def edit(self, r, a):
        return r + a @ self.normalized().t()

    def orthogonality_loss(self):
        w = self.normalized()
        eye = torch.eye(w.shape[1], dtype=w.dtype, device=w.device)
        return (w.t() @ w - eye).abs().mean()


class ModifyBlock(nn.Module):
    def __init__(self, cin: int, channels: int):
        super().__init__()
        self.delta1 = Conv1d(cin, channels, 3)
        self.delta2 = Conv1d(channels, channels, 3)
        self.f1 = Conv1d(channels, channels, 3)
        self.f2 = Conv1d(channels, channels, 3)
        self.f3 = Conv1d(channels, channels, 3)
        self.f4 = Conv1d(cin, channels, 1)

    def forward(self, x):
        b = F.leaky_relu(self.delta2(F.leaky_relu(self.delta1(x), 0.2)), 0.2)
        f = self.f1(b)
        c = f * torch.rsqrt(f.square().sum(dim=1, keepdim=True) + 1e-8)
        affinity = torch.bmm(c, c.transpose(1, 2))  # [N, C, C]
        return self.f2(torch.bmm(affinity, self.f3(b))) + self.f4(x)


class AttributeDecomposer(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        a, d = c["attributeCount"], c["latentDim"]
        self.embedding = nn.Parameter(torch.zeros(a, d))
        blocks = [ModifyBlock(a + 1, c["decChannels"])]
        for _ in range(1, max(c["decBlocks"], 1)):
            blocks.append(ModifyBlock(c["decChannels"], c["decChannels"]))
        self.blocks = nn.ModuleList(blocks)
        self.out = Conv1d(c["decChannels"], 1, 1)

    def forward(self, r, a):
        n = r.shape[0]
        count, dim = self.embedding.shape
        rows = a.reshape(n, count, 1) * self.embedding.reshape(1, count, dim)
        active = (a != 0).any(dim=1).to(r.dtype).reshape(n, 1, 1)
        h = torch.cat([rows, r.reshape(n, 1, dim) * active], dim=1)
        for b in self.blocks:
            h = b(h)
        return r + self.out(h).reshape(n, dim)


class LayoutEditor(nn.Module):
    """layout' = layout + Σ_j a_j·D_j(layout); D: three 3×3 convs with leaky ReLU 0.2."""

    def __init__(self, c: dict):
        super().__init__()
        ch, w, a = c["layoutChannels"], c["layoutEditWidth"], c["attributeCount"]
        self.conv1 = Conv2d(ch, w, 3, padding=1)
        self.conv2 = Conv2d(w, w, 3, padding=1)
        self.conv3 = Conv2d(w, ch * a, 3, padding=1)
        self.attributes = a

    def forward(self, maps, a):
        n = maps.shape[0]
        h = F.leaky_relu(self.conv2(F.leaky_relu(self.conv1(maps), 0.2)), 0.2)
        fields = self.conv3(h).reshape(n, self.attributes, -1)
        return maps + torch.bmm(a.reshape(n, 1, self.attributes), fields).reshape(maps.shape)


class S2FGAN(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.config = dict(c)
        self.imageEncoder = LatentEncoder(3, c)
        self.sketchEncoder = LatentEncoder(1, c)
        self.decoder = StyleDecoder(c)
        self.directions = AttributeDirections(c["latentDim"], c["attributeCount"])
        self.decomposer = AttributeDecomposer(c)
        edit_width, layout = c.get("layoutEditWidth", 0), c.get("layoutChannels", 0)
        self.layoutEditor = LayoutEditor(c) if edit_width > 0 and layout > 0 else None

    def encode_photo(self, x):
        return self.imageEncoder(x)

    def encode_sketch(self, s):
        if self.config.get("standardizeSketch", False):
            c = s - s.mean(dim=(1, 2, 3), keepdim=True)
            s = c * torch.rsqrt(c.square().mean(dim=(1, 2, 3), keepdim=True) + 1e-4)
        return self.sketchEncoder(s)

    def global_part(self, r):
        return r[:, :self.config["latentDim"]]

    def scores(self, r):
        return self.directions.scores(self.global_part(r))

    def edit(self, r, a, variant: str = "dis", calibrated: bool = False):
        """Moves latents by amounts; `calibrated` scales the layout editor's amounts by the
        config's layoutEditGains (the slider path)."""
        g = self.global_part(r)
        moved = self.directions.edit(g, a) if variant == "dis" else self.decomposer(g, a)
        layout = r[:, self.config["latentDim"]:]
        if self.layoutEditor is not None:
            s = self.config.get("layoutSize", 4)
            maps = layout.reshape(r.shape[0], self.config["layoutChannels"], s, s)
            gains = self.config.get("layoutEditGains")
            la = a * torch.tensor(gains, dtype=a.dtype)[None] if calibrated and gains else a
            layout = self.layoutEditor(maps, la).reshape(r.shape[0], -1)
        return torch.cat([moved, layout], dim=1)

    def edit_targets(self, r, targets: List[Optional[float]], variant: str = "dis"):
        """Amounts target − score for the attributes in `targets` (None: left alone)."""
        s = self.scores(r).detach()
        amounts = torch.zeros_like(s)
        for j, t in enumerate(targets):
            if t is not None:
                amounts[:, j] = t - s[:, j]
        return self.edit(r, amounts, variant, calibrated=True)

    def decode(self, r):
        return self.decoder(r)


class ImageDiscriminator(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        ch = c["discriminatorChannels"]
        self.stem = ConvLayer(3, ch[0], 1)
        self.blocks = nn.ModuleList([ResBlockDown(ch[i - 1], ch[i]) for i in range(1, len(ch))])
        self.fc1 = Linear(ch[-1] * 16, ch[-1], equalized=True)
        self.fc2 = Linear(ch[-1], 1, equalized=True)

    def forward(self, x) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        h = self.stem(x)
        feats = []
        for b in self.blocks:
            h = b(h)
            feats.append(h)
        n = x.shape[0]
        return self.fc2(scaled_leaky_relu(self.fc1(h.reshape(n, -1)))), feats


class LatentDiscriminator(nn.Module):
    def __init__(self, latent_dim: int):
        super().__init__()
        self.fc1 = Linear(latent_dim, latent_dim)
        self.fc2 = Linear(latent_dim, 1)

    def forward(self, r):
        return self.fc2(F.relu(self.fc1(gradient_reversed(r))))


# ---------------------------------------------------------------------------------------------
# SARGAN-lite (Sources/Models/SARGAN)


class NormConv(nn.Module):
    def __init__(self, cin: int, cout: int, kernel: int = 3, stride: int = 1,
                 upsample: bool = False, relu: bool = True):
        super().__init__()
        self.conv = Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False,
                           reflect=True)
        self.norm = InstanceNorm2d(cout)
        self.relu, self.upsample = relu, upsample

    def forward(self, x):
        h = self.norm(self.conv(upsample_nearest2(x) if self.upsample else x))
        return F.relu(h) if self.relu else h


class Hourglass(nn.Module):
    def __init__(self, channels: int, width: int):
        super().__init__()
        self.up1Outer = NormConv(channels, width)
        self.downOuter = NormConv(channels, width, stride=2)
        self.upOuter = NormConv(width, width, upsample=True)
        self.up1Inner = NormConv(width, width)
        self.downInner = NormConv(width, width, stride=2)
        self.midInner = NormConv(width, width)
        self.upInner = NormConv(width, width, upsample=True)
        self.mask = Conv2d(width, 1, 3, padding=1)

    def forward(self, h):
        low = self.downOuter(h)
        inner = self.up1Inner(low) + self.upInner(self.midInner(self.downInner(low)))
        outer = self.up1Outer(h) + self.upOuter(inner)
        return torch.sigmoid(self.mask(outer))


class SpatialAttentionBlock(nn.Module):
    def __init__(self, channels: int, hourglass_width: int):
        super().__init__()
        self.conv1 = NormConv(channels, channels)
        self.conv2 = NormConv(channels, channels, relu=False)
        self.attention = Hourglass(channels, hourglass_width)

    def forward(self, x):
        h = self.conv2(self.conv1(x))
        a = self.attention(h)
        return x + h * a, a


class SARGANGenerator(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.config = dict(c)
        d = c["generatorWidth"]
        self.stem = Conv2d(3 + c["expressionCount"], d, 7, padding=3, bias=False)
        self.stemNorm = InstanceNorm2d(d)
        self.down1 = Conv2d(d, 2 * d, 4, stride=2, padding=1, bias=False)
        self.down1Norm = InstanceNorm2d(2 * d)
        self.down2 = Conv2d(2 * d, 4 * d, 4, stride=2, padding=1, bias=False)
        self.down2Norm = InstanceNorm2d(4 * d)
        self.blocks = nn.ModuleList(
            [SpatialAttentionBlock(4 * d, c["hourglassWidth"]) for _ in range(c["attentionBlocks"])])
        self.up1 = ConvTranspose2d(4 * d, 2 * d, 4, stride=2, padding=1, bias=False)
        self.up1Norm = InstanceNorm2d(2 * d)
        # SARGANConfig.skips: up2 also reads down1's output, the head also reads the stem's
        # (U-Net skips, concatenated after the decoder's own channels). Files without the key: off.
        self.skips = bool(c.get("skips", False))
        k = 2 if self.skips else 1
        self.up2 = ConvTranspose2d(2 * d * k, d, 4, stride=2, padding=1, bias=False)
        self.up2Norm = InstanceNorm2d(d)
        self.head = Conv2d(d * k, 3, 7, padding=3, bias=False)
        with torch.no_grad():
            self.head.weight.mul_(0.1)
        # SARGANConfig.conditionBias: the condition as a per-channel bias after the stem's and
        # the bottleneck's norms (standard-normal at init; no constant term). Files without the
        # key: off.
        self.condition_bias = bool(c.get("conditionBias", False))
        if self.condition_bias:
            e = c["expressionCount"]
            self.stemCondition = Linear(e, d, bias=False)
            self.bottleneckCondition = Linear(e, 4 * d, bias=False)
            with torch.no_grad():
                self.stemCondition.weight.normal_()
                self.bottleneckCondition.weight.normal_()

    def forward(self, x, cond):
        n, s = x.shape[0], x.shape[2]
        planes = cond.reshape(n, -1, 1, 1).expand(n, cond.shape[1], s, x.shape[3])
        h = self.stemNorm(self.stem(torch.cat([x, planes], dim=1)))
        if self.condition_bias:
            h = h + self.stemCondition(cond).reshape(n, -1, 1, 1)
        full = F.relu(h)
        half = F.relu(self.down1Norm(self.down1(full)))
        h = self.down2Norm(self.down2(half))
        if self.condition_bias:
            h = h + self.bottleneckCondition(cond).reshape(n, -1, 1, 1)
        h = F.relu(h)
        mask = torch.zeros(n, 1, h.shape[2], h.shape[3], dtype=x.dtype)
        for b in self.blocks:
            h, mask = b(h)
        h = F.relu(self.up1Norm(self.up1(h)))
        if self.skips:
            h = torch.cat([h, half], dim=1)
        h = F.relu(self.up2Norm(self.up2(h)))
        if self.skips:
            h = torch.cat([h, full], dim=1)
        return torch.tanh(self.head(h)) + x, mask


class SARGANDiscriminator(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        layers = []
        cin, width = 3, c["discriminatorWidth"]
        for _ in range(c["discriminatorLayers"]):
            layers.append(Conv2d(cin, width, 4, stride=2, padding=1))
            cin = width
            width = min(width * 2, c["discriminatorMaxWidth"])
        self.layers = nn.ModuleList(layers)
        self.source = Conv2d(cin, 1, 3, padding=1, bias=False)
        final = c["imageSize"] >> c["discriminatorLayers"]
        self.classifier = Conv2d(cin, c["expressionCount"], final, bias=False)
        # SARGANConfig.discriminatorSlope (files without the key: 0.01, as in StarGAN).
        self.slope = float(c.get("discriminatorSlope", 0.01))

    def forward(self, x):
        h = x
        for layer in self.layers:
            h = F.leaky_relu(layer(h), self.slope)
        logits = self.classifier(h)
        return self.source(h), logits.reshape(x.shape[0], -1)


# ---------------------------------------------------------------------------------------------
# Configurations (S2FConfig / SARGANConfig) and weight files


def s2f_tiny(attributes: int, layout_channels: int = 0, standardize_sketch: bool = False,
             layout_size: int = 4, layout_edit_width: int = 0) -> dict:
    """S2FConfig.tiny(attributes:layoutChannels:layoutSize:) (standardizeSketch set afterwards)."""
    c = dict(imageSize=32, latentDim=16, attributeCount=attributes, encoderChannels=[4, 8, 8, 8],
             decoderChannels=[8, 8, 8, 4], discriminatorChannels=[4, 8, 8, 8], decChannels=4,
             decBlocks=1)
    if layout_channels:
        c["layoutChannels"] = layout_channels
    if layout_size != 4:
        c["layoutSize"] = layout_size
    if standardize_sketch:
        c["standardizeSketch"] = True
    if layout_edit_width:
        c["layoutEditWidth"] = layout_edit_width
    return c


def s2f_small(attributes: int) -> dict:
    """S2FConfig.small(attributes:)."""
    return dict(imageSize=128, latentDim=256, attributeCount=attributes,
                encoderChannels=[16, 32, 64, 128, 256, 256],
                decoderChannels=[256, 256, 128, 64, 32, 16],
                discriminatorChannels=[16, 32, 64, 128, 256, 256], decChannels=32, decBlocks=2)


def sargan_tiny(expressions: int, skips: bool = False) -> dict:
    """SARGANConfig.tiny(expressions:), with `skips` set when asked."""
    c = dict(imageSize=32, expressionCount=expressions, generatorWidth=4, hourglassWidth=4,
             attentionBlocks=1, discriminatorWidth=4, discriminatorLayers=4,
             discriminatorMaxWidth=16, conditionBias=True, discriminatorSlope=0.2)
    if skips:
        c["skips"] = True
    return c


def sargan_lite(expressions: int) -> dict:
    """SARGANConfig.lite(expressions:)."""
    return dict(imageSize=128, expressionCount=expressions, generatorWidth=32, hourglassWidth=32,
                attentionBlocks=1, discriminatorWidth=32, discriminatorLayers=6,
                discriminatorMaxWidth=512, conditionBias=True, discriminatorSlope=0.2)


def build_s2fgan(config: dict) -> S2FGAN:
    return S2FGAN(config)


def build_sargan_generator(config: dict) -> SARGANGenerator:
    return SARGANGenerator(config)


def load_state(module: nn.Module, tensors: Dict[str, torch.Tensor], prefix: str = "") -> None:
    """Copies `tensors` (names as in our files, `prefix` stripped) into `module`, strictly.

    Raises ValueError listing every missing, unexpected and mismatched name, like the Swift
    `Module.load(_:prefix:strict:)`; nothing is changed then.
    """
    available = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    params = dict(module.named_parameters())
    missing = [k for k in params if k not in available]
    unexpected = sorted(k for k in available if k not in params)
    mismatched = [f"{k} (file {list(available[k].shape)}, model {list(p.shape)})"
                  for k, p in params.items() if k in available and available[k].shape != p.shape]
    if missing or unexpected or mismatched:
        raise ValueError(f"cannot load parameters; missing: {missing}; unexpected: {unexpected}; "
                         f"shape mismatch: {mismatched}")
    with torch.no_grad():
        for k, p in params.items():
            p.copy_(available[k].to(p.dtype))


def read_safetensors(path: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
    """All tensors (as float32) and the metadata of a safetensors file."""
    from safetensors import safe_open

    tensors = {}
    with safe_open(path, "pt") as f:
        meta = f.metadata() or {}
        for k in f.keys():
            tensors[k] = f.get_tensor(k).float()
    return tensors, meta


def load_weights(path: str) -> Tuple[nn.Module, Dict[str, str]]:
    """Builds the network named by the file's `model` metadata from its `config` and loads it.

    `model` is "s2fgan" (→ S2FGAN) or "sargan" (→ SARGANGenerator).
    """
    tensors, meta = read_safetensors(path)
    config = json.loads(meta["config"])
    kind = meta.get("model") or ("s2fgan" if "latentDim" in config else "sargan")
    model = build_s2fgan(config) if kind == "s2fgan" else build_sargan_generator(config)
    load_state(model, tensors)
    model.eval()
    return model, meta


def state_dict_for_file(module: nn.Module, prefix: str = "") -> Dict[str, torch.Tensor]:
    """The parameters under our names (contiguous float32), e.g. for safetensors' save_file."""
    return {prefix + k: p.detach().float().contiguous().clone() for k, p in module.named_parameters()}
