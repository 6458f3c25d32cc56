#!/usr/bin/env bash
# Benchmark: the ring all-reduce (clearbg.jobs.allreduce) between 2 separate JVM processes on 127.0.0.1, on a
# U2-Net-sized gradient (44,009,869 floats), against the raw loopback TCP bandwidth measured in the same run
# (one way, and both ways at once, which is what a 2-rank ring does), with float32 on the wire (CHUNKS) and with
# bfloat16 on the wire (BF16_CHUNKS). Writes bench/results/allreduce_bench.md.
#   FLOATS=44009869 WARMUP=2 REPETITIONS=15 CHUNKS=262144,1048576,4194304 BF16_CHUNKS=4194304 bench/allreduce_bench.sh
#   QUICK=1 (1M floats, 3 repetitions) for a smoke test
#   LINK_RATE=10gbit  emulate a network link: shape the loopback interface to this rate for the run (tc's token
#                     bucket filter; root and tc needed; the shaping is removed at the end). Both directions share
#                     the rate. Writes bench/results/allreduce_bench_link.md instead.
# Other work on the machine slows the ring and the raw transfers; the report records the load average.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
FLOATS="${FLOATS:-44009869}"
WARMUP="${WARMUP:-2}"
REPETITIONS="${REPETITIONS:-15}"
CHUNKS="${CHUNKS:-262144,1048576,4194304}"
BF16_CHUNKS="${BF16_CHUNKS:-4194304}"
LINK_RATE="${LINK_RATE:-}"
REPORT=bench/results/allreduce_bench.md
[[ -n "$LINK_RATE" ]] && REPORT=bench/results/allreduce_bench_link.md
[[ -n "${QUICK:-}" ]] && { FLOATS=1000000; REPETITIONS=3; }
cd "$ROOT"
WORK="$(mktemp -d)"
RANK1_PID=""
SHAPED=""
cleanup() {
  [[ -n "$RANK1_PID" ]] && kill "$RANK1_PID" 2>/dev/null || true
  [[ -n "$SHAPED" ]] && tc qdisc del dev lo root 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Compile and write the class path in one Maven session, so clearbg-allreduce resolves to jobs/allreduce/target/classes.
mvn -B -q -pl bench -am -DskipTests compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" >/dev/null
CP="bench/target/classes:$(cat "$WORK/classpath")"
mkdir "$WORK/rendezvous"
run_rank() {
  java -Xms1g -Xmx1g --add-modules jdk.incubator.vector -cp "$CP" clearbg.bench.AllReduceBench --rank "$1" --rendezvous "$WORK/rendezvous" \
    --floats "$FLOATS" --warmup "$WARMUP" --repetitions "$REPETITIONS" --chunks "$CHUNKS" \
    --bf16-chunks "$BF16_CHUNKS"
}
if [[ -n "$LINK_RATE" ]]; then
  if ! tc qdisc add dev lo root tbf rate "$LINK_RATE" burst 4mb latency 100ms; then
    echo "allreduce_bench: cannot shape the loopback interface to $LINK_RATE (root and tc needed)" >&2
    exit 1
  fi
  SHAPED=1
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run_rank 1 > "$WORK/rank1.out" &
RANK1_PID=$!
run_rank 0 > "$WORK/rank0.out"
wait "$RANK1_PID"
RANK1_PID=""
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$PYTHON" - "$WORK/rank0.out" "$load_before" "$load_after" "$WARMUP" "$REPETITIONS" "$LINK_RATE" \
    > "$REPORT" <<'PY'
import datetime, json, statistics, subprocess, sys
raw, lb, la, warmup, reps, link = sys.argv[1:]
lo = f"loopback shaped to {link} (tc tbf, both directions sharing it)" if link else "loopback"
rows = [json.loads(l) for l in open(raw) if l.startswith("{")]
med = lambda r: statistics.median(r["seconds"])
cpu = lambda r: statistics.median(r["cpu_seconds"])
best = lambda r: min(r["seconds"])
gbs = lambda b, s: b / s / 1e9
sh = lambda cmd: subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
one = next(r for r in rows if r["kind"] == "raw-one-way")
both = next(r for r in rows if r["kind"] == "raw-both-ways")
ring = [r for r in rows if r["kind"] == "allreduce"]
S, n = one["bytes"], ring[0]["world_size"]
what = "U²-Net's 44,009,869 parameters" if S == 4 * 44009869 else f"{S // 4:,} floats"
print(f"# Ring all-reduce vs raw TCP over {lo}\n")
print(f"{n} ranks as {n} separate JVM processes on 127.0.0.1 ({lo}); gradient S = {S / 1e6:.1f} MB ({what}). "
      f"Times: median (and minimum) over {reps} repetitions after {warmup} warm-up calls per configuration; all "
      "connections stay open and the configurations take turns repetition by repetition. GB/s = 10^9 bytes/s.\n")
print(f"## Raw TCP over {lo} (same run, same socket options, no conversion, no arithmetic)\n")
print("| transfer | median s | min s | GB/s per direction (median) | (min) | CPU s of rank 0's process (median) |\n|---|---|---|---|---|---|")
print(f"| one way: rank 0 sends S bytes to rank 1 | {med(one):.3f} | {best(one):.3f} | {gbs(S, med(one)):.2f} | {gbs(S, best(one)):.2f} | {cpu(one):.3f} (sending only) |")
print(f"| both ways at once: each rank sends S and receives S (2 threads per process) | {med(both):.3f} | {best(both):.3f} | {gbs(S, med(both)):.2f} | {gbs(S, best(both)):.2f} | {cpu(both):.3f} |")
print("\n## `RingAllReduce.averageInPlace`\n")
print("algbw = S / time; busbw = algbw x 2(n-1)/n: each rank sends and receives 2(n-1)/n x S, both directions at "
      f"once, so busbw compares with the both-ways raw bandwidth (for n = {n}, busbw = algbw).\n")
print("With bfloat16 on the wire S still counts the float32 bytes (2 bytes of each 4 travel), so its algbw is the "
      "effective one, comparable with float32's.\n")
print("| wire | chunk | median s | min s | algbw GB/s | busbw GB/s | busbw / raw both ways | busbw / raw one way | same, from minimum times: busbw / raw both ways | CPU s of rank 0's process (median) | raw both ways CPU / ring CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in ring:
    bus = gbs(S, med(r)) * 2 * (n - 1) / n
    bus_best = gbs(S, best(r)) * 2 * (n - 1) / n
    print(f"| {r['wire']} | {r['chunk_bytes'] // 1024} KiB | {med(r):.3f} | {best(r):.3f} | {gbs(S, med(r)):.2f} | {bus:.2f} | "
          f"{100 * bus / gbs(S, med(both)):.0f}% | {100 * bus / gbs(S, med(one)):.0f}% | {100 * bus_best / gbs(S, best(both)):.0f}% | "
          f"{cpu(r):.3f} | {f'{100 * cpu(both) / cpu(r):.0f}%' if cpu(r) > 0 else 'below resolution'} |")
identical = all(r.get("bit_identical_across_ranks_and_chunks_of_its_wire") for r in ring)
print(f"\nResults bit-identical on both ranks and for every chunk size of one wire: {'yes' if identical else 'NO'}.\n")
fp32 = [r for r in ring if r["wire"] == "fp32"]
bf16 = [r for r in ring if r["wire"] == "bf16"]
if fp32 and bf16:
    for b in bf16:
        f = next((r for r in fp32 if r["chunk_bytes"] == b["chunk_bytes"]), fp32[-1])
        print(f"- bfloat16 wire, {b['chunk_bytes'] // 1024} KiB chunks: effective algbw **{med(f) / med(b):.2f}x** "
              f"float32's at {f['chunk_bytes'] // 1024} KiB (medians; {best(f) / best(b):.2f}x from minimum times; "
              f"CPU {cpu(b):.3f} s against {cpu(f):.3f} s)")
    print()
print("## Reading the numbers\n")
if link:
    print(f"The link is the token bucket at {link}: both the raw transfers and the ring wait for it, and the "
          "ring's CPU work (copies, additions, bfloat16 conversions) overlaps with the waiting, as over a real "
          "network. A 2-rank ring sends S bytes per rank per call, so both ranks together put 2 S through the "
          "shared bucket, as the raw both-ways transfer does.\n")
else:
    print("On loopback the link is the CPU copying bytes through the kernel, so the raw transfers and the ring are both "
      "CPU-bound, and the ring does more work per byte than the raw transfers: it copies the float array into its "
      "send buffer, copies received chunks out and adds them (about 2.5 S of extra memory traffic per rank and call). "
      "The CPU columns measure that work (process CPU time, user and system, all threads; 10 ms resolution), which "
      "other load on the machine barely changes: raw-both-ways CPU / ring CPU is the busbw / raw ratio to expect "
      "when both are CPU-bound on an otherwise idle machine. Wall-clock medians also include the ring's greater "
      "sensitivity to other processes taking the cores (4 threads in 2 processes depend on each other chunk by "
      "chunk); the minimum-time ratio shows what it reaches in the quietest moments of the run. Over a real network "
      "the wire is slower than these copies and the ring's CPU work overlaps with it.\n")
java_v = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
cpu = sh("lscpu | grep 'Model name' | cut -d: -f2").strip()
hypervisor = sh("lscpu | grep 'Hypervisor vendor' | cut -d: -f2").strip()
vm = f" ({hypervisor} virtual machine)" if hypervisor else ""
memory = sh("free -g | awk '/Mem:/ {print $2}'")
now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
print("## Machine\n")
print(f"{now}; {cpu}, {sh('nproc')} cores{vm}, {memory} GiB memory; Linux {sh('uname -r')}; {java_v}, -Xmx1g per process. "
      "Socket buffers: 1 MiB requested for send and receive (the ring's setting, used by the raw transfers too).\n")
print(f"Load average {lb} before, {la} after (1, 5, 15 minutes).")
if max(float(lb.split()[0]), float(la.split()[0])) > 0.5:
    print("The machine was shared with other work during this run, whose load was not controlled.")
PY
cat "$REPORT"
