"""Times the PyTorch twins (scripts/torch_models.py) on the CPU, row for row like
`visage bench models` (Sources/visage/BenchModels.swift).

128×128, batch 1 inference with the shipped weights (random ones when a file is missing): S2F
sketch encode, photo encode, edit (DIS) + decode, edit (DEC) + decode, SARGAN expression edit.
Then one training step of each trainer on random batches, with the losses of
Sources/Models/Training/SARGANTrainer.swift (batch 8, WGAN-GP D step, then G with pair L1,
adversarial, classification and cycle terms, EMA) and S2FTrainer.swift (DIS backbone, batch 4:
G step with reconstruction, sketch, edit, latent, score, orthogonality, domain, feature-matching
and adversarial terms, then the non-saturating D step with lazy R1 every 16 steps, EMA).
Each row is the median of N runs after one warm-up (15 for inference, 3 for training, as ours),
with torch.set_num_threads(1) and (2).

  /root/torchenv/bin/python scripts/bench_torch_models.py                 # markdown tables
  /root/torchenv/bin/python scripts/bench_torch_models.py --json out.json
  /root/torchenv/bin/python scripts/bench_torch_models.py --combine visage.txt torch.json
      # side-by-side table from `visage bench models` output and a --json file

Development only (torch is never part of CI).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_ms(reps: int, body) -> float:
    """Median wall time of `body` over `reps` runs after one warm-up (medianMilliseconds)."""
    body()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        body()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    times.sort()
    return times[len(times) // 2]


def load_or_random(path: str, kind: str):
    """Our weights (copied first: training rewrites them) or a random model of the same size."""
    if os.path.exists(path):
        with tempfile.TemporaryDirectory() as d:
            copy = os.path.join(d, os.path.basename(path))
            shutil.copyfile(path, copy)
            model, _ = tm.load_weights(copy)
        return model
    return tm.S2FGAN(tm.s2f_small(16)) if kind == "s2fgan" else tm.SARGANGenerator(tm.sargan_lite(8))


# ---------------------------------------------------------------------------------------------
# Training steps (as close as practical to our trainers)


class EMA:
    def __init__(self, params, beta: float):
        self.params = list(params)
        self.shadow = [p.detach().clone() for p in self.params]
        self.beta = beta

    @torch.no_grad()
    def update(self):
        torch._foreach_lerp_(self.shadow, [p.detach() for p in self.params], 1 - self.beta)


def requires_grad(module: torch.nn.Module, flag: bool) -> None:
    for p in module.parameters():
        p.requires_grad_(flag)


class SARGANStep:
    """SARGANTrainer.train with SARGANOptions defaults and cycleEvery = 1 (as the benchmark)."""

    def __init__(self, n: int = 8, e: int = 8):
        c = tm.sargan_lite(e)
        torch.manual_seed(2)
        self.G, self.D = tm.SARGANGenerator(c), tm.SARGANDiscriminator(c)
        self.optG = torch.optim.Adam(self.G.parameters(), lr=1e-4, betas=(0.5, 0.999), eps=1e-8)
        self.optD = torch.optim.Adam(self.D.parameters(), lr=1e-4, betas=(0.5, 0.999), eps=1e-8)
        self.ema = EMA(self.G.parameters(), 0.999)
        g = torch.Generator().manual_seed(5)
        self.src = torch.rand(n, 3, 128, 128, generator=g) * 2 - 1
        self.tgt = torch.rand(n, 3, 128, 128, generator=g) * 2 - 1
        self.cond = F.one_hot(torch.arange(n) % e, e).float()
        self.src_class = (torch.arange(n) + 1) % e
        self.tgt_class = torch.arange(n) % e
        self.n, self.e = n, e
        self.step = 0

    def __call__(self):
        n, e = self.n, self.e
        G, D = self.G, self.D
        logs = {}
        # D: WGAN with gradient penalty and the classification of real expressions.
        self.optD.zero_grad(set_to_none=True)
        with torch.no_grad():
            fake = G(self.src, self.cond)[0]
        src_real, cls_real = D(self.src)
        src_fake, _ = D(fake)
        alpha = torch.rand(n, 1, 1, 1)
        mixed = (self.src * alpha + fake * (1 - alpha)).requires_grad_(True)
        (grad,) = torch.autograd.grad(D(mixed)[0].sum(), mixed, create_graph=True)
        gp = ((grad.reshape(n, -1).square().sum(1) + 1e-12).sqrt() - 1).square().mean()
        adv = src_fake.mean() - src_real.mean()
        cls = F.cross_entropy(cls_real, self.src_class)
        loss_d = adv + cls * 1.0 + gp * 10.0
        loss_d.backward()
        self.optD.step()
        logs.update(d_adv=adv.item(), d_cls=cls.item(), d_gp=gp.item())

        # G: pair L1, adversarial, classification of the target, cycle back to the source.
        self.optG.zero_grad(set_to_none=True)
        requires_grad(D, False)
        fake, mask = G(self.src, self.cond)
        pair = (fake - self.tgt).abs().mean()
        src_s, logits = D(fake)
        cls = -(F.log_softmax(logits, dim=1) * F.one_hot(self.tgt_class, e).float()).sum() / n
        adv = -src_s.mean()
        back = F.one_hot(self.src_class, e).float()
        rec = G(fake, back)[0]
        cyc = (rec - self.src).abs().mean()
        loss_g = pair * 10.0 + adv * 1.0 + cls * 1.0 + cyc * 1.0
        loss_g.backward()
        self.optG.step()
        requires_grad(D, True)
        self.ema.update()
        logs.update(g_total=loss_g.item(), mask_mean=mask.mean().item())
        self.step += 1
        return logs


class S2FStep:
    """S2FTrainer.trainBackbone (variant dis) with S2FOptions defaults."""

    def __init__(self, n: int = 4, a: int = 16):
        c = tm.s2f_small(a)
        torch.manual_seed(1)
        self.model = tm.S2FGAN(c)
        self.D = tm.ImageDiscriminator(c)
        self.Q = tm.LatentDiscriminator(c["latentDim"])
        m = self.model
        g_params = (list(m.imageEncoder.parameters()) + list(m.sketchEncoder.parameters())
                    + list(m.decoder.parameters()) + list(m.directions.parameters())
                    + list(self.Q.parameters()))
        self.optG = torch.optim.Adam(g_params, lr=1e-3, betas=(0.0, 0.99), eps=1e-8)
        ratio = 16 / 17
        self.optD = torch.optim.Adam(self.D.parameters(), lr=1e-3 * ratio,
                                     betas=(0.0, 0.99 ** ratio), eps=1e-8)
        self.ema = EMA(m.parameters(), 0.998)
        gen = torch.Generator().manual_seed(6)
        self.photos = torch.rand(n, 3, 128, 128, generator=gen) * 2 - 1
        self.sketches = torch.rand(n, 1, 128, 128, generator=gen)
        self.attributes = torch.rand(n, a, generator=gen) * 2 - 1
        self.edited = torch.rand(n, 3, 128, 128, generator=gen) * 2 - 1
        self.edit_attr = torch.arange(n) % a
        self.edit_target = torch.full((n,), 0.5)
        self.n = n
        self.step = 0

    def __call__(self):
        n, m, D, Q = self.n, self.model, self.D, self.Q
        logs = {}
        self.optG.zero_grad(set_to_none=True)
        self.optD.zero_grad(set_to_none=True)
        requires_grad(D, False)
        r = m.encode_photo(self.photos)
        rs = m.encode_sketch(self.sketches)
        scores = m.scores(r)
        s = scores.detach()
        amounts = torch.zeros_like(s)
        rows = torch.arange(n)
        amounts[rows, self.edit_attr] = self.edit_target - s[rows, self.edit_attr]
        latents = torch.cat([r, rs, m.directions.edit(r, amounts)], 0)
        fakes = m.decode(latents)
        real = torch.cat([self.photos, self.photos, self.edited], 0)
        rec = (fakes[:n] - self.photos).abs().mean()
        sketch_image = (fakes[n:2 * n] - self.photos).abs().mean()
        edit = (fakes[2 * n:] - self.edited).abs().mean()
        loss_g = rec * 2.5 + sketch_image * 2.5 + edit * 2.5
        sketch_latent = (rs - r.detach()).abs().mean()
        cls = F.mse_loss(scores, self.attributes) + F.mse_loss(m.scores(rs), self.attributes)
        ortho = m.directions.orthogonality_loss()
        domain = (F.binary_cross_entropy_with_logits(Q(r.detach()), torch.ones(n, 1))
                  + F.binary_cross_entropy_with_logits(Q(rs), torch.zeros(n, 1)))
        fake_logits, fake_feats = D(fakes)
        with torch.no_grad():
            real_feats = D(real)[1]
        fm = sum((f - rf).abs().mean() for f, rf in zip(fake_feats, real_feats)) / len(fake_feats)
        adv = F.softplus(-fake_logits).mean()
        loss_g = (loss_g + sketch_latent * 2.5 + cls * 0.5 + ortho * 1.0 + domain * 0.1 + fm * 2.5
                  + adv * 0.5)
        loss_g.backward()
        self.optG.step()
        requires_grad(D, True)

        real_logits = D(real)[0]
        fake_logits_d = D(fakes.detach())[0]
        loss_d = F.softplus(-real_logits).mean() + F.softplus(fake_logits_d).mean()
        logs["d_loss"] = loss_d.item()
        if self.step % 16 == 0:  # lazy R1 (gamma 1, every 16 steps)
            x = self.photos.clone().requires_grad_(True)
            (g,) = torch.autograd.grad(D(x)[0].sum(), x, create_graph=True)
            r1 = g.square().sum() / n
            loss_d = loss_d + r1 * (1.0 / 2 * 16)
            logs["r1"] = r1.item()
        loss_d.backward()
        self.optD.step()
        self.ema.update()
        logs.update(rec_l1=rec.item(), fm=fm.item(), g_adv=adv.item())
        self.step += 1
        return logs


# ---------------------------------------------------------------------------------------------


def run(threads, reps: int) -> dict:
    s2f = load_or_random(os.path.join(ROOT, "assets/models/s2fgan.safetensors"), "s2fgan").eval()
    sargan = load_or_random(os.path.join(ROOT, "assets/models/sargan.safetensors"), "sargan").eval()
    g = torch.Generator().manual_seed(3)
    sketch = torch.rand(1, 1, 128, 128, generator=g)
    photo = torch.rand(1, 3, 128, 128, generator=g) * 2 - 1
    with torch.no_grad():
        r = s2f.encode_sketch(sketch)
    a = s2f.config["attributeCount"]
    targets = [0.8] + [None] * (a - 1)
    e = sargan.config["expressionCount"]
    cond = torch.zeros(1, e)
    cond[0, 1] = 1
    result = {"torch": torch.__version__, "threads": list(threads), "inference": [], "training": []}
    for t in threads:
        torch.set_num_threads(t)

        def row(name, body):
            ms = median_ms(reps, body)
            result["inference"].append({"network": name, "threads": t, "ms": ms})

        with torch.no_grad():
            row("S2F sketch encode", lambda: s2f.encode_sketch(sketch))
            row("S2F photo encode", lambda: s2f.encode_photo(photo))
            row("S2F edit (DIS) + decode", lambda: s2f.decode(s2f.edit_targets(r, targets, "dis")))
            row("S2F edit (DEC) + decode", lambda: s2f.decode(s2f.edit_targets(r, targets, "dec")))
            row("SARGAN expression edit", lambda: sargan(photo, cond))
    for t in threads:
        torch.set_num_threads(t)
        step = SARGANStep(8, 8)
        ms = median_ms(max(2, reps // 5), step)
        result["training"].append({"name": "SARGAN (D + G with cycle)", "threads": t, "batch": 8, "ms": ms})
        step = S2FStep(4, 16)
        ms = median_ms(max(2, reps // 5), step)
        result["training"].append({"name": "S2FGAN DIS backbone", "threads": t, "batch": 4, "ms": ms})
    return result


def markdown(result: dict, reps: int) -> str:
    out = f"PyTorch {result['torch']} (CPU) — 128×128, median of {reps} runs\n"
    out += "| network | threads | time (ms) | rate |\n|---|---|---|---|\n"
    for r in result["inference"]:
        out += f"| {r['network']} | {r['threads']} | {r['ms']:.1f} | {1000 / r['ms']:.1f} /s |\n"
    out += "\n| training step | threads | batch | time (ms) | images/s |\n|---|---|---|---|---|\n"
    for r in result["training"]:
        out += (f"| {r['name']} | {r['threads']} | {r['batch']} | {r['ms']:.0f} | "
                f"{r['batch'] * 1000 / r['ms']:.2f} |\n")
    return out


def parse_visage(text: str) -> dict:
    """Rows of `visage bench models` output (its two markdown tables)."""
    inf, train = {}, {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\d+", cells[1]) and re.fullmatch(r"[\d.]+", cells[2]):
            inf[(cells[0], int(cells[1]))] = float(cells[2])
        elif len(cells) == 5 and re.fullmatch(r"\d+", cells[1]) and re.fullmatch(r"[\d.]+", cells[3]):
            train[(cells[0], int(cells[1]))] = (int(cells[2]), float(cells[3]))
    core = re.search(r"OpenBLAS core (\S+)", text)
    return {"inference": inf, "training": train, "core": core.group(1) if core else "?"}


def combine(visage_text: str, result: dict) -> str:
    v = parse_visage(visage_text)
    out = (f"Visage (OpenBLAS core {v['core']}) vs PyTorch {result['torch']} CPU; 128×128, medians. "
           "Ratio = PyTorch time / Visage time (> 1: Visage faster).\n\n")
    out += "| network | threads | Visage (ms) | PyTorch (ms) | ratio |\n|---|---|---|---|---|\n"
    for r in result["inference"]:
        ours = v["inference"].get((r["network"], r["threads"]))
        ours_s = f"{ours:.1f}" if ours else "—"
        ratio = f"{r['ms'] / ours:.2f}" if ours else "—"
        out += f"| {r['network']} | {r['threads']} | {ours_s} | {r['ms']:.1f} | {ratio} |\n"
    out += ("\n| training step | threads | batch | Visage (ms) | Visage images/s | PyTorch (ms) | "
            "PyTorch images/s | ratio |\n|---|---|---|---|---|---|---|---|\n")
    for r in result["training"]:
        ours = v["training"].get((r["name"], r["threads"]))
        if ours:
            b, ms = ours
            out += (f"| {r['name']} | {r['threads']} | {r['batch']} | {ms:.0f} | {b * 1000 / ms:.2f} | "
                    f"{r['ms']:.0f} | {r['batch'] * 1000 / r['ms']:.2f} | {r['ms'] / ms:.2f} |\n")
        else:
            out += (f"| {r['name']} | {r['threads']} | {r['batch']} | — | — | {r['ms']:.0f} | "
                    f"{r['batch'] * 1000 / r['ms']:.2f} | — |\n")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--json", help="also write the results as JSON here")
    ap.add_argument("--combine", nargs=2, metavar=("VISAGE_TXT", "TORCH_JSON"),
                    help="print the side-by-side table from saved outputs (no timing)")
    args = ap.parse_args()
    if args.combine:
        with open(args.combine[0]) as f:
            text = f.read()
        with open(args.combine[1]) as f:
            result = json.load(f)
        print(combine(text, result))
        return 0
    torch.set_num_interop_threads(1)
    threads = [int(t) for t in args.threads.split(",")]
    result = run(threads, args.reps)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print(markdown(result, args.reps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
