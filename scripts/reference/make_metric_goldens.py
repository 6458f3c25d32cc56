#!/usr/bin/env python3
"""Generate golden files for clearbg.model.metric from the reference implementation, PySODMetrics 1.6.x.

Writes into model/src/test/resources/metric/:
  pairs/<name>_pred.png, pairs/<name>_gt.png   8-bit grey prediction / ground-truth pairs of awkward kinds
  resize/<name>_src.png, resize/<name>_dst.png cv2.resize(src, (w, h), INTER_LINEAR) cases
  goldens.json                                 per-image scalars, data-set scalars and curves, EDT indices

Run with the reference environment (numpy, scipy, opencv-python-headless, pysodmetrics):
  /work/refvenv/bin/python scripts/reference/make_metric_goldens.py
Deterministic: fixed seeds; re-running rewrites identical files.
"""
import json
import os
import warnings
from importlib.metadata import version

import cv2
import numpy as np
import py_sod_metrics as sod
import scipy
from scipy.ndimage import distance_transform_edt

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "model", "src", "test", "resources", "metric")
rng = np.random.default_rng(20240611)


def u8(a):
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def disk_mask(h, w, cy, cx, r):
    y, x = np.ogrid[:h, :w]
    return (y - cy) ** 2 + (x - cx) ** 2 <= r * r


def blur(img, k=5, s=2.0):
    return cv2.GaussianBlur(img.astype(np.float64), (k, k), s)


def make_pairs():
    """Return an ordered list of (name, pred uint8, gt uint8). pred may differ in size only for resize pairs."""
    pairs = []
    blob = disk_mask(24, 30, 11, 14, 7)
    pairs.append(("gt_all_black", u8(rng.random((20, 16)) * 255), np.zeros((20, 16), np.uint8)))
    pairs.append(("gt_all_white", u8(rng.random((18, 21)) * 255), np.full((18, 21), 255, np.uint8)))
    pairs.append(("gt_all_black_pred_zero", np.zeros((9, 11), np.uint8), np.zeros((9, 11), np.uint8)))
    pairs.append(("gt_all_white_pred_full", np.full((9, 11), 255, np.uint8), np.full((9, 11), 255, np.uint8)))
    pairs.append(("pred_constant_128", np.full((24, 30), 128, np.uint8), u8(blob * 255)))
    pairs.append(("pred_constant_0", np.zeros((24, 30), np.uint8), u8(blob * 255)))
    pairs.append(("pred_constant_255", np.full((24, 30), 255, np.uint8), u8(blob * 255)))
    pairs.append(("pred_constant_77_gt_white", np.full((13, 10), 77, np.uint8), np.full((13, 10), 255, np.uint8)))
    pairs.append(("pred_two_levels", u8(np.where(rng.random((24, 30)) < 0.4, 20, 10)), u8(blob * 255)))
    pairs.append(("pred_perfect", u8(blob * 255), u8(blob * 255)))
    pairs.append(("pred_inverted", u8((~blob) * 255), u8(blob * 255)))
    pairs.append(("tiny_1x1", np.array([[200]], np.uint8), np.array([[255]], np.uint8)))
    pairs.append(("tiny_1x4_row", np.array([[0, 100, 255, 30]], np.uint8), np.array([[0, 255, 255, 0]], np.uint8)))
    pairs.append(("tiny_3x1_col", np.array([[10], [250], [40]], np.uint8), np.array([[0], [255], [0]], np.uint8)))
    pairs.append(("tiny_2x3", u8(rng.random((2, 3)) * 255), np.array([[0, 255, 0], [255, 255, 0]], np.uint8)))
    pairs.append(("tiny_7x5", u8(rng.random((7, 5)) * 255), u8((rng.random((7, 5)) < 0.4) * 255)))
    g = disk_mask(31, 17, 14, 8, 5)
    pairs.append(("odd_31x17", u8(blur(g * 255.0) * 0.8 + rng.random((31, 17)) * 50), u8(g * 255)))
    lines = np.zeros((40, 33), bool)
    lines[7, 3:30] = True
    lines[5:36, 20] = True
    for i in range(25):
        lines[10 + i, 2 + i] = True
    pairs.append(("thin_lines", u8(blur(lines * 255.0, 3, 1.0) * 1.5), u8(lines * 255)))
    bottom = np.zeros((12, 15), bool)
    bottom[11, 4:11] = True
    pairs.append(("line_on_last_row", u8(blur(bottom * 255.0, 3, 1.0) + 5), u8(bottom * 255)))
    many = np.zeros((60, 45), bool)
    for _ in range(25):
        cy, cx, r = rng.integers(0, 60), rng.integers(0, 45), rng.integers(1, 5)
        many |= disk_mask(60, 45, cy, cx, r)
    many[rng.random((60, 45)) < 0.02] = True
    pairs.append(("many_objects", u8(blur(many * 230.0, 5, 1.5) + rng.random((60, 45)) * 25), u8(many * 255)))
    pairs.append(("noisy_soft", u8(rng.random((37, 29)) * 255), u8(disk_mask(37, 29, 20, 12, 9) * 255)))
    big = disk_mask(120, 96, 55, 50, 30) | disk_mask(120, 96, 92, 40, 14)
    soft = blur(big * 255.0, 15, 6.0) * 0.9 + rng.normal(0, 12, (120, 96)) + 10
    pairs.append(("realistic_blob", u8(soft), u8(big * 255)))
    near = np.where(disk_mask(26, 22, 12, 10, 6), rng.integers(125, 140, (26, 22)), rng.integers(0, 132, (26, 22)))
    pairs.append(("gt_near_128", u8(blur(near, 5, 2.0) * 1.8), near.astype(np.uint8)))
    grid = np.zeros((29, 31), bool)
    grid[::6, ::6] = True
    pairs.append(("sparse_grid_ties", u8(blur(grid * 255.0, 5, 1.0) * 3 + rng.random((29, 31)) * 40), u8(grid * 255)))
    sg = disk_mask(61, 77, 30, 40, 18)
    small_pred = cv2.resize(u8(blur(sg * 255.0, 9, 4.0)), (40, 33), interpolation=cv2.INTER_AREA)
    pairs.append(("resize_pred_smaller", small_pred, u8(sg * 255)))
    return pairs


