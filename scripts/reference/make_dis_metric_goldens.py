#!/usr/bin/env python3
"""Generate golden files for the DIS metrics of clearbg.model.metric (HCE, IoU/Dice, relaxFb).

References:
  HCE       PySODMetrics 1.6.2 HumanCorrectionEffortMeasure(relax=5, epsilon=2), get_results()["hce"] = mean
  IoU/Dice  PySODMetrics 1.6.2 FmeasureV2 with IOUHandler / DICEHandler(with_dynamic=True, with_adaptive=True,
            with_binary=True, sample_based=True): dynamic curve (max, mean), adaptive, binary (p > 0.5)
  relaxFb   the relaxed boundary F-measure (rho 3) of the BASNet / U^2-Net papers. The authors' evaluation tool
            (xuebinqin/Binary-Segmentation-Evaluation-Tool) lists it as a future measure and never shipped it; the
            function the authors posted in xuebinqin/BASNet issue #20, compute_align_error(gt, pd) -> (precision,
            recall, f), is what this script runs. It is not part of this repository: save that function in a module
            and pass its path with --relax-module (it uses np.float, which NumPy 2 dropped; this script aliases it).

Writes into model/src/test/resources/metric/dis/:
  pairs/<name>_pred.png, pairs/<name>_gt.png   8-bit grey prediction / ground-truth pairs
  goldens.json                                 per-image and data-set values, plus helper cases:
                                               skeletons (skimage), contours (cv2.findContours RETR_TREE /
                                               CHAIN_APPROX_NONE) and polyline vertex counts (cv2.approxPolyDP)

Run with the reference environment (requirements.txt):
  /tmp/refvenv/bin/python scripts/reference/make_dis_metric_goldens.py --relax-module /path/to/relax_module.py
Deterministic: fixed seeds; re-running rewrites identical files.
"""
import argparse
import importlib.util
import json
import os
import warnings
from importlib.metadata import version

import cv2
import numpy as np
import py_sod_metrics as sod
import scipy
import skimage
from skimage.morphology import skeletonize

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "model", "src", "test", "resources",
                   "metric", "dis")
rng = np.random.default_rng(20261206)


def u8(a):
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def disk_mask(h, w, cy, cx, r):
    y, x = np.ogrid[:h, :w]
    return (y - cy) ** 2 + (x - cx) ** 2 <= r * r


def blur(img, k=5, s=2.0):
    return cv2.GaussianBlur(img.astype(np.float64), (k, k), s)


def soft(mask, k=7, s=2.5, noise=10.0, scale=1.0):
    """A real-looking saliency map of a mask: blurred edges, noise, an offset."""
    h, w = mask.shape
    return u8(blur(mask * 255.0, k, s) * scale + rng.normal(0, noise, (h, w)) + 6)


def thin_structures(h, w):
    m = np.zeros((h, w), bool)
    for _ in range(6):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        x1, y1 = rng.integers(0, w), rng.integers(0, h)
        t = int(rng.integers(1, 3))
        img = np.zeros((h, w), np.uint8)
        cv2.line(img, (int(x0), int(y0)), (int(x1), int(y1)), 1, t)
        m |= img > 0
    return m


def ring(h, w, cy, cx, r_out, r_in):
    return disk_mask(h, w, cy, cx, r_out) & ~disk_mask(h, w, cy, cx, r_in)


