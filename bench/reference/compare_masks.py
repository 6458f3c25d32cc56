#!/usr/bin/env python3
"""Compares the masks of `clearbg remove --mask-only` with those of `rembg p -om` (bench/rembg_bench.sh),
and explains the difference stage by stage.

Agreement: for every image, the mean absolute difference of the two 8-bit masks in grey levels (that is,
in units of 1/255); reported as mean, median and max over the images, with the largest single-pixel
difference. Both masks must have the image's size.

Attribution (on the first --attribution images, sorted by name): the two recipes differ in three places
and run on two engines. With the same ONNX file in onnxruntime, this script builds

  A  rembg's recipe, re-implemented from its u2net_custom session: PIL LANCZOS resize to 320x320 of the
     RGB image, divide by the maximum, ImageNet mean/std, fused map, min-max, `(p * 255).astype(uint8)`
     (truncation), PIL LANCZOS resize of that 8-bit map to the image size;
  B  A with clearbg's input resize: scikit-image order-1 resize, mode 'constant', no anti-aliasing
     (the original u2net_test.py's RescaleT as clearbg runs it);
  C  B with clearbg's mask resize: min-max, truncation to 8 bits (as u2net_test.py), PIL BILINEAR resize
     of that map, rounding (clearbg's whole recipe, on Python's onnxruntime);

and reports MAD(rembg's file, A) (must be ~0: the re-implementation is rembg), MAD(A, B) (input resize),
MAD(B, C) (mask resize) and MAD(C, clearbg's file) (Python's onnxruntime on the graph exported by PyTorch
vs clearbg's engine on the graph clearbg writes itself: ONNX Runtime for Java by default).
It also times rembg's recipe per stage (decode, resize, forward, encode) on those images.

Usage: python compare_masks.py --images DIR --java DIR --rembg DIR --onnx MODEL.onnx --threads T
       [--attribution N] --json OUT.json
"""
import argparse
import io
import json
import os
import statistics
import sys
import time

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps
from skimage.transform import resize as sk_resize

MEAN = np.array([0.485, 0.456, 0.406])
STD = np.array([0.229, 0.224, 0.225])
SIDE = 320


def load_mask(path):
    return np.asarray(Image.open(path).convert("L"), dtype=np.int16)


def mad(a, b):
    if a.shape != b.shape:
        raise ValueError(f"mask sizes differ: {a.shape} vs {b.shape}")
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def to_tensor(rgb):
    """Divide by the maximum, ImageNet normalisation, NCHW float32 (rembg's normalize and ToTensorLab)."""
    x = rgb / max(np.max(rgb), 1e-6)
    x = (x - MEAN) / STD
    return x.transpose(2, 0, 1)[None].astype(np.float32)


def rembg_input(image):
    return to_tensor(np.asarray(image.convert("RGB").resize((SIDE, SIDE), Image.Resampling.LANCZOS), dtype=np.float64))


def clearbg_input(image):
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)
    return to_tensor(sk_resize(rgb, (SIDE, SIDE), order=1, mode="constant", anti_aliasing=False, preserve_range=True))


def min_max(pred):
    lo, hi = pred.min(), pred.max()
    return (pred - lo) / (hi - lo) if hi > lo else np.zeros_like(pred)


def rembg_mask(pred, size):
    return np.asarray(Image.fromarray((min_max(pred) * 255).astype("uint8"), mode="L").resize(size, Image.Resampling.LANCZOS))


def clearbg_mask(pred, size):
    truncated = np.floor(min_max(pred) * 255).astype(np.float32)
    scaled = Image.fromarray(truncated, mode="F").resize(size, Image.Resampling.BILINEAR)
    return np.clip(np.floor(np.asarray(scaled) + 0.5), 0, 255).astype(np.uint8)


def agreement(names, java_dir, rembg_dir):
    per_image, worst_pixel = {}, 0
    for name in names:
        a, b = load_mask(os.path.join(java_dir, name)), load_mask(os.path.join(rembg_dir, name))
        per_image[name] = mad(a, b)
        worst_pixel = max(worst_pixel, int(np.abs(a - b).max()))
    values = list(per_image.values())
    worst = max(per_image, key=per_image.get)
    return {"images": len(values), "mean": statistics.fmean(values), "median": statistics.median(values),
            "max": per_image[worst], "max_image": worst, "max_pixel": worst_pixel}


def attribution(names, args):
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = args.threads
    session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    steps = {k: [] for k in ("replica", "input_resize", "mask_resize", "engine", "total")}
    seconds = {k: 0.0 for k in ("decode", "resize", "forward", "encode")}
    for name in names:
        stem = os.path.splitext(name)[0]
        source = next(f for f in os.listdir(args.images) if os.path.splitext(f)[0] == stem)
        t0 = time.perf_counter()
        image = ImageOps.exif_transpose(Image.open(os.path.join(args.images, source)))
        image.load()
        t1 = time.perf_counter()
        x = rembg_input(image)
        t2 = time.perf_counter()
        pred_a = session.run(None, {input_name: x})[0][0, 0]
        t3 = time.perf_counter()
        mask_a = rembg_mask(pred_a, image.size)
        t4 = time.perf_counter()
        Image.fromarray(mask_a, mode="L").save(io.BytesIO(), "PNG")
        t5 = time.perf_counter()
        seconds["decode"] += t1 - t0
        seconds["resize"] += (t2 - t1) + (t4 - t3)
        seconds["forward"] += t3 - t2
        seconds["encode"] += t5 - t4
        pred_b = session.run(None, {input_name: clearbg_input(image)})[0][0, 0]
        mask_b = rembg_mask(pred_b, image.size)
        mask_c = clearbg_mask(pred_b, image.size)
        java, rembg = load_mask(os.path.join(args.java, name)), load_mask(os.path.join(args.rembg, name))
        steps["replica"].append(mad(rembg, mask_a))
        steps["input_resize"].append(mad(mask_a, mask_b))
        steps["mask_resize"].append(mad(mask_b, mask_c))
        steps["engine"].append(mad(mask_c, java))
        steps["total"].append(mad(java, rembg))
    result = {k: {"mean": statistics.fmean(v), "max": max(v)} for k, v in steps.items()}
    result["images"] = len(names)
    result["rembg_recipe_seconds_per_image"] = {k: v / len(names) for k, v in seconds.items()}
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", required=True)
    parser.add_argument("--java", required=True)
    parser.add_argument("--rembg", required=True)
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--attribution", type=int, default=20)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    names = sorted(f for f in os.listdir(args.rembg) if f.endswith(".png"))
    missing = [n for n in names if not os.path.exists(os.path.join(args.java, n))]
    if not names or missing:
        sys.exit(f"compare_masks: {len(names)} rembg masks, {len(missing)} without a clearbg mask (e.g. {missing[:3]})")
    result = {"agreement": agreement(names, args.java, args.rembg)}
    if args.attribution > 0:
        result["attribution"] = attribution(names[:args.attribution], args)
    with open(args.json, "w") as out:
        json.dump(result, out, indent=2)
    print(json.dumps(result["agreement"]))


if __name__ == "__main__":
    main()
