#!/usr/bin/env python3
"""Generates the small weight fixtures for clearbg.model.io tests.

Run with the reference interpreter (torch 2.7.1, safetensors, numpy):
    /work/refvenv/bin/python scripts/reference/make_io_fixtures.py model/src/test/resources/io

Writes PyTorch checkpoints in several layouts, a safetensors file written by the Python
`safetensors` package, and expected.json: for every fixture and key, the dtype the Java reader
must produce (FLOAT32 or INT64), the shape, the float64 sum and every value in row-major order
(values converted to float32 or int64 first, exactly as the Java reader converts them).
"""
import json
import sys
from pathlib import Path

import torch
from torch import nn
from safetensors.torch import save_file


class Tiny(nn.Module):
    """conv-BN-ReLU then a 1x1 conv: weights, biases, BN stats and int64 num_batches_tracked."""

    def __init__(self):
        super().__init__()
        self.conv_s1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn_s1 = nn.BatchNorm2d(4)
        self.side = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        return self.side(torch.relu(self.bn_s1(self.conv_s1(x))))


def tiny_state_dict():
    torch.manual_seed(0)
    model = Tiny().train()
    model(torch.randn(2, 3, 5, 5))  # one step moves running stats and num_batches_tracked
    return model.state_dict()


def mixed_tensors():
    """Views with offset/stride, every supported dtype, and a 0-d tensor."""
    torch.manual_seed(1)
    base = torch.randn(3, 5)
    return {
        "transposed": base.t(),  # non-contiguous: stride (1, 5)
        "sliced": base[1:, ::2],  # storage offset 5, stride (5, 2)
        "f64": torch.randn(2, 3, dtype=torch.float64),
        "f16": torch.randn(4).to(torch.float16),
        "bf16": torch.randn(2, 2).to(torch.bfloat16),
        "i32": torch.tensor([[-7, 0, 2147483647]], dtype=torch.int32),
        "i64": torch.tensor([-(2 ** 40), 1, 3], dtype=torch.int64),
        "scalar": torch.tensor(3.5),
    }


def expected(tensors):
    out = {}
    for key, t in tensors.items():
        is_float = t.is_floating_point()
        c = t.detach().to(torch.float32 if is_float else torch.int64).contiguous()
        out[key] = {
            "type": "FLOAT32" if is_float else "INT64",
            "shape": list(c.shape),
            "sum": float(c.to(torch.float64).sum()) if is_float else int(c.sum()),
            "values": c.reshape(-1).tolist(),
        }
    return out


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tiny = tiny_state_dict()
    mixed = mixed_tensors()
    st = {
        "w_f32": torch.randn(2, 3),
        "w_f16": torch.randn(3).to(torch.float16),
        "w_bf16": torch.randn(2, 2).to(torch.bfloat16),
        "w_f64": torch.randn(1, 2, dtype=torch.float64),
        "n_i64": torch.tensor([5, -6], dtype=torch.int64),
        "n_i32": torch.tensor([7], dtype=torch.int32),
    }

    torch.save(tiny, out / "tiny.pth")
    torch.save(mixed, out / "mixed.pth")
    torch.save({"module." + k: v for k, v in tiny.items()}, out / "dataparallel.pth")
    torch.save({"epoch": 7, "state_dict": tiny}, out / "wrapped_state_dict.pth")
    torch.save({"model": tiny, "lr": 0.001}, out / "wrapped_model.pth")
    torch.save({"flags": torch.tensor([True, False])}, out / "bool.pth")
    torch.save({"x": torch.ones(2)}, out / "legacy.pth", _use_new_zipfile_serialization=False)
    save_file(st, str(out / "python.safetensors"), metadata={"format": "pt", "note": "written by safetensors"})

    doc = {
        "torch_version": torch.__version__,
        "tiny": expected(tiny),
        "mixed": expected(mixed),
        "safetensors": expected(st),
        "safetensors_metadata": {"format": "pt", "note": "written by safetensors"},
    }
    (out / "expected.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "model/src/test/resources/io")
