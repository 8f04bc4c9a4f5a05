#!/usr/bin/env python3
"""Runs face detectors trained on real photographs over FaceSynth renders.

The detectors are OpenCV's frontal-face Haar cascades (Viola-Jones, trained on photographs of
real faces), shipped inside the `opencv-python-headless` wheel, so nothing is downloaded at
run time beyond the pip install. Not part of CI.

    pip install "opencv-python-headless<5" numpy   # OpenCV 5 dropped the Haar cascades
    .build/release/visage synth --count 300 --seed 11 --split test --size 128 --out /tmp/fs
    python scripts/face_detect_check.py /tmp/fs/faces

Prints the share of renders with a detected face for the default, alt and alt2 cascades and
for any of them, then, when `labels.jsonl` sits beside the faces folder, the default
cascade's rate split by skin tone (the Pale_Skin latent) and hair colour.
"""
import json
import sys
from pathlib import Path

import cv2

CASCADES = ["default", "alt", "alt2"]


def detect(cascade, path: Path) -> bool:
    gray = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2GRAY)
    # Upscale: the cascade's smallest window is 24 px and our faces span ~60 px at 128².
    gray = cv2.resize(gray, (256, 256), interpolation=cv2.INTER_LINEAR)
    faces = cascade.detectMultiScale(gray, scaleFactor=1.05, minNeighbors=3, minSize=(48, 48))
    return len(faces) > 0


def tone(pale: float) -> str:
    return "pale" if pale >= 0.5 else ("mid" if pale >= 0.25 else "dark")


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fs/faces")
    files = sorted(folder.glob("*.png"))
    if not files:
        sys.exit(f"no PNG files in {folder}")
    hits = {}
    for name in CASCADES:
        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + f"haarcascade_frontalface_{name}.xml")
        if cascade.empty():
            sys.exit(f"cannot load the {name} Haar cascade shipped with OpenCV")
        hits[name] = {f.name: detect(cascade, f) for f in files}
    n = len(files)
    for name in CASCADES:
        found = sum(hits[name].values())
        print(f"{name:8s} {found}/{n} renders with a detected face ({100 * found / n:.1f}%)")
    found = sum(any(hits[c][f.name] for c in CASCADES) for f in files)
    print(f"{'any':8s} {found}/{n} renders with a detected face ({100 * found / n:.1f}%)")

    labels = folder.parent / "labels.jsonl"
    if not labels.exists():
        return
    hairs = ["Black_Hair", "Brown_Hair", "Blond_Hair", "Gray_Hair"]
    table = {}
    for line in labels.read_text().splitlines():
        row = json.loads(line)
        if row["file"] not in hits["default"]:
            continue
        key = (tone(row["attributes"]["Pale_Skin"]), row["hair_colour"])
        seen, got = table.get(key, (0, 0))
        table[key] = (seen + 1, got + hits["default"][row["file"]])
    print("\ndefault cascade by skin and hair (found/total):")
    print("skin  " + "".join(f"{h:>12s}" for h in hairs) + f"{'all':>8s}")
    for t in ["pale", "mid", "dark"]:
        cells = [table.get((t, h), (0, 0)) for h in hairs]
        total = sum(c[0] for c in cells)
        got = sum(c[1] for c in cells)
        share = f"{100 * got / total:.0f}%" if total else "-"
        print(f"{t:6s}" + "".join(f"{f'{c[1]}/{c[0]}':>12s}" for c in cells) + f"{share:>8s}")


if __name__ == "__main__":
    main()
