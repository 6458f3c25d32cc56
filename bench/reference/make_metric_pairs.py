#!/usr/bin/env python3
"""Generates prediction / ground-truth pairs at DUTS-TE-like sizes for the metrics benchmark.

Ground truth: 1-4 filled ellipses and polygons, anti-aliased, binary-ish 8-bit. Prediction: the ground
truth blurred, shifted a little and mixed with noise, so every metric has real work to do (the distance
transform of weighted F, the curves). Sizes vary around 300x400 like DUTS-TE. Deterministic for a seed.

Usage: python bench/reference/make_metric_pairs.py OUT_DIR [--count 5019] [--seed 7]
Writes OUT_DIR/pred/<id>.png and OUT_DIR/gt/<id>.png.
"""
import argparse
import os

import cv2
import numpy as np


def pair(rng):
    h = int(rng.integers(260, 340))
    w = int(rng.integers(340, 440))
    gt = np.zeros((h, w), np.uint8)
    for _ in range(int(rng.integers(1, 5))):
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        if rng.random() < 0.5:
            axes = (int(rng.integers(10, w // 3)), int(rng.integers(10, h // 3)))
            cv2.ellipse(gt, (cx, cy), axes, float(rng.uniform(0, 180)), 0, 360, 255, -1, cv2.LINE_AA)
        else:
            points = np.stack([cx + rng.integers(-w // 4, w // 4, 6), cy + rng.integers(-h // 4, h // 4, 6)], 1)
            cv2.fillPoly(gt, [points.astype(np.int32)], 255, cv2.LINE_AA)
    shift = np.float32([[1, 0, rng.integers(-6, 7)], [0, 1, rng.integers(-6, 7)]])
    pred = cv2.warpAffine(gt, shift, (w, h)).astype(np.float32)
    pred = cv2.GaussianBlur(pred, (0, 0), float(rng.uniform(1, 6)))
    pred = np.clip(pred * rng.uniform(0.6, 1.0) + rng.normal(0, 12, pred.shape), 0, 255).astype(np.uint8)
    return pred, gt


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=5019)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    for sub in ("pred", "gt"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    for i in range(args.count):
        pred, gt = pair(rng)
        cv2.imwrite(os.path.join(args.out, "pred", f"te_{i:05d}.png"), pred)
        cv2.imwrite(os.path.join(args.out, "gt", f"te_{i:05d}.png"), gt)


if __name__ == "__main__":
    main()
