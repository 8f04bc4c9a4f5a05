#!/usr/bin/env python3
"""Runs a face detector trained on real photographs over FaceSynth renders.

The detector is OpenCV's frontal-face Haar cascade (Viola-Jones, trained on photographs of
real faces), shipped inside the `opencv-python-headless` wheel, so nothing is downloaded at
run time beyond the pip install. Not part of CI.

    pip install "opencv-python-headless<5" numpy   # OpenCV 5 dropped the Haar cascades
    .build/release/visage synth --count 300 --seed 11 --split test --size 128 --out /tmp/fs
    python scripts/face_detect_check.py /tmp/fs/faces
"""
import sys
from pathlib import Path

import cv2


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fs/faces")
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    if cascade.empty():
        sys.exit("cannot load the Haar cascade shipped with OpenCV")
    files = sorted(folder.glob("*.png"))
    if not files:
        sys.exit(f"no PNG files in {folder}")
    found = 0
    for f in files:
        gray = cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2GRAY)
        # Upscale: the cascade's smallest window is 24 px and our faces span ~60 px at 128².
        gray = cv2.resize(gray, (256, 256), interpolation=cv2.INTER_LINEAR)
        faces = cascade.detectMultiScale(gray, scaleFactor=1.05, minNeighbors=3, minSize=(48, 48))
        found += len(faces) > 0
    print(f"{found}/{len(files)} renders with a detected face ({100 * found / len(files):.1f}%)")


if __name__ == "__main__":
    main()
