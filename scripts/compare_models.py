"""Checks our Swift networks against their PyTorch twins (scripts/torch_models.py).

The CLI has no way to dump raw network outputs, so the comparison runs through a Swift test,
Tests/ModelsTests/TorchTwinTests.swift, and files:

  fixtures   Writes the tiny cases the test always checks (committed, < 400 KB):
             Tests/ModelsTests/Fixtures/twin_s2fgan.safetensors  (S2FConfig.tiny(attributes: 3))
             Tests/ModelsTests/Fixtures/twin_sargan.safetensors  (SARGANConfig.tiny(expressions: 4),
               with its condition bias and discriminator slope)
             Each holds random weights under our names (F32; `model.`, `imageD.`, `G.`, `D.`),
             the inputs (`in.*`) and the PyTorch outputs (`out.*`).
  full DIR   Writes the same kind of case for our shipped weights at full size into DIR
             (full_s2fgan.safetensors, full_sargan.safetensors; the weight files are copied into
             DIR first, since training rewrites them). The test checks them when
             VISAGE_TWIN_FULL=DIR is set (skipped otherwise).
  report DIR Compares the outputs the Swift test dumped (VISAGE_TWIN_DUMP=DIR makes it write
             swift_<case>.safetensors) with the PyTorch ones: max and mean |difference|.
  all DIR    fixtures + full DIR, then, with --swift-package PKG, runs the Swift test in PKG
             (`swift test --filter TorchTwinTests` with both variables set) and reports.

  /root/torchenv/bin/python scripts/compare_models.py all /tmp/twin --swift-package .

Torch stays out of CI: only the fixtures it writes are committed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models as tm  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "ModelsTests", "Fixtures")


def save(path: str, tensors: dict, metadata: dict) -> None:
    from safetensors.torch import save_file

    save_file({k: v.detach().float().contiguous() for k, v in tensors.items()}, path,
              metadata={k: str(v) for k, v in metadata.items()})


def randomize(module: torch.nn.Module, gen: torch.Generator) -> None:
    """Gives biases, norm affines and the (zero-initialized) DEC embedding non-trivial values."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "bias":
                p.add_(0.1 * torch.randn(p.shape, generator=gen))
            elif "Norm" in name or ".norm." in name:
                p.add_(0.1 * torch.randn(p.shape, generator=gen))
            elif leaf == "embedding":
                p.copy_(0.5 * torch.randn(p.shape, generator=gen))


# ---------------------------------------------------------------------------------------------
# Cases: inputs → outputs, the same formulas as TorchTwinTests.swift


def s2f_outputs(model: tm.S2FGAN, inputs: dict, disc: tm.ImageDiscriminator | None) -> dict:
    with torch.no_grad():
        r = inputs["in.latent"]
        a = inputs["in.amounts"]
        rs = model.encode_sketch(inputs["in.sketch"])
        out = {
            "out.encodePhoto": model.encode_photo(inputs["in.photo"]),
            "out.encodeSketch": rs,
            "out.decode": model.decode(r),
            "out.scores": model.scores(r),
            "out.editDis": model.edit(r, a, "dis"),
            "out.editDec": model.edit(r, a, "dec"),
            # The editor's path: sketch → latent → DIS edit → image.
            "out.sketchEditDecode": model.decode(model.edit(rs, a, "dis")),
        }
        if disc is not None:
            logits, feats = disc(inputs["in.photo"])
            out["out.imageD.logits"] = logits
            for i, f in enumerate(feats):
                out[f"out.imageD.features.{i}"] = f
    return out


def sargan_outputs(g: tm.SARGANGenerator, inputs: dict, d: tm.SARGANDiscriminator | None) -> dict:
    with torch.no_grad():
        image, mask = g(inputs["in.x"], inputs["in.c"])
        out = {"out.image": image, "out.mask": mask}
        if d is not None:
            source, logits = d(inputs["in.x"])
            out["out.D.source"] = source
            out["out.D.logits"] = logits
    return out


def s2f_inputs(c: dict, n: int, gen: torch.Generator) -> dict:
    s, a = c["imageSize"], c["attributeCount"]
    amounts = (torch.rand(n, a, generator=gen) * 2 - 1)
    if n > 1:
        amounts[-1] = 0  # one sample without an edit: DEC must return the latent unchanged
    return {
        "in.photo": torch.rand(n, 3, s, s, generator=gen) * 2 - 1,
        "in.sketch": (torch.rand(n, 1, s, s, generator=gen) > 0.8).float(),
        "in.latent": torch.randn(
            n, c["latentDim"] + c.get("layoutSize", 4) ** 2 * c.get("layoutChannels", 0), generator=gen),
        "in.amounts": amounts,
    }


