#!/usr/bin/env python3
"""GPU figures for bench/results/scaling_estimate.md, measured with the ORIGINAL U2-Net code in PyTorch.

On one CUDA device: the training step (zero_grad, forward, the sum of the 7 BCE losses, backward, Adam step)
per batch of --batch crops of --crop pixels, for U2NET and U2NETP; the inference forward at 320x320; and the
time to copy a U2-Net-sized gradient (44,009,869 float32) from the device to host memory and back, pageable
and pinned, which is what a host-side all-reduce pays per step. Medians of --iterations after --warmup,
each timed between torch.cuda.synchronize() calls. Prints one JSON object.

Usage: python bench/reference/gpu_step.py --u2net-repo PATH [--batch 12] [--crop 288] [--warmup 5] [--iterations 20]
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

GRADIENT_FLOATS = 44_009_869


def timed(fn, warmup, iterations):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    seconds = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--u2net-repo", required=True)
    parser.add_argument("--batch", type=int, default=12)
    parser.add_argument("--crop", type=int, default=288)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, args.u2net_repo)
    from model.u2net import U2NET, U2NETP  # the original code, from the given checkout

    device = torch.device("cuda")
    torch.backends.cudnn.benchmark = True
    result = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__,
              "cudnn": torch.backends.cudnn.version(), "batch": args.batch, "crop": args.crop,
              "tf32_convolutions": torch.backends.cudnn.allow_tf32, "tf32_matmul": torch.backends.cuda.matmul.allow_tf32}
    for name, cls in (("u2net", U2NET), ("u2netp", U2NETP)):
        torch.manual_seed(0)
        net = cls(3, 1).to(device)
        bce = nn.BCELoss()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
        x = torch.randn(args.batch, 3, args.crop, args.crop, device=device)
        y = (torch.rand(args.batch, 1, args.crop, args.crop, device=device) > 0.5).float()

        def train_step():
            net.train()
            optimizer.zero_grad()
            loss = sum(bce(o, y) for o in net(x))
            loss.backward()
            optimizer.step()

        step = timed(train_step, args.warmup, args.iterations)
        net.eval()
        inference = {}
        for batch in (1, 16):
            image = torch.randn(batch, 3, 320, 320, device=device)

            def forward():
                with torch.no_grad():
                    net(image)[0]

            inference[batch] = timed(forward, args.warmup, args.iterations)
        result[name] = {"train_step_s": step, "train_images_per_s": args.batch / step,
                        "forward_320_batch1_s": inference[1], "forward_320_batch16_images_per_s": 16 / inference[16],
                        "parameters": sum(p.numel() for p in net.parameters())}
        del net, optimizer
        torch.cuda.empty_cache()
    gradient = torch.randn(GRADIENT_FLOATS, device=device)
    pageable = torch.empty(GRADIENT_FLOATS)
    pinned = torch.empty(GRADIENT_FLOATS).pin_memory()
    for name, host in (("pageable", pageable), ("pinned", pinned)):
        result[f"gradient_round_trip_{name}_s"] = timed(
            lambda: (host.copy_(gradient), gradient.copy_(host)), args.warmup, args.iterations)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
