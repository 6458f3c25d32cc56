#!/usr/bin/env python3
"""Writes an S3 Inventory report of a local folder in S3 Inventory's own layout, for RemoveBackgroundJob's
--input-list and its tests.

The folder plays the source bucket (each file under it is an object; its key is the path under the folder, and the
S3 key may be given an extra leading prefix with --key-prefix); the report goes under a destination folder that
plays the destination bucket:

  <dest>/<prefix>/<source-bucket>/<config-id>/data/<uuid>.csv.gz (or .parquet)
  <dest>/<prefix>/<source-bucket>/<config-id>/<YYYY-MM-DDTHH-MMZ>/manifest.json and manifest.checksum

manifest.json has sourceBucket, destinationBucket (an ARN), version, creationTimestamp, fileFormat (CSV or Parquet),
fileSchema ("Bucket, Key, Size, LastModifiedDate, ETag") and files (key, size, MD5checksum). CSV data is gzipped,
without a header, keys URL-encoded; Parquet data has the columns bucket, key, size, last_modified_date (timestamp,
ms) and e_tag. The ETag of a file is the MD5 of its content (what S3 gives a single-part upload). --extra KEY adds
a row for an object KEY that is not in the folder (to test refusals).

Usage: scripts/s3-inventory.py --source DIR --bucket NAME --dest DIR --dest-bucket NAME [--prefix P]
       [--key-prefix K] [--format CSV|Parquet] [--config-id ID] [--extra KEY ...]
"""
import argparse
import datetime
import gzip
import hashlib
import io
import json
import os
import sys
import time
import urllib.parse
import uuid


def objects(source, key_prefix):
    rows = []
    for folder, _, names in os.walk(source):
        for name in sorted(names):
            path = os.path.join(folder, name)
            key = key_prefix + os.path.relpath(path, source).replace(os.sep, "/")
            with open(path, "rb") as f:
                etag = hashlib.md5(f.read()).hexdigest()
            stat = os.stat(path)
            rows.append((key, stat.st_size, int(stat.st_mtime * 1000), etag))
    return sorted(rows)


def iso(millis):
    return datetime.datetime.fromtimestamp(millis / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[
        :-3
    ] + "Z"


def csv_bytes(bucket, rows):
    lines = []
    for key, size, modified, etag in rows:
        fields = [bucket, urllib.parse.quote(key, safe=""), str(size), iso(modified), etag]
        lines.append(",".join('"' + f + '"' for f in fields))
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"))


def parquet_bytes(bucket, rows):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "bucket": pa.array([bucket] * len(rows), pa.string()),
            "key": pa.array([r[0] for r in rows], pa.string()),
            "size": pa.array([r[1] for r in rows], pa.int64()),
            "last_modified_date": pa.array([r[2] for r in rows], pa.timestamp("ms", tz="UTC")),
            "e_tag": pa.array([r[3] for r in rows], pa.string()),
        }
    )
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--dest", required=True)
    parser.add_argument("--dest-bucket", required=True)
    parser.add_argument("--prefix", default="inventory")
    parser.add_argument("--key-prefix", default="")
    parser.add_argument("--format", choices=["CSV", "Parquet"], default="CSV")
    parser.add_argument("--config-id", default="nightly")
    parser.add_argument("--extra", action="append", default=[])
    args = parser.parse_args()

    rows = objects(args.source, args.key_prefix)
    now = int(time.time() * 1000)
    rows += [(key, 1, now, "0" * 32) for key in args.extra]
    base = "/".join(p for p in (args.prefix.strip("/"), args.bucket, args.config_id) if p)
    if args.format == "CSV":
        data_key = f"{base}/data/{uuid.uuid4()}.csv.gz"
        data = csv_bytes(args.bucket, rows)
    else:
        data_key = f"{base}/data/{uuid.uuid4()}.parquet"
        data = parquet_bytes(args.bucket, rows)
    stamp = datetime.datetime.fromtimestamp(now / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H-%MZ")
    manifest_key = f"{base}/{stamp}/manifest.json"
    manifest = {
        "sourceBucket": args.bucket,
        "destinationBucket": "arn:aws:s3:::" + args.dest_bucket,
        "version": "2016-11-30",
        "creationTimestamp": str(now),
        "fileFormat": args.format,
        "fileSchema": "Bucket, Key, Size, LastModifiedDate, ETag",
        "files": [{"key": data_key, "size": len(data), "MD5checksum": hashlib.md5(data).hexdigest()}],
    }
    for key, content in ((data_key, data), (manifest_key, json.dumps(manifest, indent=2).encode("utf-8"))):
        path = os.path.join(args.dest, *key.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
    with open(os.path.join(args.dest, *manifest_key.split("/")[:-1], "manifest.checksum"), "w") as f:
        f.write(hashlib.md5(json.dumps(manifest, indent=2).encode("utf-8")).hexdigest() + "\n")
    print(manifest_key)


if __name__ == "__main__":
    sys.exit(main())
