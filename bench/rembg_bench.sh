#!/usr/bin/env bash
# Benchmark: `clearbg remove --mask-only` against `rembg p -om` (the Python package rembg, its u2net_custom
# session on onnxruntime, CPU) on the same generated 1024x768 JPEGs with the same U2-Net weights (ours,
# exported to ONNX through the original model code), on this machine in the same run, the two sides
# alternating. Each run is timed end to end (process start to exit); start-up is measured separately.
# A third side, clearbg-bf16, is `clearbg remove --precision bf16` (libtorch, bfloat16 convolutions; fp32 and
# a note where the CPU has no native bfloat16); its masks are compared with clearbg's fp32 masks
# (bench/reference/compare_precisions.py). Masks are compared per image; the Java time split comes from
# `clearbg remove --timings`; both ONNX graphs are profiled per operator on one thread
# (bench/reference/ort_profile.py).
# Writes bench/results/rembg_bench.md.
#
#   U2NET_REPO=/path/to/U-2-Net bench/rembg_bench.sh
#
# U2NET_REPO    checkout of the original U-2-Net repository (required; its model/u2net.py is imported)
# COUNT=500     images (SIZE=1024x768)
# REPEATS=2     timed runs of each side; odd runs start with rembg, even runs with clearbg
# THREADS=2     cores for each side: OMP_NUM_THREADS of rembg (onnxruntime intra- and inter-op threads, rembg
#               takes both from it), `clearbg remove --workers` (each forward pass on cores/workers threads)
# BATCH=1       clearbg remove --batch (rembg runs one image at a time)
# WEIGHTS       .pth or .safetensors to use; default: seeded Glorot-initialised U2-Net from `clearbg init`
# ATTRIBUTION=20  images on which bench/reference/compare_masks.py explains the mask difference
# WORK          folder for images, weights and outputs, kept and reused (images are generated once);
#               default: a temporary folder, removed at the end
# PYTHON=python3  creates bench/.venv-rembg from bench/reference/requirements-rembg.txt when needed
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${U2NET_REPO:?set U2NET_REPO to a checkout of the original U-2-Net repository}"
COUNT="${COUNT:-500}"
SIZE="${SIZE:-1024x768}"
REPEATS="${REPEATS:-2}"
THREADS="${THREADS:-2}"
BATCH="${BATCH:-1}"
ATTRIBUTION="${ATTRIBUTION:-20}"
PYTHON="${PYTHON:-python3}"
if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"
  WORK="$(cd "$WORK" && pwd)"
else
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi
CLEARBG="$ROOT/scripts/clearbg"
log() { echo "rembg_bench: $*" >&2; }

source "$ROOT/bench/rembg_env.sh"
"$CLEARBG" --version >/dev/null   # builds the jar outside the timing

IMAGES="$WORK/synth/DUTS-TR/DUTS-TR-Image"
if [[ "$(find "$IMAGES" -name '*.jpg' 2>/dev/null | wc -l)" != "$COUNT" ]]; then
  log "generating $COUNT JPEGs of $SIZE"
  rm -rf "$WORK/synth"
  "$CLEARBG" synth --out "$WORK/synth" --train "$COUNT" --test 0 --size "$SIZE" --seed 1 >/dev/null
fi

if [[ -n "${WEIGHTS:-}" ]]; then
  weights="$(cd "$(dirname "$WEIGHTS")" && pwd)/$(basename "$WEIGHTS")"
  weights_note="$(basename "$WEIGHTS")"
else
  "$CLEARBG" init --arch u2net --seed 1 --overwrite "$WORK/init.safetensors" >/dev/null
  "$CLEARBG" convert --overwrite "$WORK/init.safetensors" "$WORK/u2net-init.pth" >/dev/null
  weights="$WORK/u2net-init.pth"
  weights_note="U2-Net (full), Glorot-initialised with seed 1 (\`clearbg init --arch u2net --seed 1\`), as .pth"
fi

# rembg only loads custom models from under its home folder.
REMBG_HOME_DIR="$WORK/rembg-home"
ONNX="$REMBG_HOME_DIR/u2net_bench.onnx"
mkdir -p "$REMBG_HOME_DIR" "$WORK/empty"
"$VPY" "$ROOT/bench/reference/export_onnx.py" --u2net-repo "$U2NET_REPO" --weights "$weights" \
  --out "$ONNX" --check "$WORK/check.npz" 2>/dev/null
onnx_check="$("$VPY" "$ROOT/bench/reference/check_onnx.py" "$ONNX" "$WORK/check.npz")"
log "$onnx_check"

