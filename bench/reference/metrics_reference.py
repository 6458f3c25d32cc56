#!/usr/bin/env python3
"""The PySODMetrics reference evaluation loop, as its own examples run it (one process, cv2 reads).

Usage: python bench/reference/metrics_reference.py --pred DIR --gt DIR [--json FILE] [--relax-module FILE]
Prints the elapsed seconds of the loop (reading included) and writes the metrics as JSON.

With --relax-module (a file holding compute_align_error(gt, pd) -> (precision, recall, f), the relaxed boundary
F-measure the BASNet / U^2-Net author posted in xuebinqin/BASNet issue #20; not part of this repository) the loop
also runs the DIS metrics: PySODMetrics 1.6.2's HumanCorrectionEffortMeasure (relax 5, epsilon 2), FmeasureV2 with
the IOU and DICE handlers (dynamic, adaptive, binary, sample-based) and that relaxFb, and reports the seconds each
group of metrics spent in its step calls ("step_seconds": sod, hce, iou_dice, relax_fb; "read": the cv2 reads and
resizes, so that one metric alone costs its steps plus "read").
"""
import argparse
import importlib.util
import json
import os
import time

import cv2
import numpy as np
import py_sod_metrics as sod
from py_sod_metrics import MAE, Emeasure, Fmeasure, Smeasure, WeightedFmeasure


def load_relax(path):
    if not hasattr(np, "float"):
        np.float = float  # the posted function predates NumPy 2
    spec = importlib.util.spec_from_file_location("relax_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compute_align_error


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pred", required=True)
    parser.add_argument("--gt", required=True)
    parser.add_argument("--json")
    parser.add_argument("--relax-module", help="file with compute_align_error: also run HCE, IoU/Dice and relaxFb")
    args = parser.parse_args()
    relax = load_relax(args.relax_module) if args.relax_module else None
    start = time.perf_counter()
    fm, wfm, sm, em, mae = Fmeasure(), WeightedFmeasure(), Smeasure(), Emeasure(), MAE()
    hce = sod.HumanCorrectionEffortMeasure(relax=5, epsilon=2)
    fmv2 = sod.FmeasureV2(metric_handlers={
        "iou": sod.IOUHandler(with_dynamic=True, with_adaptive=True, with_binary=True, sample_based=True),
        "dice": sod.DICEHandler(with_dynamic=True, with_adaptive=True, with_binary=True, sample_based=True),
    })
    relax_f = []
    seconds = {"read": 0.0, "sod": 0.0, "hce": 0.0, "iou_dice": 0.0, "relax_fb": 0.0}
    names = sorted(os.listdir(args.gt))
    for name in names:
        t_read = time.perf_counter()
        gt = cv2.imread(os.path.join(args.gt, name), cv2.IMREAD_GRAYSCALE)
        pred = cv2.imread(os.path.join(args.pred, name), cv2.IMREAD_GRAYSCALE)
        if pred.shape != gt.shape:
            pred = cv2.resize(pred, dsize=gt.shape[::-1], interpolation=cv2.INTER_LINEAR)
        t0 = time.perf_counter()
        seconds["read"] += t0 - t_read
        for metric in (fm, wfm, sm, em, mae):
            metric.step(pred=pred, gt=gt)
        t1 = time.perf_counter()
        seconds["sod"] += t1 - t0
        if relax is not None:
            hce.step(pred=pred, gt=gt)
            t2 = time.perf_counter()
            fmv2.step(pred=pred, gt=gt)
            t3 = time.perf_counter()
            relax_f.append(float(relax(gt, pred)[2]))
            t4 = time.perf_counter()
            seconds["hce"] += t2 - t1
            seconds["iou_dice"] += t3 - t2
            seconds["relax_fb"] += t4 - t3
    f, e = fm.get_results()["fm"], em.get_results()["em"]
    result = {
        "images": len(names),
        "maxF": float(f["curve"].max()), "meanF": float(f["curve"].mean()), "adpF": float(f["adp"]),
        "weightedF": float(wfm.get_results()["wfm"]), "sMeasure": float(sm.get_results()["sm"]),
        "mae": float(mae.get_results()["mae"]),
        "maxE": float(e["curve"].max()), "meanE": float(e["curve"].mean()), "adpE": float(e["adp"]),
    }
    if relax is not None:
        res = fmv2.get_results()
        iou, dice = res["iou"], res["dice"]
        result.update({
            "hce": float(hce.get_results()["hce"]),
            "maxIoU": float(iou["dynamic"].max()), "meanIoU": float(iou["dynamic"].mean()),
            "adpIoU": float(iou["adaptive"]), "binaryIoU": float(iou["binary"]),
            "maxDice": float(dice["dynamic"].max()), "meanDice": float(dice["dynamic"].mean()),
            "adpDice": float(dice["adaptive"]), "binaryDice": float(dice["binary"]),
            "relaxFb": float(np.mean(relax_f)),
        })
    elapsed = time.perf_counter() - start
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)
    print(json.dumps({"seconds": elapsed, "step_seconds": seconds, **result}))


if __name__ == "__main__":
    main()
