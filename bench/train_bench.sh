#!/usr/bin/env bash
# Benchmark: TrainJob's training step (spark-submit) with 1 worker x batch B on local[2] and with 2 workers x
# batch B/2 (the same global batch) on a standalone cluster of two one-core workers on 127.0.0.1 and on
# local[2], split into data, forward+backward, all-reduce and optimiser (TrainJob's
# steps.csv, rank 0), beside a plain PyTorch loop with the ORIGINAL U2-Net model and data pipeline
# (bench/reference/train_loop.py) at the same batch and thread count: batch B on 2 threads (like 1 worker)
# and two loops of batch B/2 at once on 1 thread each (like the 2 workers, without the all-reduce; their
# images/s is the pair's). Same generated images, same machine, same run,
# the variants alternating repetition by repetition. Writes bench/results/train_bench.md.
# Needs a Python with torch 2.7.1, torchvision, scikit-image and matplotlib, and a checkout of the original
# U-2-Net repository:
#   PYTHON=/path/to/python U2NET_REPO=/path/to/U-2-Net bench/train_bench.sh
#   ARCH=u2net BATCH=4 STEPS=12 WARMUP=2 REPEATS=1 COUNT=64 SIZE=400x300 RESCALE=320 CROP=288
#   QUICK=1 (u2netp, 4 steps, 1 warm-up) for a smoke test; WORK=dir keeps the runs' logs and steps.csv there
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
: "${PYTHON:?set PYTHON to a Python with torch 2.7.1, torchvision, scikit-image and matplotlib}"
: "${U2NET_REPO:?set U2NET_REPO to a checkout of the original U-2-Net repository}"
ARCH="${ARCH:-u2net}"
BATCH="${BATCH:-4}"
STEPS="${STEPS:-12}"
WARMUP="${WARMUP:-2}"
REPEATS="${REPEATS:-1}"
COUNT="${COUNT:-64}"
SIZE="${SIZE:-400x300}"
RESCALE="${RESCALE:-320}"
CROP="${CROP:-288}"
[[ -n "${QUICK:-}" ]] && { ARCH=u2netp; STEPS=4; WARMUP=1; }
if (( BATCH % 2 != 0 || STEPS <= WARMUP )); then
  echo "train_bench: BATCH must be even (2 workers share it) and STEPS greater than WARMUP" >&2
  exit 2
fi
if (( COUNT < BATCH * STEPS )); then
  echo "train_bench: COUNT=$COUNT images give fewer than STEPS=$STEPS batches of $BATCH in one epoch" >&2
  exit 2
fi
if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"   # given: kept, for a look at the logs and steps.csv files
  KEEP_WORK=1
else
  WORK="$(mktemp -d)"
fi
ensure_app_jar
"$ROOT/scripts/clearbg" synth --layout duts --out "$WORK/data" --train "$COUNT" --test 4 --size "$SIZE" --seed 5 > /dev/null
"$ROOT/scripts/spark-submit" --master 'local[2]' --class clearbg.jobs.IngestJob "$APP_JAR" \
  --source "file://$WORK/data" --out "file://$WORK/table" > "$WORK/ingest.log" 2>&1

# A standalone cluster on 127.0.0.1: a master and two workers of one core each, so that each of 2 replicas has
# an executor JVM of its own, as on a real cluster (on local[2] both replicas share one JVM, each on its own
# thread).
SPARK_HOME="$(spark_home)"
CLUSTER_PIDS=()
stop_cluster() {
  for pid in "${CLUSTER_PIDS[@]}"; do
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
}
trap 'stop_cluster; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"' EXIT
launch() {  # log, main class, arguments
  local log="$1"; shift
  SPARK_HOME="$SPARK_HOME" SPARK_LOCAL_IP=127.0.0.1 SPARK_DAEMON_MEMORY=256m \
    "$SPARK_HOME/bin/spark-class" "$@" > "$log" 2>&1 &
  CLUSTER_PIDS+=($!)
}
await_line() {  # log, pattern
  for _ in $(seq 1 120); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "train_bench: '$2' did not appear in $1" >&2
  exit 1
}
launch "$WORK/master.log" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0
await_line "$WORK/master.log" "Starting Spark master at"
MASTER_URL=$(grep -o 'spark://127\.0\.0\.1:[0-9]*' "$WORK/master.log" | head -1)
for worker in 0 1; do
  mkdir -p "$WORK/worker-$worker"
  launch "$WORK/worker-$worker.log" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
    --cores 1 --memory 8g --work-dir "$WORK/worker-$worker" "$MASTER_URL"