def metrics_for(items):
    """Run PySODMetrics over (pred, gt) items exactly as the reference eval scripts do."""
    mae, sm, wfm = sod.MAE(), sod.Smeasure(), sod.WeightedFmeasure()
    fm, em = sod.Fmeasure(), sod.Emeasure()
    for pred, gt in items:
        if pred.shape != gt.shape:
            pred = cv2.resize(pred, (gt.shape[1], gt.shape[0]), interpolation=cv2.INTER_LINEAR)
        for m in (mae, sm, wfm, fm, em):
            m.step(pred=pred, gt=gt)
    f = fm.get_results()
    e = em.get_results()["em"]
    return {
        "mae": float(mae.get_results()["mae"]),
        "sMeasure": float(sm.get_results()["sm"]),
        "weightedF": float(wfm.get_results()["wfm"]),
        "maxF": float(f["fm"]["curve"].max()),
        "meanF": float(f["fm"]["curve"].mean()),
        "adpF": float(f["fm"]["adp"]),
        "maxE": float(e["curve"].max()),
        "meanE": float(e["curve"].mean()),
        "adpE": float(e["adp"]),
    }, {
        "precision": f["pr"]["p"].tolist(),
        "recall": f["pr"]["r"].tolist(),
        "fMeasure": f["fm"]["curve"].tolist(),
        "eMeasure": e["curve"].tolist(),
    }


def edt_cases():
    cases = []
    shapes = [(13, 17), (20, 9), (1, 12), (11, 1), (32, 32), (25, 40), (16, 16), (7, 30)]
    for i in range(48):
        h, w = shapes[i % len(shapes)]
        density = [0.01, 0.05, 0.2, 0.6][i % 4]
        fg = rng.random((h, w)) < density
        if i % 6 == 5:  # symmetric seed layouts make many equidistant candidates
            fg = np.zeros((h, w), bool)
            fg[:: 2 + i % 3, :: 3 + i % 2] = True
        if not fg.any():
            fg[h // 2, w // 2] = True
        _, idx = distance_transform_edt(fg == 0, return_indices=True)
        cases.append({
            "height": h,
            "width": w,
            "foreground": "".join("1" if v else "0" for v in fg.ravel()),
            "rows": idx[0].ravel().tolist(),
            "cols": idx[1].ravel().tolist(),
        })
    return cases


def resize_cases():
    cases = []
    sizes = [(33, 40, 61, 77), (50, 37, 17, 23), (9, 9, 32, 31), (64, 48, 64, 96), (5, 120, 40, 7),
             (40, 40, 41, 39), (1, 7, 3, 11), (300, 8, 150, 16), (64, 48, 32, 24), (20, 30, 20, 30)]
    sizes += [(int(rng.integers(2, 60)), int(rng.integers(2, 60)), int(rng.integers(2, 40)), dw)
              for dw in (8, 9, 15, 16, 17, 24, 25, 31, 32, 33, 40, 47, 48, 49)]
    for i, (sh, sw, dh, dw) in enumerate(sizes):
        src = u8(rng.random((sh, sw)) * 255) if i % 2 else u8(blur(rng.random((sh, sw)) * 255, 3, 1.0))
        dst = cv2.resize(src, (dw, dh), interpolation=cv2.INTER_LINEAR)
        name = f"r{i}_{sh}x{sw}_to_{dh}x{dw}"
        cv2.imwrite(os.path.join(OUT, "resize", f"{name}_src.png"), src)
        cv2.imwrite(os.path.join(OUT, "resize", f"{name}_dst.png"), dst)
        cases.append(name)
    return cases


def main():
    warnings.simplefilter("ignore")  # Fmeasure deprecation and NaN means of empty quadrants are expected
    os.makedirs(os.path.join(OUT, "pairs"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "resize"), exist_ok=True)
    pairs = make_pairs()
    images = []
    for name, pred, gt in pairs:
        cv2.imwrite(os.path.join(OUT, "pairs", f"{name}_pred.png"), pred)
        cv2.imwrite(os.path.join(OUT, "pairs", f"{name}_gt.png"), gt)
        scalars, _ = metrics_for([(pred, gt)])
        images.append({"name": name, **scalars})
    # "all" includes the degenerate 1x1 pair (E-measure 1/eps) and the NaN S-measure pairs;
    # "regular" leaves those out so that every data-set number is finite and informative.
    degenerate = {"tiny_1x1", "tiny_1x4_row", "tiny_3x1_col", "tiny_2x3", "line_on_last_row"}
    datasets = {}
    for set_name, names in (("all", [n for n, _, _ in pairs]),
                            ("regular", [n for n, _, _ in pairs if n not in degenerate])):
        scalars, curves = metrics_for([(p, g) for n, p, g in pairs if n in names])
        datasets[set_name] = {"images": names, **scalars, **curves}
    goldens = {
        "reference": f"pysodmetrics {version('pysodmetrics')}, numpy {np.__version__}, "
                     f"scipy {scipy.__version__}, opencv {cv2.__version__}",
        "images": images,
        "datasets": datasets,
        "edt": edt_cases(),
        "resize": resize_cases(),
    }
    with open(os.path.join(OUT, "goldens.json"), "w") as fh:
        json.dump(goldens, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