def make_pairs():
    """An ordered list of (name, pred uint8, gt uint8); a few predictions differ in size from their ground truth."""
    pairs = []
    # a ring with spokes (thin structures, holes) and a soft, slightly shifted prediction
    h, w = 90, 110
    g = ring(h, w, 45, 55, 35, 28) | ring(h, w, 45, 55, 15, 11)
    g[45, 10:100] = True
    g[8:82, 55] = True
    g[20:70, 30:32] = True
    pairs.append(("ring_spokes", soft(np.roll(g, (1, 2), (0, 1))), u8(g * 255)))
    # thin random lines (wires, a DIS speciality), prediction misses some and adds others
    g = thin_structures(80, 96)
    p = thin_structures(80, 96) | (g & (rng.random((80, 96)) < 0.8))
    pairs.append(("thin_lines", soft(p, 3, 0.8, 8.0), u8(g * 255)))
    # many components: scattered blobs and specks, noisy prediction with many false positive specks
    h, w = 100, 120
    g = np.zeros((h, w), bool)
    for _ in range(40):
        g |= disk_mask(h, w, rng.integers(0, h), rng.integers(0, w), rng.integers(1, 6))
    g[rng.random((h, w)) < 0.01] = True
    p = g.copy()
    p[rng.random((h, w)) < 0.03] = True
    p[rng.random((h, w)) < 0.15] = False
    pairs.append(("many_components", soft(p, 3, 0.7, 12.0), u8(g * 255)))
    # pure noise prediction: hundreds of false positive regions (beyond OpenCV's 7-bit contour labels)
    g = disk_mask(70, 90, 35, 45, 20)
    pairs.append(("noise_pred", u8(rng.random((70, 90)) * 255), u8(g * 255)))
    # grid of holes (a mesh), prediction fills some holes
    h, w = 75, 85
    g = np.zeros((h, w), bool)
    g[5:70, 5:80] = True
    for yy in range(9, 66, 7):
        for xx in range(9, 76, 7):
            g[yy:yy + 4, xx:xx + 4] = False
    p = g.copy()
    p[30:50, 30:60] = True
    pairs.append(("mesh_holes", soft(p, 3, 1.0, 6.0), u8(g * 255)))
    # nested rings and objects inside holes
    h, w = 96, 96
    g = ring(h, w, 48, 48, 44, 38) | ring(h, w, 48, 48, 30, 24) | disk_mask(h, w, 48, 48, 10)
    g |= disk_mask(h, w, 48, 14, 2)
    p = ring(h, w, 47, 49, 43, 37) | disk_mask(h, w, 48, 48, 12) | disk_mask(h, w, 10, 10, 6)
    pairs.append(("nested_rings", soft(p, 5, 1.5, 8.0), u8(g * 255)))
    # objects touching the image border (OpenCV border handling)
    h, w = 64, 80
    g = disk_mask(h, w, 0, 0, 20) | disk_mask(h, w, 63, 79, 15) | disk_mask(h, w, 32, 79, 9)
    g[:, 0:2] = True
    p = disk_mask(h, w, 2, 1, 22) | disk_mask(h, w, 60, 75, 15)
    pairs.append(("border_objects", soft(p, 5, 1.5, 6.0), u8(g * 255)))
    # realistic blob with a soft prediction, prediction smaller than the ground truth (resized)
    h, w = 120, 150
    g = disk_mask(h, w, 60, 70, 35) | disk_mask(h, w, 100, 40, 15)
    g &= ~disk_mask(h, w, 55, 75, 6)
    big = soft(g, 15, 5.0, 12.0, 0.9)
    pairs.append(("blob_resized_smaller", cv2.resize(big, (100, 80), interpolation=cv2.INTER_AREA), u8(g * 255)))
    # prediction larger than the ground truth
    h, w = 60, 50
    g = disk_mask(h, w, 30, 25, 18) & ~ring(h, w, 30, 25, 10, 8)
    big = cv2.resize(soft(g, 5, 1.5, 10.0), (77, 93), interpolation=cv2.INTER_LINEAR)
    pairs.append(("ring_resized_larger", big, u8(g * 255)))
    # empty ground truth, empty prediction, full maps, constant prediction
    pairs.append(("gt_empty", soft(disk_mask(40, 50, 20, 20, 8), 5, 1.5, 20.0), np.zeros((40, 50), np.uint8)))
    pairs.append(("both_empty", np.zeros((30, 40), np.uint8), np.zeros((30, 40), np.uint8)))
    pairs.append(("pred_empty", np.zeros((30, 40), np.uint8), u8(disk_mask(30, 40, 15, 20, 9) * 255)))
    pairs.append(("gt_full", soft(disk_mask(30, 40, 15, 20, 12), 5, 1.5, 10.0), np.full((30, 40), 255, np.uint8)))
    pairs.append(("pred_constant_200", np.full((30, 40), 200, np.uint8), u8(disk_mask(30, 40, 15, 20, 9) * 255)))
    # a perfect prediction, and an inverted one
    g = thin_structures(50, 60) | disk_mask(50, 60, 25, 30, 10)
    pairs.append(("perfect", u8(g * 255), u8(g * 255)))
    pairs.append(("inverted", u8(~g * 255), u8(g * 255)))
    # tiny and degenerate shapes
    pairs.append(("tiny_1x1", np.array([[200]], np.uint8), np.array([[255]], np.uint8)))
    pairs.append(("tiny_1x9", u8(rng.random((1, 9)) * 255), np.array([[0, 255, 255, 0, 255, 0, 0, 255, 255]], np.uint8)))
    pairs.append(("tiny_6x1", u8(rng.random((6, 1)) * 255), np.array([[0], [255], [255], [0], [255], [0]], np.uint8)))
    pairs.append(("tiny_5x7", u8(rng.random((5, 7)) * 255), u8((rng.random((5, 7)) < 0.5) * 255)))
    # random blotches, several seeds and sizes (general coverage)
    for k, (h, w) in enumerate([(48, 64), (72, 56), (41, 97), (128, 96), (33, 33), (90, 70)]):
        base = blur(rng.random((h, w)), 15, 4.0)
        g = base > np.quantile(base, 0.55)
        g ^= thin_structures(h, w) & (rng.random((h, w)) < 0.9)
        pbase = base + rng.normal(0, 0.03 + 0.02 * k, (h, w))
        p = (pbase - pbase.min()) / (pbase.max() - pbase.min()) * 255
        p = blur(p, 3, 1.0) * (1.0 if k % 2 else 1.3) - (0 if k % 3 else 40)
        pairs.append((f"blotches_{k}_{h}x{w}", u8(p), u8(g * 255)))
    # near-threshold values: gt at 128/129, prediction around 127/128 after normalisation
    near_gt = np.where(disk_mask(36, 44, 18, 22, 11), 129, 128).astype(np.uint8)
    near_gt[rng.random((36, 44)) < 0.1] = 128
    near_pred = np.where(disk_mask(36, 44, 18, 23, 10), 128, 127).astype(np.uint8)
    near_pred[0, 0] = 0
    near_pred[0, 1] = 255
    near_pred[rng.random((36, 44)) < 0.1] = 127
    pairs.append(("near_thresholds", near_pred, near_gt))
    # speckled ground truth: thousands of tiny regions, hundreds of contours per relaxed error map (more than
    # OpenCV's 7-bit contour labels hold)
    g = rng.random((80, 100)) < 0.3
    p = g ^ (rng.random((80, 100)) < 0.1)
    pairs.append(("speckles", soft(p, 3, 0.8, 20.0), u8(g * 255)))
    return pairs


