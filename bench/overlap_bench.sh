#!/usr/bin/env bash
# Benchmark: TrainJob with 2 workers on local[2], the gradients exchanged in buckets during backward with Adam
# applied per bucket as each average arrives (--bucket-mb 25, needs the native bridge) beside the exchange after
# backward (--bucket-mb 0), alternating run by run on the same generated table. Reports steps/s and the per-step
# split of rank 0's steps.csv (medians after the warm-up). Writes bench/results/overlap_bench.md.
# U2-Net-dagger's gradients are 4.5 MB: at --bucket-mb 25 they are one bucket, launched when backward has reached
# the first layer; BUCKET_MBS="25 1 0" adds 1 MiB buckets (5 buckets), which start during backward.
#   BUCKET_MBS="25 0" ARCH=u2netp BATCH=4 (global) STEPS=12 WARMUP=2 REPEATS=2 COUNT=64 SIZE=400x300 RESCALE=72 CROP=64
#   WORK=dir keeps the runs' logs and steps.csv there
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ARCH="${ARCH:-u2netp}"
BATCH="${BATCH:-4}"
STEPS="${STEPS:-12}"
WARMUP="${WARMUP:-2}"
REPEATS="${REPEATS:-2}"
COUNT="${COUNT:-64}"
SIZE="${SIZE:-400x300}"
RESCALE="${RESCALE:-72}"
CROP="${CROP:-64}"
BUCKET_MBS="${BUCKET_MBS:-25 0}"
if (( BATCH % 2 != 0 || STEPS <= WARMUP || COUNT < BATCH * STEPS )); then
  echo "overlap_bench: BATCH must be even, STEPS greater than WARMUP and COUNT at least BATCH x STEPS" >&2
  exit 2
fi
if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"
  KEEP_WORK=1
else
  WORK="$(mktemp -d)"
fi
trap '[[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
ensure_app_jar
"$ROOT/scripts/clearbg" synth --layout duts --out "$WORK/data" --train "$COUNT" --test 4 --size "$SIZE" --seed 5 > /dev/null
"$ROOT/scripts/spark-submit" --master 'local[2]' --class clearbg.jobs.IngestJob "$APP_JAR" \
  --source "file://$WORK/data" --out "file://$WORK/table" > "$WORK/ingest.log" 2>&1

train_job() {  # bucket MiB, run folder
  "$ROOT/scripts/spark-submit" --master 'local[2]' --driver-memory 4g --class clearbg.jobs.TrainJob "$APP_JAR" \
    --table "file://$WORK/table" --arch "$ARCH" --workers 2 --batch $((BATCH / 2)) --rescale "$RESCALE" --crop "$CROP" \
    --epochs 1 --max-steps "$STEPS" --checkpoint-interval 1000000 --keep-checkpoints 1 --eval-interval 0 \
    --tracking-uri '' --bucket-mb "$1" --out "file://$2" > "$2.log" 2>&1
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq 1 "$REPEATS"); do
  for mb in $BUCKET_MBS; do
    train_job "$mb" "$WORK/bucket-mb-$mb-$rep"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for mb in $BUCKET_MBS; do
  if [[ "$mb" != 0 ]] && ! grep -q 'averaged during backward in buckets' "$WORK/bucket-mb-$mb-1.log"; then
    echo "overlap_bench: the --bucket-mb $mb run did not exchange during backward (no native bridge?):" >&2
    grep 'TrainJob: gradients' "$WORK/bucket-mb-$mb-1.log" >&2 || true
    exit 1
  fi
done

python3 - "$WORK" "$BUCKET_MBS" "$ARCH" "$BATCH" "$STEPS" "$WARMUP" "$REPEATS" "$RESCALE" "$CROP" "$load_before" "$load_after" \
    > "$ROOT/bench/results/overlap_bench.md" <<'PY'
import csv, datetime, glob, statistics, subprocess, sys
work, mbs, arch, batch, steps, warmup, repeats, rescale, crop, lb, la = sys.argv[1:]
batch, steps, warmup = int(batch), int(steps), int(warmup)
sh = lambda cmd: subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
keys = ("data_wait_ms", "forward_backward_ms", "all_reduce_ms", "optimizer_ms")

def rows(pattern):
    out = []
    for folder in sorted(glob.glob(f"{work}/{pattern}")):
        if folder.endswith(".log"):
            continue
        for r in csv.DictReader(open(f"{folder}/steps.csv")):
            if int(r["step"]) > warmup:
                out.append([float(r[k]) / 1000 for k in keys] + [batch / float(r["images_per_s"])])
    return out

variants = [
    (f"--bucket-mb {mb}: buckets exchanged during backward, Adam per bucket" if mb != "0"
     else "--bucket-mb 0: exchange after backward, Adam overlapping the ring", rows(f"bucket-mb-{mb}-*"))
    for mb in mbs.split()
]
print("# Overlap: gradients exchanged during backward vs after it\n")
print(f"TrainJob through `spark-submit` on `local[2]` (both replicas in one JVM, one PyTorch thread each), {arch}, "
      f"2 workers x batch {batch // 2} (global batch {batch}), RescaleT({rescale}) + RandomCrop({crop}), Adam, on an "
      f"IngestJob table of generated DUTS-like images. Per variant: medians over {steps - warmup} steps after "
      f"{warmup} warm-up steps of each of {repeats} run(s), the variants alternating run by run. Rank 0's steps.csv: "
      "data = the wait for the batch; forward+backward (with buckets: includes the part of the exchange and of Adam "
      "that backward hides); all-reduce = the exchange left after backward; optimiser = the Adam left after the "
      "exchange. Medians per column, so the parts need not add up to the step.\n")
print("| variant | steps | data s | forward+backward s | all-reduce s | optimiser s | step s | steps/s | images/s |")
print("|---|---|---|---|---|---|---|---|---|")
med = {}
for name, rs in variants:
    m = [statistics.median(c) for c in zip(*rs)]
    med[name] = m
    d, fb, ar, opt, step = m
    print(f"| {name} | {len(rs)} | {d:.3f} | {fb:.3f} | {ar:.3f} | {opt:.3f} | {step:.3f} | {1 / step:.2f} | "
          f"{batch / step:.2f} |")
base = med[variants[-1][0]]
print()
for name, _ in variants[:-1]:
    a = med[name]
    print(f"- {name.split(':')[0]} / {variants[-1][0].split(':')[0]}: steps/s **{base[4] / a[4]:.2f}x**; the time "
          f"after backward (all-reduce + optimiser columns) {a[2] + a[3]:.3f} s vs {base[2] + base[3]:.3f} s")
print()
java_v = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
flags = sh("grep -m1 '^flags' /proc/cpuinfo")
simd = ", ".join(f for f in ("avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16") if f" {f}" in flags) or "none"
memory = sh("free -g | awk '/Mem:/ {print $2}'")
avx512 = "avx512" if "avx512f" in flags else "no avx512"
print("## Machine\n")
print(f"{datetime.datetime.now():%Y-%m-%d %H:%M}; {cpu}, {sh('nproc')} cores ({simd}; {avx512}), {memory} GiB memory; "
      f"{java_v}; DJL with libtorch 2.7.1 (CPU).\n")
print(f"Load average {lb} before, {la} after (1, 5, 15 minutes); the benchmark's own 2 busy threads make about 2.")
if max(float(lb.split()[0]), float(la.split()[0])) > 2.5:
    print("The machine was shared with other work during this run, whose load was not controlled; it slows both "
          "variants alike only on average.")
PY
cat "$ROOT/bench/results/overlap_bench.md"
