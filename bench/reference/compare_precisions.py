#!/usr/bin/env python3
"""Compares `clearbg remove --precision bf16` masks with the fp32 masks of the same images: per image the mean
absolute difference in grey levels (1/255 units) and the largest single-pixel difference; writes JSON with the
mean, median and worst image, and whether the bf16 run fell back to fp32 (its log says so)."""
import argparse
import json
import pathlib

import numpy as np
from PIL import Image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fp32", required=True)
    parser.add_argument("--bf16", required=True)
    parser.add_argument("--log", required=True, help="the bf16 run's output, searched for the fallback note")
    parser.add_argument("--json", required=True)
    a = parser.parse_args()
    per_image = []
    for fp32 in sorted(pathlib.Path(a.fp32).rglob("*.png")):
        relative = fp32.relative_to(a.fp32)
        x = np.asarray(Image.open(fp32), dtype=np.int16)
        y = np.asarray(Image.open(pathlib.Path(a.bf16) / relative), dtype=np.int16)
        difference = np.abs(x - y)
        per_image.append({"image": str(relative), "mean": float(difference.mean()), "max": int(difference.max())})
    means = np.array([r["mean"] for r in per_image])
    worst = max(per_image, key=lambda r: r["mean"])
    notes = [l.strip() for l in open(a.log) if "computing in fp32" in l]
    json.dump({"images": len(per_image), "mean": float(means.mean()), "median": float(np.median(means)),
               "worst": worst, "max_pixel": max(r["max"] for r in per_image),
               "fallback_note": notes[0] if notes else None}, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
