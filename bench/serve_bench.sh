#!/usr/bin/env bash
# Benchmark: `clearbg serve` against `rembg s` (rembg's FastAPI server, its u2net_custom session on onnxruntime,
# CPU) over loopback, with the same U2-Net weights (ours, exported to ONNX through the original model code), the
# same threads and the same generated photos, masks only (om=true), both servers up for the whole run and
# measured one after the other. For each side: images/s and p50/p99 latency at 1 and at 8 concurrent clients
# (bench/reference/serve_load.py), then the server's resident memory before and after MEMORY more requests at
# 8 clients. Writes bench/results/serve_bench.md.
#
#   U2NET_REPO=/path/to/U-2-Net bench/serve_bench.sh
#
# U2NET_REPO    checkout of the original U-2-Net repository (required; its model code exports the ONNX graph)
# ARCH=u2netp   u2netp or u2net (seeded Glorot weights from `clearbg init`)
# COUNT=40      photos (SIZE=640x480), cycled through by the clients
# ONE=60        requests at 1 client; EIGHT=240 requests at 8 clients; MEMORY=2000 requests for the memory check
# THREADS=2     cores for each side: OMP_NUM_THREADS and `rembg s --threads` for rembg; clearbg serve's default
#               workers (one per core, one thread each)
# BF16=1        also measure `clearbg serve --precision bf16` (1 and 8 clients; default 1, 0 to skip): bfloat16 on
#               libtorch where the CPU computes it natively (AVX-512 BF16, AMX), its masks within about 0.5/255
#               of fp32's on average (bench/results/rembg_bench.md); elsewhere the server says so and runs fp32
# WORK          folder for images and weights, kept (default: a temporary folder, removed at the end)
# PYTHON=python3  creates bench/.venv-rembg from bench/reference/requirements-rembg.txt when needed
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${U2NET_REPO:?set U2NET_REPO to a checkout of the original U-2-Net repository}"
ARCH="${ARCH:-u2netp}"
COUNT="${COUNT:-40}"
SIZE="${SIZE:-640x480}"
ONE="${ONE:-60}"
EIGHT="${EIGHT:-240}"
MEMORY="${MEMORY:-2000}"
THREADS="${THREADS:-2}"
PYTHON="${PYTHON:-python3}"
if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"
  WORK="$(cd "$WORK" && pwd)"
else
  WORK="$(mktemp -d)"
  OWN_WORK=1
fi
CLEARBG="$ROOT/scripts/clearbg"
log() { echo "serve_bench: $*" >&2; }
source "$ROOT/bench/rembg_env.sh"
"$CLEARBG" --version >/dev/null

IMAGES="$WORK/synth/DUTS-TR/DUTS-TR-Image"
if [[ "$(find "$IMAGES" -name '*.jpg' 2>/dev/null | wc -l)" != "$COUNT" ]]; then
  rm -rf "$WORK/synth"
  "$CLEARBG" synth --out "$WORK/synth" --train "$COUNT" --test 0 --size "$SIZE" --seed 1 >/dev/null
fi
"$CLEARBG" init --arch "$ARCH" --seed 1 --overwrite "$WORK/init.safetensors" >/dev/null
"$CLEARBG" convert --overwrite "$WORK/init.safetensors" "$WORK/weights.pth" >/dev/null
mkdir -p "$WORK/rembg-home"
ONNX="$WORK/rembg-home/bench.onnx"
"$VPY" "$ROOT/bench/reference/export_onnx.py" --u2net-repo "$U2NET_REPO" --weights "$WORK/weights.pth" \
  --out "$ONNX" --check "$WORK/check.npz" 2>/dev/null >/dev/null

free_port() { "$VPY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {  # $1 url, $2 name
  for _ in $(seq 1 240); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  log "$2 did not answer at $1"; exit 1
}
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "${OWN_WORK:-}" ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

REMBG_PORT="$(free_port)"
env U2NET_HOME="$WORK/rembg-home" OMP_NUM_THREADS="$THREADS" "$VENV/bin/rembg" s --host 127.0.0.1 \
  --port "$REMBG_PORT" --threads "$THREADS" --no-ui --log_level warning >"$WORK/rembg.log" 2>&1 &
REMBG_PID=$!
PIDS+=("$REMBG_PID")
CLEARBG_PORT="$(free_port)"
"$CLEARBG" serve --weights "$WORK/init.safetensors" --host 127.0.0.1 --port "$CLEARBG_PORT" >"$WORK/clearbg.log" 2>&1 &
CLEARBG_PID=$!
PIDS+=("$CLEARBG_PID")
SIDES=(rembg clearbg)
if [[ "${BF16:-1}" != 0 ]]; then
  BF16_PORT="$(free_port)"
  "$CLEARBG" serve --weights "$WORK/init.safetensors" --host 127.0.0.1 --port "$BF16_PORT" --precision bf16 \
    >"$WORK/clearbg-bf16.log" 2>&1 &
  BF16_PID=$!
  PIDS+=("$BF16_PID")
  SIDES+=(clearbg-bf16)
  wait_http "http://127.0.0.1:$BF16_PORT/health" "clearbg serve --precision bf16"
fi
wait_http "http://127.0.0.1:$REMBG_PORT/api" "rembg s"
wait_http "http://127.0.0.1:$CLEARBG_PORT/health" "clearbg serve"

RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
load() {  # $1 side, $2 phase, $3 clients, $4 requests
  local url pid extra=()
  if [[ "$1" == rembg ]]; then
    url="http://127.0.0.1:$REMBG_PORT/api/remove"; pid="$REMBG_PID"
    extra=(--field model=u2net_custom --query "extras={\"model_path\": \"$ONNX\"}")
  elif [[ "$1" == clearbg-bf16 ]]; then
    url="http://127.0.0.1:$BF16_PORT/api/remove"; pid="$BF16_PID"
  else
    url="http://127.0.0.1:$CLEARBG_PORT/api/remove"; pid="$CLEARBG_PID"
  fi
  log "$1: $2, $3 clients, $4 requests"
  "$VPY" "$ROOT/bench/reference/serve_load.py" --url "$url" --images "$IMAGES" --clients "$3" --requests "$4" \
    --pid "$pid" --om "${extra[@]}" | "$VPY" -c "import json,sys; d=json.load(sys.stdin); d.update(side='$1', phase='$2'); print(json.dumps(d))" >> "$RESULTS"
}
for side in "${SIDES[@]}"; do
  load "$side" warmup 2 20
  load "$side" one 1 "$ONE"
  load "$side" eight 8 "$EIGHT"
  [[ "$side" == clearbg-bf16 ]] || load "$side" memory 8 "$MEMORY"
done
BF16_NOTE="$(grep -h 'bf16' "$WORK/clearbg-bf16.log" 2>/dev/null | head -1 || true)"
"$VPY" - "$RESULTS" "$ARCH" "$COUNT" "$SIZE" "$THREADS" "$BF16_NOTE" > "$ROOT/bench/results/serve_bench.md" <<'PY'
import json, subprocess, sys, datetime, os
rows = [json.loads(l) for l in open(sys.argv[1])]
arch, count, size, threads, bf16_note = sys.argv[2:7]
bf16 = any(r["side"] == "clearbg-bf16" for r in rows)
get = lambda side, phase: next(r for r in rows if r["side"] == side and r["phase"] == phase)
p = print
p("# `clearbg serve` vs `rembg s` (same weights, same machine, same run)\n")
p(f"{count} generated {size} JPEGs cycled through; weights: {arch}, Glorot-initialised with seed 1 (`clearbg init`),")
p("given to rembg as ONNX exported through the original model code (`u2net_custom`, `extras={\"model_path\": ...}`).")
p(f"Masks only (`om=true`), loopback, one new connection per request (bench/reference/serve_load.py). {threads} cores")
p(f"each: `rembg s --threads {threads}` with `OMP_NUM_THREADS={threads}`; `clearbg serve` with its defaults (one")
p("worker per core, each pass on one thread; passes of one image on CPUs, of up to 4 gathered within 5 ms on a GPU).\n")
p("| side | clients | requests | ok | images/s | p50 s | p99 s |")
p("|---|---|---|---|---|---|---|")
for side in ("rembg", "clearbg") + (("clearbg-bf16",) if bf16 else ()):
    for phase in ("one", "eight"):
        r = get(side, phase)
        p(f"| {side} | {r['clients']} | {r['requests']} | {r['ok']} | {r['images_per_second']:.2f} | "
          f"{r['p50_seconds']:.3f} | {r['p99_seconds']:.3f} |")
for phase, clients in (("one", 1), ("eight", 8)):
    ratio = get("clearbg", phase)["images_per_second"] / get("rembg", phase)["images_per_second"]
    aim = " (aim: at least 1.5x; " + ("met" if ratio >= 1.5 else "not met") + ")" if clients == 8 else ""
    p(f"\n**{clients} client{'s' if clients > 1 else ''}: clearbg {ratio:.2f}x rembg's images/s**{aim}.")
    if bf16:
        ratio = get("clearbg-bf16", phase)["images_per_second"] / get("rembg", phase)["images_per_second"]
        aim = " (aim: at least 1.5x; " + ("met" if ratio >= 1.5 else "not met") + ")" if clients == 8 else ""
        p(f"\n**{clients} client{'s' if clients > 1 else ''}: clearbg --precision bf16 {ratio:.2f}x rembg's "
          f"images/s**{aim}.")
if bf16:
    p("\n`clearbg-bf16` is `clearbg serve --precision bf16`: bfloat16 on libtorch, one network copy per worker; its "
      "masks differ from fp32's by about 0.5/255 on average (bench/results/rembg_bench.md)."
      + (f" Its server said: `{bf16_note}`" if bf16_note else " It computed in bf16 (no fallback note in its log)."))
p("\n## Memory\n")
p("Resident memory (VmRSS) of each server before and after the memory phase (8 clients), after the warm-up and the")
p("two timed phases:\n")
p("| side | requests | ok | RSS before MiB | RSS after MiB | growth |")
p("|---|---|---|---|---|---|")
for side in ("rembg", "clearbg"):
    r = get(side, "memory")
    growth = r["rss_after_kib"] / r["rss_before_kib"] - 1
    p(f"| {side} | {r['requests']} | {r['ok']} | {r['rss_before_kib'] / 1024:.0f} | {r['rss_after_kib'] / 1024:.0f} | "
      f"{100 * growth:+.1f}% |")
g = get("clearbg", "memory")
growth = g["rss_after_kib"] / g["rss_before_kib"] - 1
p(f"\n**clearbg serve's memory over {g['requests']} requests: {100 * growth:+.1f}%** (aim: under 10%; "
  + ("met" if growth < 0.10 else "not met") + ").\n")
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
p(f"Machine: {model}, {os.cpu_count()} logical cores. Run finished {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC.")
failed = [r for r in rows if r["failed"]]
if failed:
    p("\nFailed requests: " + "; ".join(f"{r['side']} {r['phase']}: {r['failed']} ({r['failures'][:1]})" for r in failed))
PY
cat "$ROOT/bench/results/serve_bench.md"
