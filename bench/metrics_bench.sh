#!/usr/bin/env bash
# Benchmark: `clearbg metrics` against the PySODMetrics reference loop, every metric on both sides (MAE, S-measure,
# weighted F, F and E curves; HCE, IoU and Dice, relaxFb), on the same pairs, in the same run, on this machine.
# Two sets: generated pairs at DUTS-TE-like sizes (bench/reference/make_metric_pairs.py) and real-looking DIS pairs
# (the masks of `clearbg synth --layout dis5k` with predictions as a network gives them: make_smooth_maps.py, or a
# model's masks of the synth photos when WEIGHTS is set). HCE alone as well: `clearbg metrics --only hce` against
# Python's HCE step calls plus its reading. Writes bench/results/metrics_bench.md (OUT=FILE: elsewhere).
#   PYTHON=path/to/python   with scripts/reference/requirements.txt (pysodmetrics 1.6.2, opencv, scipy, scikit-image)
#   RELAX_MODULE=FILE       a file holding compute_align_error (the relaxed boundary F the BASNet / U^2-Net author
#                           posted in xuebinqin/BASNet issue #20; not part of this repository). Required.
#   COUNT=5019              generated pairs
#   DIS_COUNT=500           real-looking pairs, DIS_SIZE=1024x768 their size
#   WEIGHTS=FILE            optional: predict the real-looking set with these weights (WEIGHTS_SIZE=320, the network
#                           input side) instead of generating smooth maps
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
COUNT="${COUNT:-5019}"
DIS_COUNT="${DIS_COUNT:-500}"
DIS_SIZE="${DIS_SIZE:-1024x768}"
OUT="${OUT:-$ROOT/bench/results/metrics_bench.md}"
: "${RELAX_MODULE:?set RELAX_MODULE to a file holding compute_align_error (BASNet issue 20)}"
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
"$ROOT/scripts/clearbg" --version >/dev/null   # builds the jar outside the timing

# set 1: generated pairs
"$PYTHON" "$ROOT/bench/reference/make_metric_pairs.py" "$DATA/generated" --count "$COUNT"
# set 2: real-looking DIS pairs (DIS_COUNT split over DIS-VD and DIS-TE1..4, gathered into one folder)
per_split=$(( (DIS_COUNT + 4) / 5 ))
"$ROOT/scripts/clearbg" synth --layout dis5k --out "$DATA/dis5k" --train 0 --test "$per_split" --size "$DIS_SIZE" \
    --seed 21 >/dev/null
mkdir -p "$DATA/dis_gt" "$DATA/dis_photos"
for split in DIS-VD DIS-TE1 DIS-TE2 DIS-TE3 DIS-TE4; do
  cp "$DATA/dis5k/$split/gt/"*.png "$DATA/dis_gt/"
  cp "$DATA/dis5k/$split/im/"*.jpg "$DATA/dis_photos/"
done
ls "$DATA/dis_gt" | sort | tail -n +"$((DIS_COUNT + 1))" | while read -r extra; do
  rm "$DATA/dis_gt/$extra" "$DATA/dis_photos/${extra%.png}.jpg"
done
if [[ -n "${WEIGHTS:-}" ]]; then
  dis_maps="masks of $WEIGHTS (clearbg remove --mask-only --size ${WEIGHTS_SIZE:-320}) on the synth photos"
  mkdir -p "$DATA/dis/gt"
  "$ROOT/scripts/clearbg" remove --weights "$WEIGHTS" --size "${WEIGHTS_SIZE:-320}" "$DATA/dis_photos" \
      --out "$DATA/dis/pred" --mask-only >/dev/null
  cp "$DATA/dis_gt/"*.png "$DATA/dis/gt/"
else
  dis_maps="smooth maps (bench/reference/make_smooth_maps.py)"
  "$PYTHON" "$ROOT/bench/reference/make_smooth_maps.py" "$DATA/dis_gt" "$DATA/dis"
fi

load1() { cut -d' ' -f1 /proc/loadavg; }
run_set() {  # name, folder, description
  local name=$1 folder=$2 description=$3
  local load_java load_sod load_hce load_python java_start java_end sod_end hce_end python_line python_end
  load_java=$(load1)
  java_start=$(date +%s.%N)
  "$ROOT/scripts/clearbg" metrics --pred "$folder/pred" --gt "$folder/gt" --name bench --json "$DATA/$name.java.json" \
      > /dev/null
  java_end=$(date +%s.%N)
  load_sod=$(load1)
  "$ROOT/scripts/clearbg" metrics --pred "$folder/pred" --gt "$folder/gt" --name bench --no-dis-metrics > /dev/null
  sod_end=$(date +%s.%N)
  load_hce=$(load1)
  "$ROOT/scripts/clearbg" metrics --pred "$folder/pred" --gt "$folder/gt" --name bench --only hce \
      --json "$DATA/$name.hce.json" > /dev/null
  hce_end=$(date +%s.%N)
  load_python=$(load1)
  python_line=$("$PYTHON" "$ROOT/bench/reference/metrics_reference.py" --pred "$folder/pred" --gt "$folder/gt" \
      --relax-module "$RELAX_MODULE")
  python_end=$(date +%s.%N)
  "$PYTHON" -c 'import json, sys; print(json.dumps(dict(zip(
      ["name", "description", "pairs", "java_start", "java_end", "sod_end", "hce_end", "python_end", "python",
       "load_java", "load_sod", "load_hce", "load_python", "load_after"], sys.argv[1:]))))' \
      "$name" "$description" "$(ls "$folder/gt" | wc -l)" "$java_start" "$java_end" "$sod_end" "$hce_end" \
      "$python_end" "$python_line" "$load_java" "$load_sod" "$load_hce" "$load_python" "$(load1)" \
      >> "$DATA/runs.jsonl"
}
run_set generated "$DATA/generated" "generated pairs, about 300x400 (bench/reference/make_metric_pairs.py)"
run_set dis "$DATA/dis" "real-looking DIS pairs, $DIS_SIZE: clearbg synth --layout dis5k masks, $dis_maps"

