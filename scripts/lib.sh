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

# The class-data sharing archive of the application jar (JDK AppCDS): the classes that `clearbg` commands load,
# parsed and verified once by ensure_class_archive, mapped by every later JVM instead of read from the jar. A
# command's start costs about 0.7 s less CPU (bench/results/metrics_bench.md).
CLASS_ARCHIVE="${APP_JAR%.jar}.jsa"

# The java options that use the class archive when it is newer than the jar (else none: a stale archive would be
# refused by the JVM anyway). JVM warnings go to stderr, so that stdout holds only the command's own output.
class_archive_opts() {
  if [[ -f "$CLASS_ARCHIVE" && "$CLASS_ARCHIVE" -nt "$APP_JAR" ]]; then
    echo "-XX:SharedArchiveFile=$CLASS_ARCHIVE -Xlog:disable -Xlog:all=warning:stderr"
  fi
}

# (Re)makes the class archive when it is missing or older than the jar: lists the classes that three typical
# commands load (the engine and model with `init`, the metrics with `metrics` on a generated pair, the command
# line with --help), then dumps them into the archive. About 20 s; never fails the caller (no archive: a slower
# start, nothing else).
ensure_class_archive() {
  [[ -f "$APP_JAR" ]] || return 0
  [[ -f "$CLASS_ARCHIVE" && "$CLASS_ARCHIVE" -nt "$APP_JAR" ]] && return 0
  local work status=0
  work="$(mktemp -d)"
  (
    set -e
    cd "$work"
    list() { java -Xshare:off -XX:DumpLoadedClassList="$work/$1.classes" "${JAVA_OPTS_DEFAULT[@]}" -jar "$APP_JAR" "${@:2}"; }
    list help --help
    list init init --arch u2netp --seed 1 w.safetensors
    list synth synth --layout duts --out data --train 0 --test 2 --size 64x48 --seed 1
    list metrics metrics --pred data/DUTS-TE/DUTS-TE-Mask --gt data/DUTS-TE/DUTS-TE-Mask
    sort -u "$work"/*.classes > "$work/all.classes"
    java -Xshare:dump -XX:SharedClassListFile="$work/all.classes" -XX:SharedArchiveFile="$work/app.jsa" \
      -cp "$APP_JAR"
    mv "$work/app.jsa" "$CLASS_ARCHIVE"
  ) > "$work/log" 2>&1 || status=$?
  if ((status != 0)); then
    echo "clearbg: warning: no class-data archive (commands start slower): $(tail -n 1 "$work/log")" >&2
  fi
  rm -rf "$work"
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
