#!/usr/bin/env python3
"""Writes the IS-Net parity fixture that IsNetReferenceTest checks the Java network against.

The reference is the ORIGINAL IS-Net code of Qin et al. (xuebinqin/DIS, IS-Net/models/isnet.py, ISNetDIS). It is
not part of this project: pass the folder holding that isnet.py with --isnet-dir.

IS-Net has 44 million parameters, too many to ship as a fixture, so the weights are not random draws but a
formula both sides evaluate (FormulaWeights in the Java test does the same): for the tensor named n (state_dict
order) and its flat index i, with h = crc32(n) mod 1000 and b = sin(0.731 i + 0.1 h),
  conv weights  b * sqrt(3 / fan_in)            conv biases   0.05 b
  BN (*.bn_s1.*, conv_in.bn.*) weight     1 + 0.2 b    BN bias  0.1 b     running_mean  0.05 b    running_var  0.75 + 0.5 b^2
  num_batches_tracked 0
computed in float64 and rounded to float32. The input is x[i] = 1.5 sin(0.013 i) for a 1 x 3 x 97 x 131 image
(odd sizes exercise the ceil-mode pools and the resizes).

Outputs (into --out, default model/src/test/resources/isnet):
  io.safetensors   input, and out1..out6: the six side outputs (sigmoids, d1 first) in inference mode
  expected.json    parameter count, state_dict keys with their shapes, torch version
  photo_*.png      two generated photos (RGB), and mask_*.png: their masks by the steps of the original
                   IS-Net/Inference.py (torch bilinear resize to the input size, uint8 cast, /255, mean 0.5 std 1,
                   side output 1 resized back, min-max normalised, * 255 as uint8), with the formula weights at
                   an input size of 160 (--mask-size) to keep the test quick

Usage: python scripts/reference/make_isnet_fixture.py --isnet-dir PATH/TO/DIS/IS-Net/models [--out DIR]
Needs torch, safetensors and Pillow (torchvision is not needed: the module is loaded without the package's __init__).
"""
import argparse
import importlib.util
import json
import math
import os
import sys
import types
import zlib

import numpy as np
import torch
from safetensors.torch import save_file

HEIGHT, WIDTH = 97, 131


def load_isnet_module(folder):
    # isnet.py imports torchvision.models, which it does not use; a stand-in keeps torchvision out
    sys.modules.setdefault("torchvision", types.ModuleType("torchvision"))
    sys.modules["torchvision"].models = types.ModuleType("torchvision.models")
    spec = importlib.util.spec_from_file_location("isnet", os.path.join(folder, "isnet.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_isnet(folder):
    return load_isnet_module(folder).ISNetDIS


def formula(name, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    b = np.sin(0.731 * np.arange(n, dtype=np.float64) + 0.1 * (zlib.crc32(name.encode()) % 1000))
    leaf = name.rsplit(".", 1)[-1]
    is_bn = ".bn_s1." in name or name.startswith("conv_in.bn.")  # the GT encoder's conv_in is conv + bn
    if leaf == "num_batches_tracked":
        return torch.zeros(shape, dtype=torch.int64)
    if is_bn and leaf == "weight":
        v = 1 + 0.2 * b
    elif is_bn and leaf == "bias":
        v = 0.1 * b
    elif leaf == "running_mean":
        v = 0.05 * b
    elif leaf == "running_var":
        v = 0.75 + 0.5 * b * b
    elif leaf == "weight":
        fan_in = int(np.prod(shape[1:]))
        v = b * math.sqrt(3.0 / fan_in)
    else:
        v = 0.05 * b
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


def photo(width, height, seed):
    """A smooth background and a brighter ellipse: something for the network to respond to."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    rgb = np.stack([
        60 + 40 * np.sin(x / 17.0 + seed), 90 + 30 * np.cos(y / 13.0), 120 + 50 * np.sin((x + y) / 29.0)], axis=-1)
    inside = ((x - width * 0.55) / (width * 0.25)) ** 2 + ((y - height * 0.5) / (height * 0.3)) ** 2 <= 1
    rgb[inside] = [220, 180 - 20 * seed, 60]
    return np.clip(rgb, 0, 255).astype(np.uint8)


def original_inference_mask(net, im, size):
    """The steps of IS-Net/Inference.py for one RGB image (HWC uint8)."""
    import torch.nn.functional as F
    im_shp = im.shape[0:2]
    im_tensor = torch.tensor(im, dtype=torch.float32).permute(2, 0, 1)
    im_tensor = F.upsample(torch.unsqueeze(im_tensor, 0), [size, size], mode="bilinear").type(torch.uint8)
    image = torch.divide(im_tensor, 255.0)
    image = (image - 0.5) / 1.0  # torchvision's normalize(image, [0.5] * 3, [1.0] * 3)
    with torch.no_grad():
        result = net(image)
    result = torch.squeeze(F.upsample(result[0][0], im_shp, mode="bilinear"), 0)
    ma = torch.max(result)
    mi = torch.min(result)
    result = (result - mi) / (ma - mi)
    return (result * 255).permute(1, 2, 0).cpu().data.numpy().astype(np.uint8)[:, :, 0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--isnet-dir", required=True, help="folder with the original isnet.py")
    parser.add_argument("--out", default=os.path.join("model", "src", "test", "resources", "isnet"))
    parser.add_argument("--mask-size", type=int, default=160)
    args = parser.parse_args()
    net = load_isnet(args.isnet_dir)(3, 1)
    state = net.state_dict()
    net.load_state_dict({k: formula(k, tuple(v.shape)) for k, v in state.items()})
    net.eval()
    x = (1.5 * np.sin(0.013 * np.arange(3 * HEIGHT * WIDTH, dtype=np.float64))).astype(np.float32)
    x = torch.from_numpy(x.reshape(1, 3, HEIGHT, WIDTH))
    with torch.no_grad():
        sides, _ = net(x)
    tensors = {"input": x}
    for k, side in enumerate(sides):
        tensors["out%d" % (k + 1)] = side.contiguous()
        print("out%d: min %.4f max %.4f mean %.4f" % (k + 1, side.min(), side.max(), side.mean()))
    os.makedirs(args.out, exist_ok=True)
    save_file(tensors, os.path.join(args.out, "io.safetensors"))
    expected = {
        "torch": torch.__version__,
        "parameter_count": sum(p.numel() for p in net.parameters()),
        "state_dict": [[k, list(v.shape)] for k, v in state.items()],
        "input_shape": [1, 3, HEIGHT, WIDTH],
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print("parameter_count", expected["parameter_count"], "keys", len(state))
    from PIL import Image
    for index, (width, height) in enumerate([(150, 110), (131, 97)]):
        path = os.path.join(args.out, "photo_%d.png" % index)
        Image.fromarray(photo(width, height, index)).save(path)
        im = np.array(Image.open(path).convert("RGB"))
        mask = original_inference_mask(net, im, args.mask_size)
        Image.fromarray(mask).save(os.path.join(args.out, "mask_%d.png" % index))
        print("mask_%d: mean %.1f, min %d, max %d" % (index, mask.mean(), mask.min(), mask.max()))


if __name__ == "__main__":
    main()
