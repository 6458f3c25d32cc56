# Shared settings for the scripts in this folder; sourced, not run.
# shellcheck shell=bash
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# CLEARBG_APP_JAR runs a jar built elsewhere (then it is never rebuilt); its tools/ folder must lie beside it.
APP_JAR="${CLEARBG_APP_JAR:-$ROOT/jobs/app/target/clearbg-app.jar}"
TOOLS_DIR="$(dirname "$APP_JAR")/tools"
# DJL must never reach the network: the PyTorch natives come from the Maven artifacts.
export OPT_OUT_TRACKING=true
JAVA_OPTS_DEFAULT=(-Dai.djl.offline=true -Dai.djl.default_engine=PyTorch -DOPT_OUT_TRACKING=true)
# libtorch's OpenMP threads sleep between operations instead of spinning: on cores shared with other work,
# spinning threads steal them from the threads doing the work (U2-Net forward 3.4x slower at load 4 on 2
# cores, bench/results/rembg_bench.md). Set OMP_WAIT_POLICY=ACTIVE on a machine that runs nothing else.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# glibc's malloc: blocks up to 32 MiB come from the heap and freed memory stays there for the next pass, instead
# of each of libtorch's activation buffers being mapped afresh (page faults and zeroing in every forward pass)
# and given back when freed. Measured on `clearbg serve --precision bf16` (u2netp, 2 cores): 12% less CPU per
# image (bench/results/serve_bench.md). Resident memory stays at its high-water mark.
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"

# The Spark installation inside the pinned pyspark of .venv (scripts/setup installs it).
spark_home() {
  "$ROOT/.venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

# Builds the application jar when it is missing or older than any source file.
ensure_app_jar() {
  [[ -z "${CLEARBG_APP_JAR:-}" ]] || return 0
  if [[ ! -f "$APP_JAR" ]] || [[ -n "$(find "$ROOT/pom.xml" "$ROOT/model" "$ROOT/jobs" -newer "$APP_JAR" \
        \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -print -quit 2>/dev/null)" ]]; then
    echo "clearbg: building the application jar (mvn package)..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests package) >&2
  fi
}
