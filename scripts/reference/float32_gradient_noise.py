#!/usr/bin/env python3
"""How far PyTorch's own float32 gradients of U2-Net-dagger are from its float64 ones, on one training step.

The reason SyncBatchNormTest cannot hold every gradient within 1e-4 in float32 (and SyncBatchNormFloat64Test checks
SyncBatchNorm's exactness in float64): BatchNorm over small statistics sets amplifies rounding. One batch of 4 random
images at SIZE px, random binary labels, the sum of the seven BCE losses, training mode, the original model code.
Prints the norm-wise relative difference over all gradients and the worst tensors, leaving out the convolution biases
in front of a BatchNorm (their exact gradient is zero; computed, it is noise).

Usage: python scripts/reference/float32_gradient_noise.py U2NET_REPO [--size 64]
(U2NET_REPO: a checkout of the original U-2-Net repository; torch from requirements.txt.)
"""
import argparse
import sys

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()
    sys.path.insert(0, args.repo)
    from model.u2net import U2NETP

    torch.manual_seed(7)
    reference = U2NETP(3, 1)
    images = torch.rand(4, 3, args.size, args.size)
    labels = (torch.rand(4, 1, args.size, args.size) > 0.5).float()
    bce = torch.nn.BCELoss(reduction="mean")

    def gradients(dtype):
        net = U2NETP(3, 1)
        net.load_state_dict(reference.state_dict())
        net = net.to(dtype)
        net.train()
        loss = sum(bce(side, labels.to(dtype)) for side in net(images.to(dtype)))
        loss.backward()
        return {name: p.grad.double() for name, p in net.named_parameters()}

    single, double = gradients(torch.float32), gradients(torch.float64)
    names = [name for name in double if not name.endswith("conv_s1.bias")]
    difference = sum(((single[n] - double[n]) ** 2).sum() for n in names).sqrt()
    print(f"{args.size} px: float32 vs float64, all gradients: {(difference / sum((double[n] ** 2).sum() for n in names).sqrt()).item():.4f} relative")
    worst = sorted((((single[n] - double[n]).norm() / double[n].norm()).item(), n) for n in names)[-5:]
    for relative, name in reversed(worst):
        print(f"  {name}: {relative:.4f}")


if __name__ == "__main__":
    main()
