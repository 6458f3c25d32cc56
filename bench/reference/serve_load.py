#!/usr/bin/env python3
"""Load generator of bench/serve_bench.sh: N clients on loopback, each sending its share of requests one after
another (a new connection each, as most rembg clients do) to a rembg-compatible POST /api/remove, and the
server's resident memory (VmRSS of --pid) read before and after. Prints one JSON object.

Usage: serve_load.py --url http://127.0.0.1:PORT/api/remove --images DIR --clients 8 --requests 400 --pid PID
       [--field model=u2net_custom --query extras={...}] [--om]
"""
import argparse
import json
import os
import statistics
import threading
import time
import urllib.parse
import urllib.request
import uuid


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def multipart(fields, name, content):
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n".encode())
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--images", required=True)
    p.add_argument("--clients", type=int, required=True)
    p.add_argument("--requests", type=int, required=True, help="requests in all, shared by the clients")
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--field", action="append", default=[], help="extra form field k=v")
    p.add_argument("--query", action="append", default=[], help="query parameter k=v")
    p.add_argument("--om", action="store_true", help="ask for the mask only")
    a = p.parse_args()
    files = sorted(os.path.join(a.images, f) for f in os.listdir(a.images) if f.lower().endswith((".jpg", ".png")))
    blobs = [(os.path.basename(f), open(f, "rb").read()) for f in files]
    fields = dict(kv.split("=", 1) for kv in a.field)
    if a.om:
        fields["om"] = "true"
    url = a.url + ("?" + urllib.parse.urlencode(dict(kv.split("=", 1) for kv in a.query)) if a.query else "")
    latencies, failures, lock = [], [], threading.Lock()
    counter = iter(range(a.requests))

    def client():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            name, content = blobs[i % len(blobs)]
            body, ctype = multipart(fields, name, content)
            request = urllib.request.Request(url, data=body, headers={"Content-Type": ctype}, method="POST")
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=300) as response:
                    response.read()
                    ok = response.status == 200
            except Exception as e:  # a refused or failed request is counted, not retried
                ok = False
                with lock:
                    failures.append(str(e)[:200])
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - t0)

    rss_before = rss_kib(a.pid)
    threads = [threading.Thread(target=client) for _ in range(a.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    rss_after = rss_kib(a.pid)
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    print(json.dumps({"clients": a.clients, "requests": a.requests, "ok": len(latencies), "failed": len(failures),
                      "failures": failures[:3], "wall_seconds": wall, "images_per_second": len(latencies) / wall,
                      "p50_seconds": q[49], "p99_seconds": q[98], "rss_before_kib": rss_before,
                      "rss_after_kib": rss_after}))


if __name__ == "__main__":
    main()
