#!/usr/bin/env python3
"""PyTorch CPU reference timings for docs/performance.md.

Times the convolution shapes of ``visage bench engine`` (Sources/visage/BenchEngine.swift) in
PyTorch at a fixed intra-op thread count: forward, and forward+backward (input, weight and
bias gradients, counted as 3x the forward FLOPs), median of N runs after a warm-up.

    pip install torch numpy
    python scripts/bench_torch.py --threads 1
    python scripts/bench_torch.py --threads 2 --json torch-2t.json

Whole-network timings plug in through ``NETWORKS`` / ``bench_network`` (see the stub below).
PyTorch is a development tool here only; nothing in the build or CI needs it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from typing import Callable

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class ConvShape:
    kernel: int
    stride: int
    padding: int
    cin: int
    cout: int
    size: int

    @property
    def out_size(self) -> int:
        return (self.size + 2 * self.padding - self.kernel) // self.stride + 1

    def flops_per_image(self) -> float:
        return 2.0 * self.cin * self.cout * self.kernel**2 * self.out_size**2

    @property
    def label(self) -> str:
        k = self.kernel
        return f"{k}x{k} s{self.stride} {self.cin}->{self.cout} {self.size}x{self.size}"


# Keep in sync with engineBenchShapes in Sources/visage/BenchEngine.swift.
CONV_SHAPES = [
    ConvShape(3, 1, 1, 16, 16, 128),
    ConvShape(3, 1, 1, 32, 32, 64),
    ConvShape(3, 1, 1, 64, 64, 32),
    ConvShape(3, 1, 1, 128, 128, 16),
    ConvShape(3, 1, 1, 256, 256, 8),
    ConvShape(4, 2, 1, 16, 32, 128),
    ConvShape(4, 2, 1, 32, 64, 64),
    ConvShape(4, 2, 1, 64, 128, 32),
    ConvShape(4, 2, 1, 128, 256, 16),
]
BATCHES = [1, 8]


@dataclass
class Timing:
    name: str  # row label, e.g. "3x3 s1 16->16 128x128"
    batch: int
    passes: str  # "fwd" or "fwd+bwd"
    ms: float  # median milliseconds
    gflops: float | None  # None when the FLOP count is unknown (whole networks)
    runs: int


def median_seconds(body: Callable[[], object], min_runs: int, max_runs: int, budget: float) -> tuple[float, int]:
    """One warm-up call, then enough runs to fill ``budget`` seconds (clamped), median."""
    t0 = time.perf_counter()
    body()
    first = time.perf_counter() - t0
    runs = min(max_runs, max(min_runs, int(budget / max(first, 1e-6))))
    times = []
    for _ in range(runs):
        s = time.perf_counter()
        body()
        times.append(time.perf_counter() - s)
    return statistics.median(times), runs


def sgemm_rate(size: int = 512) -> float:
    """GFLOP/s of a size^3 float32 matmul at the current thread count."""
    g = torch.Generator().manual_seed(11)
    a = torch.randn(size, size, generator=g)
    b = torch.randn(size, size, generator=g)
    out = torch.empty(size, size)
    t, _ = median_seconds(lambda: torch.mm(a, b, out=out), 10, 40, 0.3)
    return 2.0 * size**3 / t / 1e9


def bench_conv(shape: ConvShape, batch: int, args: argparse.Namespace) -> list[Timing]:
    g = torch.Generator().manual_seed(shape.cin * 1000 + shape.size * 10 + batch)
    x = torch.randn(batch, shape.cin, shape.size, shape.size, generator=g)
    w = torch.randn(shape.cout, shape.cin, shape.kernel, shape.kernel, generator=g) * 0.05
    b = torch.randn(shape.cout, generator=g)
    gy = torch.randn(batch, shape.cout, shape.out_size, shape.out_size, generator=g)
    flops = shape.flops_per_image() * batch

    def fwd() -> None:
        with torch.no_grad():
            F.conv2d(x, w, b, stride=shape.stride, padding=shape.padding)

    xl, wl, bl = (t.clone().requires_grad_(True) for t in (x, w, b))

    def both() -> None:
        y = F.conv2d(xl, wl, bl, stride=shape.stride, padding=shape.padding)
        torch.autograd.grad(y, (xl, wl, bl), gy)

    tf, nf = median_seconds(fwd, args.min_runs, args.max_runs, args.budget)
    tb, nb = median_seconds(both, args.min_runs, args.max_runs, args.budget)
    return [
        Timing(shape.label, batch, "fwd", tf * 1e3, flops / tf / 1e9, nf),
        Timing(shape.label, batch, "fwd+bwd", tb * 1e3, 3 * flops / tb / 1e9, nb),
    ]


def bench_convs(args: argparse.Namespace) -> list[Timing]:
    rows = []
    for shape in CONV_SHAPES:
        for batch in BATCHES:
            rows += bench_conv(shape, batch, args)
    return rows


# Whole networks: name -> builder returning (module, example input). Filled in later; each
# entry is timed by bench_network with the same median/run policy as the convolutions.
NETWORKS: dict[str, Callable[[], tuple[torch.nn.Module, torch.Tensor]]] = {}


def bench_network(name: str, args: argparse.Namespace) -> list[Timing]:
    model, x = NETWORKS[name]()
    model.eval()

    def fwd() -> None:
        with torch.no_grad():
            model(x)

    t, n = median_seconds(fwd, args.min_runs, args.max_runs, args.budget)
    return [Timing(name, x.shape[0], "fwd", t * 1e3, None, n)]


def format_table(rows: list[Timing], gemm: float) -> str:
    lines = [
        f"{'layer':28s}{'N':>3s}  {'pass':8s} | {'ms':>9s}{'GFLOP/s':>9s}{'%sgemm':>8s}",
    ]
    lines.append("-" * len(lines[0]))
    for r in rows:
        rate = f"{r.gflops:9.1f}{100 * r.gflops / gemm:7.0f}%" if r.gflops is not None else f"{'':9s}{'':8s}"
        lines.append(f"{r.name:28s}{r.batch:3d}  {r.passes:8s} | {r.ms:9.2f}{rate}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1, help="intra-op threads (torch.set_num_threads)")
    p.add_argument("--min-runs", type=int, default=5)
    p.add_argument("--max-runs", type=int, default=25)
    p.add_argument("--budget", type=float, default=0.4, help="seconds per measurement (approx.)")
    p.add_argument("--networks", nargs="*", default=[], help=f"whole networks to time: {sorted(NETWORKS)}")
    p.add_argument("--no-convs", action="store_true", help="skip the convolution table")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(True)
    load_before = os.getloadavg()
    start = time.perf_counter()
    gemm = sgemm_rate()
    rows: list[Timing] = [] if args.no_convs else bench_convs(args)
    for name in args.networks:
        rows += bench_network(name, args)
    elapsed = time.perf_counter() - start

    print(
        f"PyTorch {torch.__version__} CPU, {args.threads} thread(s), median of "
        f"{args.min_runs}-{args.max_runs} runs; sgemm 512^3 {gemm:.1f} GFLOP/s; "
        f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; {elapsed:.1f} s"
    )
    print(format_table(rows, gemm))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "torch": torch.__version__,
                    "threads": args.threads,
                    "machine": platform.machine(),
                    "sgemm_gflops": gemm,
                    "rows": [asdict(r) for r in rows],
                },
                f,
                indent=1,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