def sargan_inputs(c: dict, n: int, gen: torch.Generator) -> dict:
    s, e = c["imageSize"], c["expressionCount"]
    cond = torch.zeros(n, e)
    for i in range(n):
        cond[i, (i + 1) % e] = 0.5 + 0.5 * (i % 2)  # one-hot times an intensity
    return {"in.x": torch.rand(n, 3, s, s, generator=gen) * 2 - 1, "in.c": cond}


def write_fixtures() -> None:
    os.makedirs(FIXTURES, exist_ok=True)
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(11)

    c = tm.s2f_tiny(3)
    model = tm.S2FGAN(c)
    disc = tm.ImageDiscriminator(c)
    randomize(model, gen)
    randomize(disc, gen)
    inputs = s2f_inputs(c, 2, gen)
    outputs = s2f_outputs(model, inputs, disc)
    tensors = {**tm.state_dict_for_file(model, "model."), **tm.state_dict_for_file(disc, "imageD."),
               **inputs, **outputs}
    path = os.path.join(FIXTURES, "twin_s2fgan.safetensors")
    save(path, tensors, {"config": json.dumps(c, sort_keys=True), "generator": "scripts/compare_models.py"})
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")

    c = tm.sargan_tiny(4)
    g = tm.SARGANGenerator(c)
    d = tm.SARGANDiscriminator(c)
    randomize(g, gen)
    randomize(d, gen)
    inputs = sargan_inputs(c, 2, gen)
    outputs = sargan_outputs(g, inputs, d)
    tensors = {**tm.state_dict_for_file(g, "G."), **tm.state_dict_for_file(d, "D."), **inputs, **outputs}
    path = os.path.join(FIXTURES, "twin_sargan.safetensors")
    save(path, tensors, {"config": json.dumps(c, sort_keys=True), "generator": "scripts/compare_models.py"})
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")

    # The layout latent (S2FConfig.layoutChannels) and standardised sketches, written last with its own generator so the
    # fixtures above stay as they were.
    write_s2f_twin("twin_s2fgan_layout.safetensors",
                   tm.s2f_tiny(3, layout_channels=2, standardize_sketch=True), torch.Generator().manual_seed(17))
    # 8×8 layout maps (S2FConfig.layoutSize): taken from the encoder's second stage and added to
    # the decoder at 8×8; again its own generator.
    write_s2f_twin("twin_s2fgan_layout8.safetensors",
                   tm.s2f_tiny(3, layout_channels=2, layout_size=8), torch.Generator().manual_seed(19))


def write_s2f_twin(name: str, c: dict, gen: torch.Generator) -> None:
    """A tiny S2FGAN twin fixture without a discriminator: weights, inputs and outputs."""
    model = tm.S2FGAN(c)
    randomize(model, gen)
    inputs = s2f_inputs(c, 2, gen)
    outputs = s2f_outputs(model, inputs, None)
    tensors = {**tm.state_dict_for_file(model, "model."), **inputs, **outputs}
    path = os.path.join(FIXTURES, name)
    save(path, tensors, {"config": json.dumps(c, sort_keys=True), "generator": "scripts/compare_models.py"})
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def write_layout_edit_fixture() -> None:
    """A layout editor (S2FConfig.layoutEditWidth) on 8×8 layout maps, with its own generator."""
    os.makedirs(FIXTURES, exist_ok=True)
    torch.manual_seed(23)
    write_s2f_twin("twin_s2fgan_layoutedit.safetensors",
                   tm.s2f_tiny(3, layout_channels=2, layout_size=8, layout_edit_width=4),
                   torch.Generator().manual_seed(23))