now() { date +%s.%N; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
RUNS="$WORK/runs.jsonl"
: > "$RUNS"

run_rembg() {  # $1 input folder, $2 output folder
  env U2NET_HOME="$REMBG_HOME_DIR" OMP_NUM_THREADS="$THREADS" "$VENV/bin/rembg" p -m u2net_custom \
    -x "{\"model_path\": \"$ONNX\"}" -om "$1" "$2" 2>>"$WORK/rembg.log" >>"$WORK/rembg.log"
}

time_rembg() {  # $1 repeat
  local out="$WORK/rembg-masks" t0 t1 t2 lb
  rm -rf "$out" "$WORK/empty-out"
  lb="$(loadavg)"
  t0=$(now); run_rembg "$WORK/empty" "$WORK/empty-out"; t1=$(now)   # start-up: imports, session, model load
  run_rembg "$IMAGES" "$out"; t2=$(now)
  printf '{"side": "rembg", "repeat": %d, "seconds": %s, "startup_seconds": %s, "load_before": "%s", "load_after": "%s"}\n' \
    "$1" "$(echo "$t2 - $t1" | bc)" "$(echo "$t1 - $t0" | bc)" "$lb" "$(loadavg)" >> "$RUNS"
}

time_clearbg() {  # $1 repeat, $2 side name (clearbg or clearbg-bf16), then extra options of clearbg remove
  local repeat="$1" name="$2" out="$WORK/$2-masks" t0 t1 lb
  shift 2
  rm -rf "$out"
  lb="$(loadavg)"
  t0=$(now)
  "$CLEARBG" remove --weights "$weights" --mask-only --batch "$BATCH" --workers "$THREADS" "$IMAGES" --out "$out" \
    --timings "$WORK/timings-$name-$repeat.json" "$@" >>"$WORK/$name.log" 2>&1
  t1=$(now)
  printf '{"side": "%s", "repeat": %d, "seconds": %s, "timings": "%s", "load_before": "%s", "load_after": "%s"}\n' \
    "$name" "$repeat" "$(echo "$t1 - $t0" | bc)" "$WORK/timings-$name-$repeat.json" "$lb" "$(loadavg)" >> "$RUNS"
}

time_side() {  # $1 side, $2 repeat
  case "$1" in
    rembg) time_rembg "$2" ;;
    clearbg) time_clearbg "$2" clearbg ;;
    clearbg-bf16) time_clearbg "$2" clearbg-bf16 --precision bf16 ;;
  esac
}

uptime_before="$(uptime)"
for ((r = 1; r <= REPEATS; r++)); do
  if ((r % 2 == 1)); then order="rembg clearbg clearbg-bf16"; else order="clearbg-bf16 clearbg rembg"; fi
  for side in $order; do
    log "repeat $r: $side on $COUNT images"
    time_side "$side" "$r"
  done
done
uptime_after="$(uptime)"
for side in rembg clearbg clearbg-bf16; do
  n="$(find "$WORK/$side-masks" -name '*.png' | wc -l)"
  [[ "$n" == "$COUNT" ]] || { log "$side wrote $n masks, expected $COUNT (see $WORK/$side.log)"; exit 1; }
done

log "comparing masks"
"$VPY" "$ROOT/bench/reference/compare_masks.py" --images "$IMAGES" --java "$WORK/clearbg-masks" \
  --rembg "$WORK/rembg-masks" --onnx "$ONNX" --threads "$THREADS" --attribution "$ATTRIBUTION" \
  --json "$WORK/compare.json" >/dev/null

log "comparing bf16 masks with fp32 masks"
"$VPY" "$ROOT/bench/reference/compare_precisions.py" --fp32 "$WORK/clearbg-masks" --bf16 "$WORK/clearbg-bf16-masks" \
  --log "$WORK/clearbg-bf16.log" --json "$WORK/precisions.json"

log "profiling both graphs on one thread"
"$CLEARBG" convert --overwrite "$weights" "$WORK/clearbg-graph.onnx" >/dev/null
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$VPY" "$ROOT/bench/reference/ort_profile.py" \
  --graph "clearbg=$WORK/clearbg-graph.onnx" --graph "rembg=$ONNX" --json "$WORK/profile.json" >/dev/null

"$VPY" "$ROOT/bench/reference/rembg_report.py" --runs "$RUNS" --compare "$WORK/compare.json" --profile "$WORK/profile.json" \
  --precisions "$WORK/precisions.json" \
  --count "$COUNT" --size "$SIZE" --threads "$THREADS" --batch "$BATCH" --weights "$weights_note" \
  --onnx-check "$onnx_check" --uptime-before "$uptime_before" --uptime-after "$uptime_after" \
  > "$ROOT/bench/results/rembg_bench.md"
cat "$ROOT/bench/results/rembg_bench.md"
