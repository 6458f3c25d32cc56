"""Reference for bench/ingest_bench.sh: the same ingest in one Python process, the way a PyTorch project
would prepare DUTS: pair images with masks by stem, read and decode both with Pillow, check the sizes,
hash the bytes, and write one Parquet table partitioned by split with pyarrow.

Usage: python ingest_reference.py DUTS_ROOT OUT_DIR  -> prints "pairs N seconds S"
"""
import hashlib
import io
import pathlib
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image


def pairs(root):
    for split_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        split = split_dir.name
        images = {p.stem: p for p in (split_dir / f"{split}-Image").iterdir()}
        masks = {p.stem: p for p in (split_dir / f"{split}-Mask").iterdir()}
        for stem in sorted(images.keys() & masks.keys()):
            yield split, stem, images[stem], masks[stem]


def main():
    root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    started = time.perf_counter()
    rows = {"id": [], "split": [], "width": [], "height": [], "image": [], "mask": [], "content_hash": []}
    for split, stem, image_path, mask_path in pairs(root):
        image_bytes, mask_bytes = image_path.read_bytes(), mask_path.read_bytes()
        image = Image.open(io.BytesIO(image_bytes))
        image.load()
        mask = Image.open(io.BytesIO(mask_bytes))
        mask.load()
        if image.size != mask.size:
            continue
        rows["id"].append(f"DUTS/{split}/{stem}")
        rows["split"].append(split)
        rows["width"].append(image.size[0])
        rows["height"].append(image.size[1])
        rows["image"].append(image_bytes)
        rows["mask"].append(mask_bytes)
        rows["content_hash"].append(hashlib.sha256(image_bytes + mask_bytes).hexdigest())
    pq.write_to_dataset(pa.table(rows), root_path=str(out), partition_cols=["split"])
    print(f"pairs {len(rows['id'])} seconds {time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main()