def write_sargan_skips_fixture() -> None:
    """A tiny SARGAN generator with the encoder skips (SARGANConfig.skips), with its own generator."""
    os.makedirs(FIXTURES, exist_ok=True)
    torch.manual_seed(29)
    gen = torch.Generator().manual_seed(29)
    c = tm.sargan_tiny(4, skips=True)
    g = tm.SARGANGenerator(c)
    randomize(g, gen)
    inputs = sargan_inputs(c, 2, gen)
    outputs = sargan_outputs(g, inputs, None)
    tensors = {**tm.state_dict_for_file(g, "G."), **inputs, **outputs}
    path = os.path.join(FIXTURES, "twin_sargan_skips.safetensors")
    save(path, tensors, {"config": json.dumps(c, sort_keys=True), "generator": "scripts/compare_models.py"})
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def write_full(out_dir: str, s2f_path: str, sargan_path: str) -> None:
    """Full-size cases with our shipped weights (copied into out_dir first)."""
    os.makedirs(out_dir, exist_ok=True)
    gen = torch.Generator().manual_seed(13)
    for kind, src in (("s2fgan", s2f_path), ("sargan", sargan_path)):
        weights = os.path.join(out_dir, f"weights_{kind}.safetensors")
        shutil.copyfile(src, weights)
        model, meta = tm.load_weights(weights)  # strict
        c = json.loads(meta["config"])
        if kind == "s2fgan":
            inputs = s2f_inputs(c, 2, gen)
            outputs = s2f_outputs(model, inputs, None)
        else:
            inputs = sargan_inputs(c, 2, gen)
            outputs = sargan_outputs(model, inputs, None)
        path = os.path.join(out_dir, f"full_{kind}.safetensors")
        save(path, {**inputs, **outputs}, {"weights": os.path.abspath(weights), "config": meta["config"],
                                          "training": meta.get("training", "")})
        print(f"wrote {path} (weights {weights}, training {meta.get('training', '?')})")


def report(dump_dir: str, full_dir: str | None) -> list:
    """Max/mean |swift − torch| per output, from the files the Swift test dumped."""
    cases = [("tiny s2fgan", os.path.join(FIXTURES, "twin_s2fgan.safetensors"), "swift_tiny_s2fgan"),
             ("tiny sargan", os.path.join(FIXTURES, "twin_sargan.safetensors"), "swift_tiny_sargan")]
    if full_dir:
        cases += [("full s2fgan", os.path.join(full_dir, "full_s2fgan.safetensors"), "swift_full_s2fgan"),
                  ("full sargan", os.path.join(full_dir, "full_sargan.safetensors"), "swift_full_sargan")]
    rows = []
    print("| case | output | shape | max abs diff | mean abs diff | max abs value |")
    print("|---|---|---|---|---|---|")
    for label, torch_file, swift_name in cases:
        swift_file = os.path.join(dump_dir, swift_name + ".safetensors")
        if not (os.path.exists(torch_file) and os.path.exists(swift_file)):
            print(f"| {label} | (missing {swift_file if os.path.exists(torch_file) else torch_file}) | | | | |")
            continue
        ref, _ = tm.read_safetensors(torch_file)
        got, _ = tm.read_safetensors(swift_file)
        for k in sorted(ref):
            if not k.startswith("out."):
                continue
            if k not in got:
                print(f"| {label} | {k[4:]} | (not dumped) | | | |")
                continue
            a, b = got[k], ref[k]
            if a.shape != b.shape:
                print(f"| {label} | {k[4:]} | shape {list(a.shape)} vs {list(b.shape)} | | | |")
                rows.append((label, k[4:], float("inf"), float("inf")))
                continue
            diff = (a - b).abs()
            rows.append((label, k[4:], diff.max().item(), diff.mean().item()))
            print(f"| {label} | {k[4:]} | {list(b.shape)} | {diff.max().item():.2e} | "
                  f"{diff.mean().item():.2e} | {b.abs().max().item():.3g} |")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["fixtures", "full", "report", "all"])
    ap.add_argument("dir", nargs="?", default="/tmp/visage-twin")
    ap.add_argument("--s2fgan", default=os.path.join(ROOT, "assets/models/s2fgan.safetensors"))
    ap.add_argument("--sargan", default=os.path.join(ROOT, "assets/models/sargan.safetensors"))
    ap.add_argument("--swift-package", help="package directory in which to run the Swift test")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    if args.command in ("fixtures", "all"):
        write_fixtures()
        write_layout_edit_fixture()
        write_sargan_skips_fixture()
    if args.command in ("full", "all"):
        write_full(args.dir, args.s2fgan, args.sargan)
    if args.command == "all" and args.swift_package:
        env = dict(os.environ, VISAGE_TWIN_FULL=os.path.abspath(args.dir),
                   VISAGE_TWIN_DUMP=os.path.abspath(args.dir))
        cmd = ["swift", "test", "--filter", "TorchTwinTests"]
        print("running:", " ".join(cmd), "in", args.swift_package)
        rc = subprocess.call(cmd, cwd=args.swift_package, env=env)
        print("swift test exit status", rc)
    if args.command in ("report", "all"):
        full = args.dir if os.path.exists(os.path.join(args.dir, "full_s2fgan.safetensors")) else None
        report(args.dir, full)
    return 0


if __name__ == "__main__":
    sys.exit(main())