done
for worker in 0 1; do
  await_line "$WORK/worker-$worker.log" "Successfully registered with master"
done

train_job() {  # master, workers, per-worker batch, run folder
  local master="$1"; shift
  # executors need a heap that holds a U2-Net checkpoint (weights and Adam state, 528 MB, and its bytes)
  "$ROOT/scripts/spark-submit" --master "$master" --driver-memory 4g --conf spark.executor.memory=4g \
    --class clearbg.jobs.TrainJob "$APP_JAR" \
    --table "file://$WORK/table" --arch "$ARCH" --workers "$1" --batch "$2" --rescale "$RESCALE" --crop "$CROP" \
    --epochs 1 --max-steps "$STEPS" --checkpoint-interval 1000000 --keep-checkpoints 1 --eval-interval 0 \
    --tracking-uri '' --out "file://$3" > "$3.log" 2>&1
}
reference_loop() {  # threads, batch, output file
  OMP_NUM_THREADS="$1" "$PYTHON" "$ROOT/bench/reference/train_loop.py" --u2net-repo "$U2NET_REPO" --data "$WORK/data" \
    --arch "$ARCH" --batch "$2" --threads "$1" --steps "$STEPS" --rescale "$RESCALE" --crop "$CROP" 2>"$3.log" > "$3"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq 1 "$REPEATS"); do
  train_job 'local[2]' 1 "$BATCH" "$WORK/job-w1-$rep"
  reference_loop 2 "$BATCH" "$WORK/torch-t2-$rep.jsonl"
  train_job "$MASTER_URL" 2 $((BATCH / 2)) "$WORK/job-cluster-w2-$rep"
  train_job 'local[2]' 2 $((BATCH / 2)) "$WORK/job-w2-$rep"
  # two loops at once, one per core, like the 2 replicas but without any all-reduce
  reference_loop 1 $((BATCH / 2)) "$WORK/torch-pair-a-$rep.jsonl" &
  pair=$!
  reference_loop 1 $((BATCH / 2)) "$WORK/torch-pair-b-$rep.jsonl"
  wait "$pair"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$PYTHON" - "$WORK" "$ARCH" "$BATCH" "$STEPS" "$WARMUP" "$REPEATS" "$RESCALE" "$CROP" "$load_before" "$load_after" \
    > "$ROOT/bench/results/train_bench.md" <<'PY'
import csv, datetime, glob, json, statistics, subprocess, sys
work, arch, batch, steps, warmup, repeats, rescale, crop, lb, la = sys.argv[1:]
batch, steps, warmup = int(batch), int(steps), int(warmup)
sh = lambda cmd: subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()

def job_steps(pattern, global_batch):
    rows = []
    for folder in sorted(glob.glob(f"{work}/{pattern}")):
        if folder.endswith(".log"):
            continue
        for r in csv.DictReader(open(f"{folder}/steps.csv")):
            if int(r["step"]) > warmup:
                # data = the time the step waited for its batch (prefetching hides the rest of data_ms)
                data = "data_wait_ms" if "data_wait_ms" in r else "data_ms"
                parts = [float(r[k]) / 1000 for k in (data, "forward_backward_ms", "all_reduce_ms", "optimizer_ms")]
                rows.append(parts + [global_batch / float(r["images_per_s"])])
    return rows

def torch_steps(pattern):
    rows = []
    for path in sorted(glob.glob(f"{work}/{pattern}")):
        for line in open(path):
            r = json.loads(line)
            if r["step"] > warmup:
                rows.append([r["data_s"], r["forward_backward_s"], 0.0, r["optimizer_s"], r["step_s"]])
    return rows

def median_row(rows):
    return [statistics.median(column) for column in zip(*rows)]