def load_relax(path):
    if not hasattr(np, "float"):
        np.float = float  # the posted function predates NumPy 2
    spec = importlib.util.spec_from_file_location("relax_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compute_align_error


def dis_metrics(items, relax):
    """Run the references over (pred, gt) items, the prediction resized to the ground truth first (cv2 INTER_LINEAR)."""
    hce = sod.HumanCorrectionEffortMeasure(relax=5, epsilon=2)
    fmv2 = sod.FmeasureV2(metric_handlers={
        "iou": sod.IOUHandler(with_dynamic=True, with_adaptive=True, with_binary=True, sample_based=True),
        "dice": sod.DICEHandler(with_dynamic=True, with_adaptive=True, with_binary=True, sample_based=True),
    })
    rp, rr, rf = [], [], []
    for pred, gt in items:
        if pred.shape != gt.shape:
            pred = cv2.resize(pred, (gt.shape[1], gt.shape[0]), interpolation=cv2.INTER_LINEAR)
        hce.step(pred=pred, gt=gt)
        fmv2.step(pred=pred, gt=gt)
        p, r, f = relax(gt, pred)
        rp.append(float(p))
        rr.append(float(r))
        rf.append(float(f))
    res = fmv2.get_results()
    iou, dice = res["iou"], res["dice"]
    scalars = {
        "hce": float(hce.get_results()["hce"]),
        "maxIou": float(iou["dynamic"].max()),
        "meanIou": float(iou["dynamic"].mean()),
        "adpIou": float(iou["adaptive"]),
        "binaryIou": float(iou["binary"]),
        "maxDice": float(dice["dynamic"].max()),
        "meanDice": float(dice["dynamic"].mean()),
        "adpDice": float(dice["adaptive"]),
        "binaryDice": float(dice["binary"]),
        "relaxFb": float(np.mean(rf)),
        "relaxedPrecision": float(np.mean(rp)),
        "relaxedRecall": float(np.mean(rr)),
    }
    curves = {"iouCurve": iou["dynamic"].tolist(), "diceCurve": dice["dynamic"].tolist()}
    return scalars, curves, [int(v) for v in hce.hces]


def random_mask(h, w, density):
    m = blur(rng.random((h, w)), 5, 1.5) > 1 - density
    m |= rng.random((h, w)) < density / 8
    return m


def bits(mask):
    return "".join("1" if v else "0" for v in mask.ravel())


def skeleton_cases():
    cases = []
    shapes = [(12, 15), (20, 9), (1, 10), (9, 1), (31, 27), (24, 40), (16, 16), (40, 33)]
    for i in range(24):
        h, w = shapes[i % len(shapes)]
        m = random_mask(h, w, [0.3, 0.5, 0.7][i % 3])
        if i % 5 == 4:
            m = disk_mask(h, w, h // 2, w // 2, max(h, w) // 3) | thin_structures(h, w)
        cases.append({"height": h, "width": w, "mask": bits(m), "skeleton": bits(skeletonize(m))})
    return cases


def contour_cases():
    cases = []
    shapes = [(10, 12), (17, 23), (1, 8), (7, 1), (30, 26), (25, 38), (3, 3), (40, 31)]
    for i in range(24):
        h, w = shapes[i % len(shapes)]
        m = random_mask(h, w, [0.3, 0.5, 0.7, 0.9][i % 4])
        if i % 6 == 5:
            m = ring(h, w, h // 2, w // 2, max(h, w) // 2, max(h, w) // 4) | (rng.random((h, w)) < 0.05)
        contours, _ = cv2.findContours(m.astype(np.uint8), cv2.RETR_TREE, cv2.CHAIN_APPROX_NONE)
        cases.append({
            "height": h,
            "width": w,
            "mask": bits(m),
            "contours": [c[:, 0, :].ravel().tolist() for c in contours],
        })
    return cases


def polyline_cases():
    """Open 8-connected walks without repeated points, and their cv2.approxPolyDP(epsilon 2, open) vertex counts."""
    cases = []
    moves = [(1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1)]
    for i in range(60):
        n = int(rng.integers(1, 12 if i < 20 else 120))
        x, y = 0, 0
        pts, seen = [(0, 0)], {(0, 0)}
        heading = int(rng.integers(0, 8))
        while len(pts) < n:
            options = [(heading + d) % 8 for d in (0, 0, 0, 1, -1, 2, -2)]
            for _ in range(20):
                d = options[int(rng.integers(0, len(options)))]
                nx, ny = x + moves[d][0], y + moves[d][1]
                if (nx, ny) not in seen:
                    break
            else:
                break
            heading = d
            x, y = nx, ny
            pts.append((x, y))
            seen.add((x, y))
        arr = np.array(pts, np.int32).reshape(-1, 1, 2) + 50
        cases.append({"points": arr[:, 0, :].ravel().tolist(),
                      "count": len(cv2.approxPolyDP(arr, 2.0, False))})
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--relax-module", required=True,
                        help="Python file defining compute_align_error(gt, pd) as posted in xuebinqin/BASNet#20")
    args = parser.parse_args()
    relax = load_relax(args.relax_module)
    warnings.simplefilter("ignore")
    os.makedirs(os.path.join(OUT, "pairs"), exist_ok=True)
    pairs = make_pairs()
    images = []
    for name, pred, gt in pairs:
        cv2.imwrite(os.path.join(OUT, "pairs", f"{name}_pred.png"), pred)
        cv2.imwrite(os.path.join(OUT, "pairs", f"{name}_gt.png"), gt)
        scalars, _, _ = dis_metrics([(pred, gt)], relax)
        images.append({"name": name, "height": int(gt.shape[0]), "width": int(gt.shape[1]), **scalars})
    scalars, curves, hces = dis_metrics([(p, g) for _, p, g in pairs], relax)
    assert hces == [int(i["hce"]) for i in images]
    goldens = {
        "reference": f"pysodmetrics {version('pysodmetrics')}, opencv {cv2.__version__}, "
                     f"scikit-image {skimage.__version__}, scipy {scipy.__version__}, numpy {np.__version__}; "
                     "relaxFb: compute_align_error of xuebinqin/BASNet#20",
        "images": images,
        "dataset": {"images": [n for n, _, _ in pairs], **scalars, **curves},
        "skeletons": skeleton_cases(),
        "contours": contour_cases(),
        "polylines": polyline_cases(),
    }
    with open(os.path.join(OUT, "goldens.json"), "w") as fh:
        json.dump(goldens, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
