#!/usr/bin/env python3
"""The PySODMetrics reference evaluation loop, as its own examples run it (one process, cv2 reads).

Usage: python bench/reference/metrics_reference.py --pred DIR --gt DIR [--json FILE]
Prints the elapsed seconds of the loop (reading included) and writes the metrics as JSON.
"""
import argparse
import json
import os
import time

import cv2
import numpy as np
from py_sod_metrics import MAE, Emeasure, Fmeasure, Smeasure, WeightedFmeasure


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pred", required=True)
    parser.add_argument("--gt", required=True)
    parser.add_argument("--json")
    args = parser.parse_args()
    start = time.perf_counter()
    fm, wfm, sm, em, mae = Fmeasure(), WeightedFmeasure(), Smeasure(), Emeasure(), MAE()
    names = sorted(os.listdir(args.gt))
    for name in names:
        gt = cv2.imread(os.path.join(args.gt, name), cv2.IMREAD_GRAYSCALE)
        pred = cv2.imread(os.path.join(args.pred, name), cv2.IMREAD_GRAYSCALE)
        if pred.shape != gt.shape:
            pred = cv2.resize(pred, dsize=gt.shape[::-1], interpolation=cv2.INTER_LINEAR)
        for metric in (fm, wfm, sm, em, mae):
            metric.step(pred=pred, gt=gt)
    f, e = fm.get_results()["fm"], em.get_results()["em"]
    result = {
        "images": len(names),
        "maxF": float(f["curve"].max()), "meanF": float(f["curve"].mean()), "adpF": float(f["adp"]),
        "weightedF": float(wfm.get_results()["wfm"]), "sMeasure": float(sm.get_results()["sm"]),
        "mae": float(mae.get_results()["mae"]),
        "maxE": float(e["curve"].max()), "meanE": float(e["curve"].mean()), "adpE": float(e["adp"]),
    }
    elapsed = time.perf_counter() - start
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)
    print(json.dumps({"seconds": elapsed, **result}))


if __name__ == "__main__":
    main()
