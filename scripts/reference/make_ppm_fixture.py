#!/usr/bin/env python3
"""Writes the mask post-processing fixture: what rembg's own post_process (the `ppm` of `rembg p -ppm` and of
`POST /api/remove`, rembg 2.0.86: skimage opening with disk(1), scipy gaussian_filter sigma 2, threshold 127)
makes of a few 8-bit masks, for clearbg's MaskPostProcess to be checked against pixel for pixel.

The masks are generated here from --seed: a soft blob with a ramp edge, speckle noise with thin lines (what the
opening removes), a smooth random field of network-like values, constant plateaus at 126, 127 and 128 (the
threshold), and a 5x3 mask (the border reflection on lines shorter than the kernel).

Outputs (into --out, default model/src/test/resources/ppm): <name>.png (input) and <name>.ppm.png (rembg's
result), and expected.json listing them.

Usage: bench/.venv-rembg/bin/python scripts/reference/make_ppm_fixture.py [--out DIR] [--seed N]
(any Python with rembg 2.0.86 installed; bench/rembg_bench.sh creates that environment).
"""
import argparse
import json
import os

import numpy as np
from PIL import Image
from rembg.bg import post_process
from scipy.ndimage import gaussian_filter


def masks(rng):
    yield "blob", blob(rng)
    yield "speckles", speckles(rng)
    yield "field", field(rng)
    yield "plateaus", plateaus()
    yield "tiny", rng.integers(0, 256, size=(3, 5), dtype=np.uint8)


def blob(rng):
    h, w = 181, 243
    y, x = np.mgrid[0:h, 0:w]
    r = np.hypot((x - w * 0.45) / (w * 0.3), (y - h * 0.55) / (h * 0.35))
    soft = np.clip((1.15 - r) / 0.3, 0, 1) * 255 + rng.normal(0, 6, size=(h, w))
    return np.clip(soft, 0, 255).astype(np.uint8)


def speckles(rng):
    h, w = 120, 160
    m = np.zeros((h, w), np.uint8)
    m[rng.random((h, w)) < 0.03] = 255
    m[40:80, 30:110] = 200
    m[60, :] = 255
    m[:, 130] = 180
    m[90:92, 10:150] = 140
    return m


def field(rng):
    noise = gaussian_filter(rng.normal(0, 1, size=(150, 210)), 9)
    noise = (noise - noise.min()) / (noise.max() - noise.min())
    return np.floor(noise * 255).astype(np.uint8)


def plateaus():
    m = np.zeros((64, 96), np.uint8)
    m[:, 0:32] = 126
    m[:, 32:64] = 127
    m[:, 64:96] = 128
    m[20:44, 20:76] = 255
    return m


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join("model", "src", "test", "resources", "ppm"))
    parser.add_argument("--seed", type=int, default=7)
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    entries = []
    for name, mask in masks(rng):
        Image.fromarray(mask).save(os.path.join(a.out, name + ".png"))
        Image.fromarray(post_process(mask)).save(os.path.join(a.out, name + ".ppm.png"))
        entries.append({"mask": name + ".png", "expected": name + ".ppm.png"})
    json.dump({"source": "rembg.bg.post_process (rembg 2.0.86)", "seed": a.seed, "masks": entries},
              open(os.path.join(a.out, "expected.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
