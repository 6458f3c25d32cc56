#!/usr/bin/env python3
"""Writes the fixture that IsNetGtEncoderReferenceTest checks the Java ground-truth encoder against.

The reference is the ORIGINAL ISNetGTEncoder of Qin et al. (xuebinqin/DIS, IS-Net/models/isnet.py), not part of this
project: pass the folder holding that isnet.py with --isnet-dir. The weights are the formula of make_isnet_fixture.py
(which this script imports), the input a 1 x 1 x 67 x 71 mask m[i] = 0.5 + 0.5 sin(0.021 i) (odd sizes exercise the
stride-2 conv_in, the ceil-mode pools and the resizes).

Outputs (into --out, default model/src/test/resources/isnet-gt-encoder):
  io.safetensors   input; out1..out6, the six side outputs (sigmoids, side 1 first); feat1..feat6, the stage
                   features hx1..hx6; all in inference mode
  expected.json    parameter count, state_dict keys with their shapes, torch version

Usage: python scripts/reference/make_isnet_gt_encoder_fixture.py --isnet-dir PATH/TO/DIS/IS-Net/models [--out DIR]
"""
import argparse
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file

from make_isnet_fixture import formula, load_isnet_module

HEIGHT, WIDTH = 67, 71


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--isnet-dir", required=True, help="folder with the original isnet.py")
    parser.add_argument("--out", default=os.path.join("model", "src", "test", "resources", "isnet-gt-encoder"))
    args = parser.parse_args()
    net = load_isnet_module(args.isnet_dir).ISNetGTEncoder(1, 1)
    state = net.state_dict()
    net.load_state_dict({k: formula(k, tuple(v.shape)) for k, v in state.items()})
    net.eval()
    x = (0.5 + 0.5 * np.sin(0.021 * np.arange(HEIGHT * WIDTH, dtype=np.float64))).astype(np.float32)
    x = torch.from_numpy(x.reshape(1, 1, HEIGHT, WIDTH))
    with torch.no_grad():
        sides, features = net(x)
    tensors = {"input": x}
    for k, side in enumerate(sides):
        tensors["out%d" % (k + 1)] = side.contiguous()
        print("out%d: min %.4f max %.4f mean %.4f" % (k + 1, side.min(), side.max(), side.mean()))
    for k, feature in enumerate(features):
        tensors["feat%d" % (k + 1)] = feature.contiguous()
        print("feat%d: %s max %.4f" % (k + 1, tuple(feature.shape), feature.abs().max()))
    os.makedirs(args.out, exist_ok=True)
    save_file(tensors, os.path.join(args.out, "io.safetensors"))
    expected = {
        "torch": torch.__version__,
        "parameter_count": sum(p.numel() for p in net.parameters()),
        "state_dict": [[k, list(v.shape)] for k, v in state.items()],
        "input_shape": [1, 1, HEIGHT, WIDTH],
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print("parameter_count", expected["parameter_count"], "keys", len(state))


if __name__ == "__main__":
    main()
