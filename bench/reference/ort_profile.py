"""Per-operator kernel time of U2-Net ONNX graphs in onnxruntime on one thread, against this core's peak.

For each graph (LABEL=FILE): all optimisations, one intra-op thread, one 1x3xSxS input; after one warm-up
pass, REPEATS profiled passes. Reports the mean wall time per pass, the kernel time per operator type, and
for the convolutions their multiply-adds per second,

    MACs of a Conv = N * C_out * H_out * W_out * (C_in / group) * k_h * k_w

(read from the shapes the profiler records). The warm-up pass is left out of the profile. The yardstick is a
single-threaded float32 matrix product of 2048x2048 matrices in numpy's BLAS (2048^3 multiply-adds per
product), the practical peak of one core.
Run with OPENBLAS_NUM_THREADS=1 (and OMP_NUM_THREADS=1) set, so that the yardstick uses one thread.

    python ort_profile.py --graph clearbg=a.onnx --graph rembg=b.onnx --json profile.json
"""
import argparse
import collections
import json
import os
import tempfile
import time

import numpy as np
import onnxruntime as ort


def matmul_macs_per_second(side=2048, repeats=5):
    a = np.random.default_rng(0).random((side, side), dtype=np.float32)
    b = np.random.default_rng(1).random((side, side), dtype=np.float32)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return side ** 3 / best


def conv_macs(args):
    shapes = [list(entry.values())[0] for entry in args.get("input_type_shape", [])]
    outputs = [list(entry.values())[0] for entry in args.get("output_type_shape", [])]
    if len(shapes) < 2 or not outputs:
        return 0
    weight, output = shapes[1], outputs[0]
    if len(weight) != 4 or len(output) != 4:
        return 0
    n, c_out, h, w = output
    return n * c_out * h * w * weight[1] * weight[2] * weight[3]


def profile(path, side, repeats):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_profiling = True
    with tempfile.TemporaryDirectory() as folder:
        options.profile_file_prefix = os.path.join(folder, "profile")
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        image = np.random.default_rng(2).random((1, 3, side, side), dtype=np.float32)
        session.run(None, {name: image})
        start = time.perf_counter()
        for _ in range(repeats):
            session.run(None, {name: image})
        wall = (time.perf_counter() - start) / repeats
        with open(session.end_profiling()) as events_file:
            events = json.load(events_file)
    runs = sorted((e["ts"], e["ts"] + e["dur"]) for e in events if e.get("name") == "model_run")
    warm_up_end = runs[0][1]
    kernel = collections.Counter()
    nodes = collections.Counter()
    macs = 0
    for event in events:
        if event.get("cat") != "Node" or not event["name"].endswith("_kernel_time") or event["ts"] < warm_up_end:
            continue
        op = event["args"].get("op_name", "?")
        kernel[op] += event["dur"]
        nodes[op] += 1
        if op == "Conv":
            macs += conv_macs(event["args"])
    passes = len(runs) - 1  # the warm-up pass is left out
    per_pass = {op: micros / passes / 1e6 for op, micros in kernel.items()}
    conv_seconds = per_pass.get("Conv", 0.0)
    return {
        "wall_seconds": wall,
        "kernel_seconds": sum(per_pass.values()),
        "ops": {op: {"seconds": seconds, "nodes": nodes[op] // passes} for op, seconds in per_pass.items()},
        "conv_macs": macs / passes,
        "conv_macs_per_second": macs / passes / conv_seconds if conv_seconds else 0.0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", action="append", required=True, metavar="LABEL=FILE")
    parser.add_argument("--side", type=int, default=320)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    result = {"onnxruntime": ort.__version__, "side": args.side, "repeats": args.repeats,
              "matmul_macs_per_second": matmul_macs_per_second(), "graphs": {}}
    for spec in args.graph:
        label, path = spec.split("=", 1)
        result["graphs"][label] = profile(path, args.side, args.repeats)
    with open(args.json, "w") as out:
        json.dump(result, out, indent=1)
    for label, graph in result["graphs"].items():
        print(f"{label}: {graph['wall_seconds']:.3f} s per pass, convolutions at "
              f"{graph['conv_macs_per_second'] / 1e9:.1f} GMAC/s "
              f"(one-thread matmul: {result['matmul_macs_per_second'] / 1e9:.1f})")


if __name__ == "__main__":
    main()
