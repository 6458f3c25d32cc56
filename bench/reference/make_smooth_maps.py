#!/usr/bin/env python3
"""Real-looking saliency maps for the DIS metrics benchmark: predictions as a segmentation network gives them.

Ground truth: the masks of a DIS5K-layout set (`clearbg synth --layout dis5k`: objects with thin parts, holes and
several components). Prediction: the mask seen at a network's coarse resolution (area-downsampled by 4 to 10, then
bilinear upsampling, so thin parts fade and edges go soft), blurred, with low-frequency error blobs (a random 6x5
field upsampled bicubically: missed parts and false positives), then squashed by a sigmoid into a confident 8-bit
map. Deterministic for a seed.

Usage: python bench/reference/make_smooth_maps.py GT_DIR OUT_DIR [--seed 3]
Writes OUT_DIR/pred/<name>.png and OUT_DIR/gt/<name>.png (a copy of the ground truth, binarised at 128).
"""
import argparse
import os

import cv2
import numpy as np


def prediction(gt, rng):
    h, w = gt.shape
    g = (gt > 128).astype(np.float32)
    factor = float(rng.uniform(4, 10))
    small = cv2.resize(g, (max(2, int(w / factor)), max(2, int(h / factor))), interpolation=cv2.INTER_AREA)
    coarse = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    coarse = cv2.GaussianBlur(coarse, (0, 0), float(rng.uniform(0.5, 2.5)))
    field = cv2.resize(rng.normal(0, 1, (5, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    errors = float(rng.uniform(0.05, 0.3)) * field
    logit = (coarse - 0.5 + errors) * float(rng.uniform(6, 14))
    p = 1 / (1 + np.exp(-logit)) + rng.normal(0, 0.02, (h, w))
    return np.clip(p * 255, 0, 255).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gt")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(os.path.join(args.out, "pred"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "gt"), exist_ok=True)
    for name in sorted(os.listdir(args.gt)):
        gt = cv2.imread(os.path.join(args.gt, name), cv2.IMREAD_GRAYSCALE)
        if gt is None:
            continue
        stem = os.path.splitext(name)[0] + ".png"
        cv2.imwrite(os.path.join(args.out, "gt", stem), np.where(gt > 128, 255, 0).astype(np.uint8))
        cv2.imwrite(os.path.join(args.out, "pred", stem), prediction(gt, rng))


if __name__ == "__main__":
    main()