"$PYTHON" - "$DATA" > "$OUT" <<'PY'
import json, platform, sys
data = sys.argv[1]
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
print("# Metrics benchmark: `clearbg metrics` vs PySODMetrics\n")
print("Every metric on both sides: MAE, S-measure, weighted F, F and E curves (PySODMetrics 1.6.2), HCE")
print("(HumanCorrectionEffortMeasure, relax 5, epsilon 2), IoU and Dice (FmeasureV2 IOU/DICE handlers: dynamic,")
print("adaptive, binary) and relaxFb (the BASNet authors' compute_align_error). Java: `clearbg metrics` on all cores,")
print("the whole command (JVM start included); Python: the reference loop in one process (reading included, interpreter")
print("start and imports excluded), with the time of each metric group's `step` calls and of the reading. HCE alone:")
print("`clearbg metrics --only hce` (whole command) against Python's HCE step calls plus its reading. Each figure")
print("with the 1-minute load average just before it was taken.\n")
for line in open(f"{data}/runs.jsonl"):
    run = json.loads(line)
    py = json.loads(run["python"])
    java = json.load(open(f"{data}/{run['name']}.java.json"))["bench"]
    java_hce = json.load(open(f"{data}/{run['name']}.hce.json"))["bench"]
    pairs = int(run["pairs"])
    java_s = float(run["java_end"]) - float(run["java_start"])
    sod_s = float(run["sod_end"]) - float(run["java_end"])
    hce_s = float(run["hce_end"]) - float(run["sod_end"])
    step = py["step_seconds"]
    py_hce = step["hce"] + step["read"]
    keys = [k for k in py if k in java and k not in ("images", "hce")]
    worst = max(abs(java[k] - py[k]) for k in keys)
    print(f"## {pairs} {run['description']}\n")
    print("| tool | seconds | pairs/s | load |\n|---|---|---|---|")
    print(f"| PySODMetrics reference loop, every metric | {py['seconds']:.1f} | {pairs / py['seconds']:.1f} |"
          f" {run['load_python']} |")
    print(f"| of which reading the maps (cv2.imread) | {step['read']:.1f} | | |")
    print(f"| of which HCE's step calls | {step['hce']:.1f} | {pairs / step['hce']:.1f} | |")
    print(f"| of which IoU/Dice (FmeasureV2) | {step['iou_dice']:.1f} | | |")
    print(f"| of which relaxFb | {step['relax_fb']:.1f} | | |")
    print(f"| of which the salient-object metrics | {step['sod']:.1f} | | |")
    print(f"| `clearbg metrics`, every metric (whole command) | {java_s:.1f} | {pairs / java_s:.1f} |"
          f" {run['load_java']} |")
    print(f"| `clearbg metrics --no-dis-metrics` (whole command) | {sod_s:.1f} | {pairs / sod_s:.1f} |"
          f" {run['load_sod']} |")
    print(f"| `clearbg metrics --only hce` (whole command) | {hce_s:.1f} | {pairs / hce_s:.1f} | {run['load_hce']} |")
    print(f"\n**Speed-up, every metric: {py['seconds'] / java_s:.2f}x**; **HCE alone: {py_hce / hce_s:.2f}x**"
          f" (Python's HCE steps plus reading, {py_hce:.1f} s, against `clearbg metrics --only hce`).")
    dis_py = step["hce"] + step["iou_dice"] + step["relax_fb"]
    print(f"The DIS metrics alone (HCE, IoU/Dice, relaxFb): Python's steps {dis_py:.1f} s; Java about"
          f" {java_s - sod_s:.1f} s (the two commands' difference), **about {dis_py / max(java_s - sod_s, 1e-9):.1f}x**.")
    print(f"Mean HCE: Java {java['hce']:.4f} (alone {java_hce['hce']:.4f}), Python {py['hce']:.4f}; largest"
          f" difference over the other scalars: {worst:.2e}.")
    print(f"Load average (1 minute) after the run: {run['load_after']}.\n")
print(f"Machine: {cpu[0] if cpu else platform.processor()}, {len(cpu)} logical cores.")
PY
cat "$OUT"
