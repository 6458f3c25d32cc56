#!/usr/bin/env python3
"""Writes the U2-Net parity fixture that the Java tests check against.

The reference is the ORIGINAL PyTorch model code of Qin et al. (xuebinqin/U-2-Net, model/u2net.py). It is
not part of this project: pass a checkout of that repository with --u2net-repo.

Outputs (into --out, default model/src/test/resources/parity):
  u2netp_seeded.pth       seeded random U2NETP weights, torch.save(model.state_dict()) format; the
                          BatchNorm running statistics and affine parameters are randomised too, so that the
                          inference path is really exercised
  io.safetensors          input (N x 3 x H x W, odd H and W), target (N x 1 x H x W in [0, 1]),
                          eval_out{0..6} (inference mode) and train_out{0..6} (training mode, before the step)
  after_step.safetensors  the whole state_dict after one training step (train mode forward, the original
                          multi-output BCE, backward, Adam lr 1e-3 betas (0.9, 0.999) eps 1e-8)
  gradients.safetensors   the gradient of every parameter in that step, stored as bfloat16 (enough to check
                          a backward pass to ~0.4% and to tell real gradients from rounding noise)
  expected.json           losses of that step (total and per output) and the settings used

PyTorch's float32 kernels differ between CPU kinds enough to matter for the training-mode outputs and
gradients (an AVX2-only CPU against an AVX-512 one: 5.6% of the gradient norm), so the fixture is made twice:
on an AVX-512 CPU into the default folder, and on an AVX2-only CPU with --out .../parity-avx2, keeping there
only io.safetensors, gradients.safetensors, after_step.safetensors and expected.json (the seeded weights and
the input are the same). ReferenceParityTest picks the one of the CPU it runs on.

Usage: python scripts/reference/make_parity_fixture.py --u2net-repo PATH/TO/U-2-Net [--seed 20201] [--out DIR]
Needs the packages of scripts/reference/requirements.txt.
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn
from safetensors.torch import save_file

BATCH, HEIGHT, WIDTH = 2, 67, 93


def build_reference(repo, seed):
    sys.path.insert(0, repo)
    from model.u2net import U2NETP  # the original code, imported from the given checkout

    torch.manual_seed(seed)
    net = U2NETP(3, 1)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
                module.running_mean.normal_(0.0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
    return net


def multi_bce(outputs, target):
    bce = nn.BCELoss(reduction="mean")
    losses = [bce(o, target) for o in outputs]
    return sum(losses[1:], losses[0]), losses


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--u2net-repo", required=True, help="checkout of xuebinqin/U-2-Net")
    parser.add_argument("--seed", type=int, default=20201)
    parser.add_argument("--out", default=os.path.join("model", "src", "test", "resources", "parity"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)

    net = build_reference(args.u2net_repo, args.seed)
    torch.save(net.state_dict(), os.path.join(args.out, "u2netp_seeded.pth"))

    generator = torch.Generator().manual_seed(args.seed + 1)
    x = torch.randn(BATCH, 3, HEIGHT, WIDTH, generator=generator)
    yy, xx = torch.meshgrid(torch.arange(HEIGHT), torch.arange(WIDTH), indexing="ij")
    blob = (((yy - HEIGHT / 2) / (HEIGHT / 3)) ** 2 + ((xx - WIDTH / 2) / (WIDTH / 4)) ** 2 < 1).float()
    target = torch.stack([blob, torch.rand(HEIGHT, WIDTH, generator=generator)]).unsqueeze(1)

    tensors = {"input": x, "target": target}
    net.eval()
    with torch.no_grad():
        for k, out in enumerate(net(x)):
            tensors[f"eval_out{k}"] = out
    net.train()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    optimizer.zero_grad()
    outputs = net(x)
    for k, out in enumerate(outputs):
        tensors[f"train_out{k}"] = out.detach()
    total, losses = multi_bce(outputs, target)
    total.backward()
    gradients = {name: p.grad.detach().to(torch.bfloat16).contiguous() for name, p in net.named_parameters()}
    optimizer.step()
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(args.out, "io.safetensors"))
    save_file({k: v.detach().contiguous() for k, v in net.state_dict().items()},
              os.path.join(args.out, "after_step.safetensors"))
    save_file(gradients, os.path.join(args.out, "gradients.safetensors"))
    expected = {
        "arch": "u2netp",
        "seed": args.seed,
        "torch": torch.__version__,
        "input_shape": [BATCH, 3, HEIGHT, WIDTH],
        "adam": {"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0},
        "loss_total": total.item(),
        "loss_per_output": [loss.item() for loss in losses],
        "parameter_count": sum(p.numel() for p in net.parameters()),
        "state_dict_keys": len(net.state_dict()),
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
    print(json.dumps(expected, indent=2))


if __name__ == "__main__":
    main()
