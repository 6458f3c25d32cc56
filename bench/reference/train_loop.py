#!/usr/bin/env python3
"""The PyTorch side of bench/train_bench.sh: a plain training loop with the ORIGINAL U2-Net code.

The original repository's model (U2NET / U2NETP) and data pipeline (SalObjDataset with RescaleT(320),
RandomCrop(288), ToTensorLab(flag=0)), a DataLoader in the training process (num_workers=0, so the loop
uses exactly --threads cores, as a TrainJob replica does), Adam with the paper's settings and the sum of
the 7 BCE losses, as in the original u2net_train.py. Each step is timed in three parts, like TrainJob's
steps.csv: data (the DataLoader's next batch), forward+backward (zero_grad, forward, losses, backward) and
optimiser (Adam step). Prints one JSON line per step.

Usage: python bench/reference/train_loop.py --u2net-repo PATH --data DUTS_ROOT --arch u2net|u2netp
           --batch B --threads T --steps N [--rescale 320] [--crop 288]
"""
import argparse
import glob
import json
import os
import sys
import time

import torch
import torch.nn as nn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--u2net-repo", required=True)
    parser.add_argument("--data", required=True, help="a DUTS root holding DUTS-TR/DUTS-TR-Image and DUTS-TR-Mask")
    parser.add_argument("--arch", choices=["u2net", "u2netp"], default="u2net")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--rescale", type=int, default=320)
    parser.add_argument("--crop", type=int, default=288)
    args = parser.parse_args()
    sys.path.insert(0, args.u2net_repo)
    from data_loader import RandomCrop, RescaleT, SalObjDataset, ToTensorLab  # the original code
    from model import U2NET, U2NETP
    from torch.utils.data import DataLoader
    from torchvision import transforms

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    images = sorted(glob.glob(os.path.join(args.data, "DUTS-TR", "DUTS-TR-Image", "*.jpg")))
    masks = [os.path.join(args.data, "DUTS-TR", "DUTS-TR-Mask", os.path.splitext(os.path.basename(p))[0] + ".png")
             for p in images]
    if len(images) < args.batch:
        sys.exit(f"train_loop: {len(images)} training images under {args.data}, fewer than one batch")
    dataset = SalObjDataset(img_name_list=images, lbl_name_list=masks, transform=transforms.Compose(
        [RescaleT(args.rescale), RandomCrop(args.crop), ToTensorLab(flag=0)]))
    loader = DataLoader(dataset, batch_size=args.batch, shuffle=True, num_workers=0, drop_last=True)
    net = (U2NET if args.arch == "u2net" else U2NETP)(3, 1)
    net.train()
    bce = nn.BCELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    step = 0
    while step < args.steps:
        batches = iter(loader)
        while step < args.steps:
            started = time.perf_counter()
            try:
                data = next(batches)
            except StopIteration:
                break
            inputs = data["image"].type(torch.FloatTensor)
            labels = data["label"].type(torch.FloatTensor)
            loaded = time.perf_counter()
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = sum(bce(o, labels) for o in outputs)
            loss.backward()
            backward_done = time.perf_counter()
            optimizer.step()
            loss_value = loss.item()
            finished = time.perf_counter()
            step += 1
            print(json.dumps({"step": step, "loss": loss_value, "data_s": loaded - started,
                              "forward_backward_s": backward_done - loaded, "optimizer_s": finished - backward_done,
                              "step_s": finished - started}), flush=True)


if __name__ == "__main__":
    main()
