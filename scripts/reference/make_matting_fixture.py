#!/usr/bin/env python3
"""Writes the alpha matting fixture: what rembg's own alpha_matting_cutout (rembg 2.0.86: trimap from the
foreground/background thresholds and a square erosion, pymatting's estimate_alpha_cf and estimate_foreground_ml)
makes of a few generated photos and soft masks, for clearbg's AlphaMatting to be checked against.

Each case: <name>.png (the RGB photo: a textured object with a soft, partly hairy edge on a textured background),
<name>.mask.png (an 8-bit mask with a soft edge), <name>.cutout.png (rembg's RGBA result) and, in expected.json,
the thresholds af, ab and the erosion size ae.

Usage: bench/.venv-rembg/bin/python scripts/reference/make_matting_fixture.py [--out DIR] [--seed N]
(any Python with rembg 2.0.86 installed; bench/rembg_bench.sh creates that environment).
"""
import argparse
import json
import os

import numpy as np
from PIL import Image
from rembg.bg import alpha_matting_cutout
from scipy.ndimage import gaussian_filter

CASES = [("disc", 96, 72, 240, 10, 10), ("strands", 61, 47, 200, 30, 0), ("wide", 120, 40, 250, 5, 3)]


def photo_and_mask(rng, w, h):
    y, x = np.mgrid[0:h, 0:w]
    r = np.hypot((x - w * 0.5) / (w * 0.3), (y - h * 0.5) / (h * 0.3))
    strands = 0.15 * np.sin(np.arctan2(y - h * 0.5, x - w * 0.5) * 9)
    inside = np.clip((1.0 + strands - r) / 0.25, 0, 1)
    background = np.stack([0.2 + 0.1 * gaussian_filter(rng.normal(size=(h, w)), 2) for _ in range(3)], -1)
    background[..., 2] += 0.4
    obj = np.stack([0.9 - 0.1 * r, 0.6 + 0.05 * rng.normal(size=(h, w)), 0.2 + 0.1 * np.sin(x / 3.0)], -1)
    img = inside[..., None] * obj + (1 - inside[..., None]) * background
    img = np.clip(img * 255, 0, 255).astype(np.uint8)
    mask = np.clip(gaussian_filter(inside, 1.5) * 255 + rng.normal(0, 3, size=(h, w)), 0, 255).astype(np.uint8)
    return img, mask


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join("model", "src", "test", "resources", "matting"))
    parser.add_argument("--seed", type=int, default=11)
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    entries = []
    for name, w, h, af, ab, ae in CASES:
        img, mask = photo_and_mask(rng, w, h)
        Image.fromarray(img).save(os.path.join(a.out, name + ".png"))
        Image.fromarray(mask).save(os.path.join(a.out, name + ".mask.png"))
        cutout = alpha_matting_cutout(Image.fromarray(img), Image.fromarray(mask), af, ab, ae)
        cutout.save(os.path.join(a.out, name + ".cutout.png"))
        entries.append({"photo": name + ".png", "mask": name + ".mask.png", "cutout": name + ".cutout.png",
                        "af": af, "ab": ab, "ae": ae})
    json.dump({"source": "rembg.bg.alpha_matting_cutout (rembg 2.0.86, pymatting 1.1.16)", "seed": a.seed,
               "cases": entries}, open(os.path.join(a.out, "expected.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
