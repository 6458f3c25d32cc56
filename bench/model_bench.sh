#!/usr/bin/env bash
# Benchmark: U2-Net forward and training-step time per image, Java (DJL, this project) against the original
# PyTorch code, on this machine in the same run, interleaved config by config so background load hits both.
# Writes bench/results/model_bench.md. Needs a checkout of the original U-2-Net repository and a Python with
# torch 2.7.1 (scripts/reference/requirements.txt):
#   PYTHON=/path/to/python U2NET_REPO=/path/to/U-2-Net bench/model_bench.sh
#   QUICK=1 (u2netp only, one iteration) for a smoke test
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
: "${U2NET_REPO:?set U2NET_REPO to a checkout of the original U-2-Net repository}"
WARMUP="${WARMUP:-1}"
ITERATIONS="${ITERATIONS:-2}"
cd "$ROOT"
mvn -B -q -DskipTests package
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
# compile in the same Maven session, so the project's own modules resolve to their fresh target/classes
# (not to copies installed in the local repository)
mvn -B -q -pl bench -am -DskipTests compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="bench/target/classes:$(cat "$CP_FILE")"
archs="u2netp u2net"
[[ -n "${QUICK:-}" ]] && { archs="u2netp"; ITERATIONS=1; }
RAW="$(mktemp)"
report() {
  local load_after=$(cut -d' ' -f1-3 /proc/loadavg)
"$PYTHON" - "$RAW" "$load_before" "$load_after" "$WARMUP" "$ITERATIONS" > bench/results/model_bench.md <<'PY'
import json, sys, subprocess, platform
raw, lb, la, warmup, iterations = sys.argv[1:]
rows = [json.loads(l) for l in open(raw) if l.strip()]
key = lambda r: (r["arch"], r["size"], r["batch"], r["threads"], r["mode"])
java = {key(r): r for r in rows if r["engine"] == "java"}
torch = {key(r): r for r in rows if r["engine"] == "pytorch"}
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
print("# U2-Net speed: Java (DJL, this project) vs the original PyTorch code\n")
print(f"Same machine, same run, interleaved per configuration; median of {iterations} timed iterations after {warmup} warm-up.")
print("forward = inference mode, fused map copied out; train = training-mode forward + 7-output BCE + backward + Adam step.\n")
print("| arch | size | batch | threads | mode | PyTorch s/img | Java s/img | Java / PyTorch |")
print("|---|---|---|---|---|---|---|---|")
for k in sorted(java, key=lambda k: (k[0], -k[1], k[2], k[3], k[4])):
    if k in torch:
        j, t = java[k]["median_s_per_image"], torch[k]["median_s_per_image"]
        print(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {k[4]} | {t:.3f} | {j:.3f} | {j/t:.2f} |")
java_v = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
print(f"\nMachine: {cpu[0] if cpu else platform.processor()}, {len(cpu)} logical cores; {java_v}; PyTorch side: torch from the given Python; Java side: DJL 0.36.0 with libtorch 2.7.1 (CPU natives from the Maven registry).")
print(f"Load average {lb} before, {la} after (other work on the machine inflates both sides alike, not the ratio).")
PY
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for threads in 1 2; do
  for arch in $archs; do
    for size in 320 288; do
      for batch in 1 4; do
        for mode in forward train; do
          config="$arch:$size:$batch:$mode"
          OMP_NUM_THREADS=$threads OPT_OUT_TRACKING=true java -Xmx8g -Dai.djl.offline=true \
            -Dai.djl.pytorch.num_threads=$threads -Dai.djl.pytorch.num_interop_threads=1 \
            -cp "$CP" clearbg.bench.ModelBench --warmup "$WARMUP" --iterations "$ITERATIONS" "$config" 2>/dev/null | grep '^{' >> "$RAW"
          OMP_NUM_THREADS=$threads "$PYTHON" bench/reference/model_bench.py --u2net-repo "$U2NET_REPO" --threads "$threads" \
            --warmup "$WARMUP" --iterations "$ITERATIONS" "$config" 2>/dev/null | grep '^{' >> "$RAW"
          echo "model_bench: $config threads $threads done" >&2
          report   # rewritten after every configuration, so a stopped run keeps what it measured
        done
      done
    done
  done
done
cat bench/results/model_bench.md
