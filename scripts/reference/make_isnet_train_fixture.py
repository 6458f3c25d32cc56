#!/usr/bin/env python3
"""Writes the fixture that IsNetTrainingStepParityTest checks one Java training step of IS-Net against.

The reference is the ORIGINAL IS-Net code of Qin et al. (xuebinqin/DIS, IS-Net/models/isnet.py: ISNetDIS,
ISNetGTEncoder, muti_loss_fusion, muti_loss_fusion_kl), not part of this project: pass the folder holding that
isnet.py with --isnet-dir. Weights: the formula of make_isnet_fixture.py for both networks (imported from there).
Batch: 2 x 3 x 96 x 96 images x[i] = 1.5 sin(0.017 i) and 2 x 1 x 96 x 96 labels, a soft-edged ellipse per sample.

Three steps, each from fresh formula weights, the trained network's BatchNorm frozen (running statistics: the Java
trainer's --batch-norm frozen); for each the loss and the gradients of a few tensors after backward. Frozen, because
in training mode (batch statistics) these untrained formula-weight networks are chaotic: PyTorch float32 against
float64 differ by 3% in IS-Net's loss and by 85% of the largest gradient in conv_in's gradient at 96 x 96 (0.14% frozen),
so no implementation could be compared there. The frozen encoder of the third step runs in training mode, as
train_valid_inference_main.py leaves it (it is only run forward):
  isnet    ds, _ = ISNetDIS(x); muti_loss_fusion(ds, y)                       (BCE over the six side outputs)
  encoder  ds, _ = ISNetGTEncoder(y); muti_loss_fusion(ds, y)                 (the encoder learns from masks)
  supervised  ds, dfs = ISNetDIS(x); _, fs = ISNetGTEncoder(y) (frozen: requires_grad False, training mode as
           the original leaves it); muti_loss_fusion_kl(ds, y, dfs, fs, mode='MSE')

Outputs (into --out, default model/src/test/resources/isnet-train):
  batch.safetensors   images, labels, and <step>/<tensor name> for each recorded gradient
  expected.json       the three losses (total) and the recorded tensor names, torch version

Usage: python scripts/reference/make_isnet_train_fixture.py --isnet-dir PATH/TO/DIS/IS-Net/models [--out DIR]
"""
import argparse
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file

from make_isnet_fixture import formula, load_isnet_module

BATCH, SIDE = 2, 96
ISNET_TENSORS = [
    "conv_in.weight",
    "stage1.rebnconvin.conv_s1.weight",
    "stage3.rebnconv2.bn_s1.weight",
    "stage6.rebnconv4.bn_s1.weight",
    "stage1d.rebnconv1d.conv_s1.weight",
    "side1.weight",
    "side6.weight",
]
ENCODER_TENSORS = [
    "conv_in.conv.weight",
    "conv_in.bn.weight",
    "stage1.rebnconvin.conv_s1.weight",
    "stage4.rebnconv2.bn_s1.weight",
    "stage6.rebnconv2.conv_s1.weight",
    "side1.weight",
    "side6.weight",
]


def with_formula(net, training):
    net.load_state_dict({k: formula(k, tuple(v.shape)) for k, v in net.state_dict().items()})
    net.train(training)
    return net


def labels():
    y, x = np.mgrid[0:SIDE, 0:SIDE].astype(np.float64)
    masks = []
    for b in range(BATCH):
        r = np.sqrt(((x - 40 - 10 * b) / 25.0) ** 2 + ((y - 50) / (30.0 - 5 * b)) ** 2)
        masks.append(np.clip((1.2 - r) * 3, 0, 1))
    return torch.from_numpy(np.stack(masks)[:, None].astype(np.float32))


def gradients(net, names, step, tensors):
    params = dict(net.named_parameters())
    for name in names:
        tensors[step + "/" + name] = params[name].grad.detach().clone().contiguous()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--isnet-dir", required=True, help="folder with the original isnet.py")
    parser.add_argument("--out", default=os.path.join("model", "src", "test", "resources", "isnet-train"))
    args = parser.parse_args()
    module = load_isnet_module(args.isnet_dir)
    x = (1.5 * np.sin(0.017 * np.arange(BATCH * 3 * SIDE * SIDE, dtype=np.float64))).astype(np.float32)
    x = torch.from_numpy(x.reshape(BATCH, 3, SIDE, SIDE))
    y = labels()
    tensors = {"images": x, "labels": y}
    losses = {}

    net = with_formula(module.ISNetDIS(3, 1), False)
    ds, _ = net(x)
    _, loss = module.muti_loss_fusion(ds, y)
    loss.backward()
    losses["isnet"] = loss.item()
    gradients(net, ISNET_TENSORS, "isnet", tensors)

    encoder = with_formula(module.ISNetGTEncoder(1, 1), False)
    ds, _ = encoder(y)
    _, loss = module.muti_loss_fusion(ds, y)
    loss.backward()
    losses["encoder"] = loss.item()
    gradients(encoder, ENCODER_TENSORS, "encoder", tensors)

    net = with_formula(module.ISNetDIS(3, 1), False)
    encoder = with_formula(module.ISNetGTEncoder(1, 1), True)
    for p in encoder.parameters():
        p.requires_grad = False
    ds, dfs = net(x)
    _, fs = encoder(y)
    _, loss = module.muti_loss_fusion_kl(ds, y, dfs, fs, mode="MSE")
    loss.backward()
    losses["supervised"] = loss.item()
    gradients(net, ISNET_TENSORS, "supervised", tensors)

    os.makedirs(args.out, exist_ok=True)
    save_file(tensors, os.path.join(args.out, "batch.safetensors"))
    expected = {
        "torch": torch.__version__,
        "losses": losses,
        "isnet_tensors": ISNET_TENSORS,
        "encoder_tensors": ENCODER_TENSORS,
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(json.dumps(losses))


if __name__ == "__main__":
    main()
