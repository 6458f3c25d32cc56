#!/usr/bin/env python3
"""The PyTorch side of bench/model_bench.sh: the ORIGINAL U2-Net code timed like clearbg.bench.ModelBench.

forward: net.eval(), torch.no_grad(), the fused map copied out; train: net.train(), zero_grad, forward,
the sum of 7 BCELoss, backward, Adam step. Prints one JSON line per configuration.

Usage: python bench/reference/model_bench.py --u2net-repo PATH --threads T [--warmup N] [--iterations N] arch:size:batch:mode ...
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--u2net-repo", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("configs", nargs="+")
    args = parser.parse_args()
    sys.path.insert(0, args.u2net_repo)
    from model.u2net import U2NET, U2NETP  # the original code, from the given checkout

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    for config in args.configs:
        arch, size, batch, mode = config.split(":")
        size, batch = int(size), int(batch)
        torch.manual_seed(1)
        net = (U2NET if arch == "u2net" else U2NETP)(3, 1)
        bce = nn.BCELoss()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        seconds = []
        for i in range(args.warmup + args.iterations):
            x = torch.randn(batch, 3, size, size)
            y = (torch.rand(batch, 1, size, size) > 0.5).float()
            start = time.perf_counter()
            if mode == "train":
                net.train()
                optimizer.zero_grad()
                outputs = net(x)
                loss = sum(bce(o, y) for o in outputs)
                loss.backward()
                optimizer.step()
                loss.item()
            else:
                net.eval()
                with torch.no_grad():
                    net(x)[0].numpy().copy()
            if i >= args.warmup:
                seconds.append(time.perf_counter() - start)
        seconds.sort()
        median = seconds[len(seconds) // 2]
        print(json.dumps({"engine": "pytorch", "arch": arch, "size": size, "batch": batch, "mode": mode,
                          "threads": args.threads, "median_s": median, "min_s": seconds[0],
                          "median_s_per_image": median / batch}), flush=True)


if __name__ == "__main__":
    main()
