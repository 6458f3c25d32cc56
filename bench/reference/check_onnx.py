#!/usr/bin/env python3
"""Checks an ONNX export (bench/reference/export_onnx.py) against the PyTorch output saved beside it, with
onnxruntime on the CPU, and that the file has the form rembg's `u2net_custom` session needs: one float
input of shape (N, 3, 320, 320) whose batch dimension is free, output 0 of shape (N, 1, 320, 320).
Exits 1 when the largest absolute difference exceeds --tolerance (default 1e-4).

Usage: python check_onnx.py MODEL.onnx CHECK.npz [--tolerance T]
"""
import argparse
import sys

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("check")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    inputs = session.get_inputs()
    reference = np.load(args.check)
    x, y = reference["x"], reference["y"]
    if len(inputs) != 1 or inputs[0].shape[1:] != list(x.shape[1:]) or isinstance(inputs[0].shape[0], int):
        sys.exit(f"check_onnx: expected one input (batch, 3, H, W) with a free batch, got {[i.shape for i in inputs]}")
    out = session.run(None, {inputs[0].name: x})[0]
    if out.shape != y.shape:
        sys.exit(f"check_onnx: output 0 has shape {out.shape}, PyTorch gave {y.shape}")
    worst = float(np.abs(out - y).max())
    print(f"check_onnx: onnxruntime {ort.__version__} vs PyTorch on a batch of {x.shape[0]}: max |diff| {worst:.2e}")
    if worst > args.tolerance:
        sys.exit(1)


if __name__ == "__main__":
    main()