half = batch // 2
variants = [
    ("TrainJob, 1 worker x batch %d (2 threads)" % batch, job_steps("job-w1-*", batch), batch),
    ("TrainJob, 2 workers x batch %d, standalone cluster of 2 one-core workers" % half, job_steps("job-cluster-w2-*", batch), batch),
    ("TrainJob, 2 workers x batch %d, local[2] (one JVM, the replicas side by side)" % half, job_steps("job-w2-*", batch), batch),
    ("PyTorch loop, batch %d, 2 threads" % batch, torch_steps("torch-t2-*.jsonl"), batch),
    ("2 PyTorch loops at once, batch %d, 1 thread each" % half, torch_steps("torch-pair-*.jsonl"), batch),
]
med = {name: median_row(rows) + [n] for name, rows, n in variants}
names = [v[0] for v in variants]
print("# Training step: TrainJob (1 and 2 workers) vs a plain PyTorch loop\n")
print(f"{arch} at RescaleT({rescale}) + RandomCrop({crop}), Adam, the 7-output BCE; generated DUTS-like images "
      f"(clearbg synth, 400x300). TrainJob through `spark-submit` on an IngestJob table, on `local[2]` and on a standalone "
      "cluster (a master and two workers of one core each on 127.0.0.1: each replica in its own executor JVM); the PyTorch "
      "loop is the original U-2-Net repository's model and data pipeline (SalObjDataset, RescaleT, RandomCrop, "
      "ToTensorLab) with a DataLoader in the training process. Per variant: the median over "
      f"{steps - warmup} steps after {warmup} warm-up steps, {repeats} repetition(s), the variants alternating.\n")
print("Step time split (seconds, medians per part, so the parts need not add up to the step): data = reading, "
      "decoding and transforming the batch; forward+backward includes the losses; all-reduce = averaging the "
      "gradients with the ring (including waiting for the slower replica); optimiser = the Adam step. TrainJob "
      "figures are rank 0's (steps.csv); the pair of PyTorch loops counts both loops' images per step.\n")
print("| variant | data s | forward+backward s | all-reduce s | optimiser s | step s | images/s |")
print("|---|---|---|---|---|---|---|")
for name in names:
    d, fb, ar, opt, step, n = med[name]
    print(f"| {name} | {d:.3f} | {fb:.3f} | {ar:.3f} | {opt:.3f} | {step:.3f} | {n / step:.2f} |")
ips = {name: med[name][5] / med[name][4] for name in names}
print("\n## Ratios (images per second)\n")
print(f"- TrainJob 1 worker / PyTorch (batch {batch}, 2 threads): **{ips[names[0]] / ips[names[3]]:.2f}x**")
print(f"- TrainJob 2 workers (cluster) / PyTorch (batch {batch}, 2 threads): **{ips[names[1]] / ips[names[3]]:.2f}x**")
print(f"- TrainJob 2 workers (cluster) / 2 PyTorch loops of batch {half} at once on 1 thread each: "
      f"**{ips[names[1]] / ips[names[4]]:.2f}x** (the loops are what the replicas would give without any all-reduce)")
print(f"- TrainJob 2 workers (local[2], one JVM) / the same 2 PyTorch loops: **{ips[names[2]] / ips[names[4]]:.2f}x**")
print(f"- TrainJob 2 workers (cluster) / 1 worker: {ips[names[1]] / ips[names[0]]:.2f}x; "
      f"2 workers on local[2] / 1 worker: {ips[names[2]] / ips[names[0]]:.2f}x")
ar_share = med[names[1]][2] / med[names[1]][4]
print(f"- all-reduce share of the 2-worker step on the cluster: {100 * ar_share:.1f}% (rank 0's wait for the slower "
      "replica included)\n")
java_v = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
cpu = sh("lscpu | grep 'Model name' | cut -d: -f2").strip()
torch_v = sh(f"{sys.executable} -c 'import torch; print(torch.__version__)'")
now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
print("## Machine\n")
memory = sh("free -g | awk '/Mem:/ {print $2}'")
print(f"{now}; {cpu}, {sh('nproc')} cores, {memory} GiB memory; {java_v}; "
      f"DJL with libtorch 2.7.1 (CPU) on the Java side, torch {torch_v} on the Python side.\n")
print(f"Load average {lb} before, {la} after (1, 5, 15 minutes); the benchmark's own 2 busy threads make about 2.")
if max(float(lb.split()[0]), float(la.split()[0])) > 2.5:
    print("The machine was shared with other work during this run, whose load was not controlled; it slows both sides.")
PY
cat "$ROOT/bench/results/train_bench.md"
