#!/usr/bin/env bash
# Benchmark: IngestJob (spark-submit, local[2]) on COUNT generated DUTS-like pairs read from local files
# (file://) and from the local S3 server (s3a://), beside the same ingest in one Python process (Pillow +
# pyarrow, bench/reference/ingest_reference.py) on the same files, in the same run. Each variant runs REPEATS
# times, alternating. Reports pairs per second (wall time of the whole spark-submit, JVM start included, and
# of the job's own phases) and IngestJob's time split: read / decode / validate (summed executor task time,
# Spark accumulators) and the driver's wall time of listing, read+decode+validate and writing the table.
# Writes bench/results/ingest_bench.md.
#   COUNT=2000  REPEATS=2  WORK=dir (kept and reused: the generated pairs)  SIZE=400x300
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
COUNT="${COUNT:-2000}"
REPEATS="${REPEATS:-2}"
SIZE="${SIZE:-400x300}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
PYTHON="$ROOT/.venv/bin/python"
ensure_app_jar
if [[ ! -d "$WORK/data/DUTS-TE" ]]; then
  "$ROOT/scripts/clearbg" synth --layout duts --out "$WORK/data" --train $((COUNT - COUNT / 10)) --test $((COUNT / 10)) \
    --size "$SIZE" --seed 11 > /dev/null
fi
export S3_STATE_DIR="$WORK/s3"
"$ROOT/scripts/s3-server" start > /dev/null
trap '"$ROOT/scripts/s3-server" stop > /dev/null' EXIT
eval "$("$ROOT/scripts/s3-server" env)"
mkdir -p "$WORK/s3/data/clearbg/duts"
cp -r "$WORK/data/." "$WORK/s3/data/clearbg/duts/"   # S3Proxy's filesystem backend serves these as objects

results="$WORK/results.tsv"
: > "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq 1 "$REPEATS"); do
  for variant in file s3a python; do
    out="$WORK/out-$variant-$rep"
    rm -rf "$out"
    start=$(date +%s.%N)
    case $variant in
      file) line=$("$ROOT/scripts/spark-submit" --master 'local[2]' --class clearbg.jobs.IngestJob "$APP_JAR" \
              --source "file://$WORK/data" --out "file://$out" 2>"$WORK/$variant-$rep.log" | grep "timings:") ;;
      s3a)  line=$("$ROOT/scripts/spark-submit" --master 'local[2]' --class clearbg.jobs.IngestJob "$APP_JAR" \
              --source "s3a://clearbg/duts" --out "file://$out" 2>"$WORK/$variant-$rep.log" | grep "timings:") ;;
      python) line=$("$PYTHON" "$ROOT/bench/reference/ingest_reference.py" "$WORK/data" "$out") ;;
    esac
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\n' "$variant" "$rep" "$(python3 -c "print($end - $start)")" "$line" >> "$results"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$PYTHON" - "$results" "$COUNT" "$SIZE" "$load_before" "$load_after" > "$ROOT/bench/results/ingest_bench.md" <<'PY'
import re, statistics, sys
path, count, size, load_before, load_after = sys.argv[1:]
count = int(count)
rows = [line.rstrip("\n").split("\t") for line in open(path)]
def median(variant, pick):
    return statistics.median(pick(r) for r in rows if r[0] == variant)
def phase(r, name):
    return float(re.search(name + r" ([0-9.]+) s", r[3]).group(1))
def share(r, name):
    return float(re.search(name + r" ([0-9]+)%", r[3]).group(1))
RDV = "read\\+decode\\+validate"
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
py_wall = median("python", lambda r: float(r[2]))
print("# Ingest benchmark\n")
print(f"{count} generated DUTS-like pairs ({size} JPEG photos, PNG masks), IngestJob through `spark-submit --master local[2]`,")
print(f"beside the same ingest in one Python process (Pillow decode, size check, SHA-256, pyarrow Parquet), in the same run,")
print(f"alternating, {len(rows) // 3} repetitions, medians. Machine: {len(cpu)} cores {cpu[0] if cpu else ''}; load average before {load_before}, after {load_after}.\n")
print("| variant | wall s (spark-submit, JVM start incl.) | pairs/s (wall) | job s (list + read/decode/validate + write) | pairs/s (job) | vs Python (wall) |")
print("|---|---|---|---|---|---|")
for variant in ("file", "s3a"):
    wall = median(variant, lambda r: float(r[2]))
    job = median(variant, lambda r: phase(r, "list") + phase(r, RDV) + phase(r, "write"))
    print(f"| IngestJob from {variant}:// | {wall:.1f} | {count / wall:.0f} | {job:.1f} | {count / job:.0f} | {py_wall / wall:.2f}x |")
print(f"| Python reference (local files) | {py_wall:.1f} | {count / py_wall:.0f} | | | 1.00x |\n")
print("Time split of IngestJob (medians): driver wall time per phase, and the executors' summed task time of reading,")
print("decoding and validating (size checks, hash) as shares:\n")
print("| variant | list s | read+decode+validate s | write s | read % | decode % | validate % |")
print("|---|---|---|---|---|---|---|")
for variant in ("file", "s3a"):
    print(f"| {variant}:// | {median(variant, lambda r: phase(r, 'list')):.2f} | {median(variant, lambda r: phase(r, RDV)):.2f} | "
          f"{median(variant, lambda r: phase(r, 'write')):.2f} | {median(variant, lambda r: share(r, 'read')):.0f} | "
          f"{median(variant, lambda r: share(r, 'decode')):.0f} | {median(variant, lambda r: share(r, 'validate')):.0f} |")
print("\nRaw lines:\n")
for r in rows:
    print(f"- {r[0]} #{r[1]}: {float(r[2]):.1f} s wall; {r[3]}")
PY
cat "$ROOT/bench/results/ingest_bench.md"
