#!/usr/bin/env bash
# Benchmark: several methods scored against one ground truth, the way the field's evaluation scripts run, at the
# size of real salient-object test sets (about 400x300). METHODS methods of PAIRS maps each: one `clearbg metrics`
# command with --pred repeated (the whole command: JVM start with the class-data archive, reading, every metric,
# both cores) against the PySODMetrics reference loop run once per method (bench/reference/metrics_reference.py:
# its loop's seconds, reading included, interpreter start and imports excluded), in the same run on this machine.
# Ground truth: the masks of `clearbg synth --layout duts` at SIZE; each method's maps: make_smooth_maps.py with its
# own seed (a network's soft, coarse, partly wrong maps). Two cases: the salient-object metrics (MAE, S, weighted F,
# F and E curves), and every metric (adds HCE, IoU/Dice and relaxFb) when RELAX_MODULE is set (see
# metrics_bench.sh). Appends to bench/results/metrics_methods_bench.md (OUT=FILE: elsewhere).
#   PYTHON=path/to/python with scripts/reference/requirements.txt; METHODS=3 PAIRS=300 SIZE=400x300
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
PYTHON="${PYTHON:-python3}"
METHODS="${METHODS:-3}"
PAIRS="${PAIRS:-300}"
SIZE="${SIZE:-400x300}"
OUT="${OUT:-$ROOT/bench/results/metrics_methods_bench.md}"
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
"$ROOT/scripts/clearbg" --version >/dev/null   # builds the jar and its class archive outside the timing

"$ROOT/scripts/clearbg" synth --layout duts --out "$DATA/synth" --train 0 --test "$PAIRS" --size "$SIZE" --seed 5 \
    >/dev/null
preds=()
for ((m = 1; m <= METHODS; m++)); do
  "$PYTHON" "$ROOT/bench/reference/make_smooth_maps.py" "$DATA/synth/DUTS-TE/DUTS-TE-Mask" "$DATA/method$m" \
      --seed "$m" >/dev/null
  preds+=(--pred "method$m=$DATA/method$m/pred")
done
GT="$DATA/method1/gt"   # the masks binarised at 128, the same for every method

now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }
cases=("salient-object metrics:--no-dis-metrics:")
if [[ -n "${RELAX_MODULE:-}" ]]; then
  cases+=("every metric::--relax-module=$RELAX_MODULE")
fi
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%MZ): $METHODS methods x $PAIRS pairs, $SIZE"
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, flags:" \
    "$(grep -m1 flags /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx|avx2|avx512f|avx512_bf16|avx512_vnni|amx_tile)$' | xargs)"
  echo
  echo "| metrics | PySODMetrics loop, $METHODS runs (s) | \`clearbg metrics\`, one command (s) | speed-up | load before | largest difference |"
  echo "|---|---|---|---|---|---|"
} >> "$OUT"
for case in "${cases[@]}"; do
  IFS=: read -r label java_flag python_flag <<< "$case"
  load=$(load1)
  start=$(now)
  # shellcheck disable=SC2086
  "$ROOT/scripts/clearbg" metrics "${preds[@]}" --gt "$GT" $java_flag --json "$DATA/java.json" >/dev/null
  java_s=$("$PYTHON" -c "print($(now) - $start)")
  python_s=0
  for ((m = 1; m <= METHODS; m++)); do
    line=$("$PYTHON" "$ROOT/bench/reference/metrics_reference.py" --pred "$DATA/method$m/pred" --gt "$GT" \
        --json "$DATA/python$m.json" ${python_flag:+"$python_flag"})
    python_s=$("$PYTHON" -c 'import json, sys; print(float(sys.argv[1]) + json.loads(sys.argv[2])["seconds"])' \
        "$python_s" "$line")
  done
  worst=$("$PYTHON" - "$DATA" "$METHODS" <<'PY'
import json, sys
data, methods = sys.argv[1], int(sys.argv[2])
java = json.load(open(f"{data}/java.json"))
worst = 0.0
for m in range(1, methods + 1):
    py = json.load(open(f"{data}/python{m}.json"))
    ours = java[f"method{m}"]
    worst = max([worst] + [abs(ours[k] - py[k]) for k in py if k in ours and k != "images"])
print(f"{worst:.1e}")
PY
)
  ratio=$("$PYTHON" -c "print(f'{$python_s / $java_s:.2f}')")
  printf '| %s | %.1f | %.1f | **%sx** | %s | %s |\n' "$label" "$python_s" "$java_s" "$ratio" "$load" "$worst" >> "$OUT"
done
tail -n 6 "$OUT"
