#!/usr/bin/env bash
# Benchmark: `clearbg metrics` against the PySODMetrics reference loop on the same generated pairs, in the
# same run, on this machine. Writes bench/results/metrics_bench.md.
#   PYTHON=path/to/python (with scripts/reference/requirements.txt)  COUNT=5019 (pairs)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
COUNT="${COUNT:-5019}"
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
"$PYTHON" "$ROOT/bench/reference/make_metric_pairs.py" "$DATA" --count "$COUNT"
"$ROOT/scripts/clearbg" --version >/dev/null   # builds the jar outside the timing

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
java_start=$(date +%s.%N)
"$ROOT/scripts/clearbg" metrics --pred "$DATA/pred" --gt "$DATA/gt" --name bench --json "$DATA/java.json" > "$DATA/java.txt"
java_end=$(date +%s.%N)
python_line=$("$PYTHON" "$ROOT/bench/reference/metrics_reference.py" --pred "$DATA/pred" --gt "$DATA/gt" --json "$DATA/python.json")
python_end=$(date +%s.%N)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$PYTHON" - "$DATA" "$java_start" "$java_end" "$python_end" "$python_line" "$load_before" "$load_after" "$COUNT" \
    > "$ROOT/bench/results/metrics_bench.md" <<'PY'
import json, platform, subprocess, sys
data, js, je, pe, line, lb, la, count = sys.argv[1:]
java_s = float(je) - float(js)
python_wall = float(pe) - float(je)
py = json.loads(line)
java = json.load(open(f"{data}/java.json"))["bench"]
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
worst = max(abs(java[k] - py[k]) for k in ("maxF", "meanF", "adpF", "weightedF", "sMeasure", "mae", "maxE", "meanE", "adpE"))
print("# Metrics benchmark: `clearbg metrics` vs PySODMetrics\n")
print(f"{count} generated pairs, about 300x400 (bench/reference/make_metric_pairs.py), PNG on local disk.\n")
print("| tool | seconds | pairs/s |\n|---|---|---|")
print(f"| PySODMetrics 1.6 reference loop (1 process; loop only, imports excluded) | {py['seconds']:.1f} | {int(count)/py['seconds']:.0f} |")
print(f"| `clearbg metrics` (all cores; whole command, JVM start included) | {java_s:.1f} | {int(count)/java_s:.0f} |")
print(f"\n**Speed-up: {py['seconds']/java_s:.2f}x** (Python loop time / Java wall time).")
print(f"Largest difference between the two results over the nine scalars: {worst:.2e}.\n")
print(f"Machine: {cpu[0] if cpu else platform.processor()}, {len(cpu)} logical cores; load average {lb} before, {la} after.")
print(f"Python wall time including interpreter start and imports: {python_wall:.1f} s.")
PY
cat "$ROOT/bench/results/metrics_bench.md"
