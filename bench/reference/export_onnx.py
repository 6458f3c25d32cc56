#!/usr/bin/env python3
"""Exports U2-Net weights to ONNX through the ORIGINAL model code, in the form rembg's `u2net_custom`
session runs: one input (N x 3 x 320 x 320, float32, batch dimension dynamic) and, as output 0, the fused
map d0 after its sigmoid (N x 1 x 320 x 320). rembg takes output 0, min-max normalises it and resizes it
back, so the side outputs d1..d6 are left out of the graph.

Also writes CHECK.npz: a seeded input of batch 2 and the PyTorch output for it, so that the ONNX file can
be checked against PyTorch with onnxruntime (bench/reference/check_onnx.py) in another Python.

Usage: python export_onnx.py --u2net-repo PATH --weights W.pth|W.safetensors --out MODEL.onnx --check CHECK.npz
The architecture (u2net or u2netp) is read from the weights: the full model's conv widths differ.
"""
import argparse
import sys

import numpy as np
import torch


class FusedOnly(torch.nn.Module):
    """The original network with only its first output, the fused sigmoid map."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)[0]


def load_state_dict(path):
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file
        return load_file(path)
    return torch.load(path, map_location="cpu", weights_only=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--u2net-repo", required=True, help="checkout of the original U-2-Net repository")
    parser.add_argument("--weights", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--check", required=True)
    parser.add_argument("--size", type=int, default=320)
    parser.add_argument("--opset", type=int, default=17)
    args = parser.parse_args()
    sys.path.insert(0, args.u2net_repo)
    from model.u2net import U2NET, U2NETP  # the original code, from the given checkout

    state = load_state_dict(args.weights)
    # stage1.rebnconv1 maps out_ch -> mid_ch: 32 channels in the full model, 16 in U2NETP.
    full = state["stage1.rebnconv1.conv_s1.weight"].shape[0] == 32
    net = (U2NET if full else U2NETP)(3, 1)
    net.load_state_dict(state, strict=True)
    model = FusedOnly(net).eval()

    generator = torch.Generator().manual_seed(7)
    x = torch.randn(2, 3, args.size, args.size, generator=generator)
    with torch.no_grad():
        y = model(x)
        torch.onnx.export(model, x, args.out, input_names=["input"], output_names=["d0"],
                          dynamic_axes={"input": {0: "batch"}, "d0": {0: "batch"}},
                          opset_version=args.opset, dynamo=False)
    np.savez(args.check, x=x.numpy(), y=y.numpy())
    print(f"exported {'u2net' if full else 'u2netp'} ({sum(p.numel() for p in net.parameters())} parameters) to {args.out}")


if __name__ == "__main__":
    main()
