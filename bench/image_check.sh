#!/usr/bin/env bash
# Check of the container image that scripts/image builds. It builds the image (timed: from nothing, debootstrap
# included, then once more reusing the base, which is what a code change costs), writes down its size (per layer,
# compressed as a registry would store it, and what dominates it), checks its configuration and contents (entry
# point, environment, user, layers, the files the commands need, no credentials), then starts it with podman, with
# no network, and runs inside it:
#   1. `clearbg init --arch u2netp` (generated weights) and `clearbg summary --arch u2netp --json`, on a read-only
#      root file system (DJL's libtorch is already extracted in the image: nothing is written or downloaded);
#   2. `clearbg synth` (a small generated DUTS-layout set) and an EvalJob through `spark-submit --master local[2]` with
#      those weights, then its metrics.json.
# Writes bench/results/image_check.md. Needs root, podman, buildah and debootstrap (scripts/image says how to
# install what is missing).
#
#   bench/image_check.sh
#
# BUILD=1          build the image first (0: check the image already built under TAG)
# REBUILD_BASE=1   time the first build from nothing (--rebuild-base); 0 reuses a kept base
# TAG              the image (default clearbg:<version of pom.xml>)
# PAIRS=8          generated test pairs for the EvalJob (SIZE=320x240 each)
# COMPRESSED=1     also measure the gzip-compressed layers (buildah push to an OCI folder; 0 to skip)
# OUT              the report (default bench/results/image_check.md)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml")
TAG="${TAG:-clearbg:$version}"
BUILD="${BUILD:-1}"
REBUILD_BASE="${REBUILD_BASE:-1}"
PAIRS="${PAIRS:-8}"
SIZE="${SIZE:-320x240}"
COMPRESSED="${COMPRESSED:-1}"
OUT="${OUT:-$ROOT/bench/results/image_check.md}"
command -v podman >/dev/null 2>&1 || { echo "image_check: podman is required; install it with: apt-get install podman runc" >&2; exit 1; }
[[ "$(id -u)" == 0 ]] || { echo "image_check: run as root (scripts/image needs it; the check runs rootful podman)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
report="$WORK/report.md"
say() { printf '%s\n' "$*" >> "$report"; }
fence() { say '```'; cat "$1" >> "$report"; say '```'; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx|avx2|avx512f|avx512_bf16|amx_bf16)$' | sort -u | tr '\n' ' ')
say "# Container image check (scripts/image, bench/image_check.sh)"
say ""
say "Machine: $cpu, $(nproc) cores (flags: ${flags:-none of avx/avx2/avx512f}), $(free -g | awk '/^Mem:/ {print $2}') GiB memory,"
say "kernel $(uname -r), $(podman --version), $(buildah --version | cut -d' ' -f1-3), $(debootstrap --version 2>/dev/null | head -1 || echo debootstrap)."
say "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (other work shares the cores: times are inflated by it)."
say ""

# --- build ------------------------------------------------------------------------------------------------------
if [[ "$BUILD" == 1 ]]; then
  say "## Build"
  say ""
  first=()
  [[ "$REBUILD_BASE" == 1 ]] && first=(--rebuild-base)
  for pass in first second; do
    opts=()
    [[ $pass == first ]] && opts=("${first[@]}")
    t0=$(date +%s.%N)
    "$ROOT/scripts/image" --tag "$TAG" "${opts[@]}" > "$WORK/build-$pass.log" 2>&1 \
      || { cat "$WORK/build-$pass.log" >&2; echo "image_check: scripts/image failed" >&2; exit 1; }
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
    if [[ $pass == first ]]; then
      say "\`scripts/image ${opts[*]}\` ($([[ ${#opts[@]} -gt 0 ]] && echo 'from nothing: debootstrap, apt, pip, DJL extraction, layers' || echo 'base reused')): **$secs s** wall."
    else
      say "\`scripts/image\` again (base reused: runtime and app layers made anew): **$secs s** wall."
    fi
    say ""
    fence "$WORK/build-$pass.log"
    say ""
  done
fi
podman image exists "$TAG" || { echo "image_check: no image $TAG (run scripts/image, or BUILD=1)" >&2; exit 1; }

# --- size ---------------------------------------------------------------------------------------------------------
say "## Size"
say ""
bytes=$(podman image inspect --format '{{.Size}}' "$TAG")
say "Image \`$TAG\` ($(podman image inspect --format '{{.Id}}' "$TAG" | cut -c1-12)): **$(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }')** uncompressed ($bytes bytes)."
say ""
say "Layers (podman history, newest first):"
podman history --format '{{.Size}}\t{{.CreatedBy}}' "$TAG" | cut -c1-150 > "$WORK/history.txt"
fence "$WORK/history.txt"
if [[ "$COMPRESSED" == 1 ]]; then
  # What a registry stores and a node pulls: the layers gzip-compressed (buildah's default for an OCI push).
  buildah push --quiet --compression-format gzip "$TAG" "oci:$WORK/oci:$TAG" >/dev/null
  gz=$(du -sb "$WORK/oci/blobs" | cut -f1)
  say ""
  say "Compressed as pushed to a registry (gzip layers, \`buildah push --compression-format gzip\`): **$(awk -v b="$gz" 'BEGIN { printf "%.2f GB", b / 1e9 }')** ($gz bytes)."
  rm -rf "$WORK/oci"
fi

# --- how to run podman here -----------------------------------------------------------------------------------------
# Rootful podman's defaults may not start a container in a sandbox: crun refuses hybrid cgroups (v1 controllers
# beside a v2 mount) and raising RLIMIT_NOFILE/RLIMIT_NPROC above the sandbox's hard limits is refused. Try the
# defaults first, then crun and runc with limits within the sandbox's own; record what each said.
hard_nofile=$(ulimit -Hn)
hard_nproc=$(ulimit -Hu)
nproc_cap=32768
[[ "$hard_nproc" != unlimited && "$hard_nproc" -lt $nproc_cap ]] && nproc_cap=$hard_nproc
limits=(--ulimit "nofile=$hard_nofile:$hard_nofile" --ulimit "nproc=$nproc_cap:$nproc_cap")
attempts=("" "--cgroups=disabled ${limits[*]}" "--runtime runc ${limits[*]}")
runtime_opts=()
say ""
say "## Starting it with podman"
say ""
for a in "${attempts[@]}"; do
  read -r -a try <<< "$a"
  # --runtime is a global option of podman, the rest are options of run.
  global=(); local_opts=()
  if [[ "${try[0]:-}" == --runtime ]]; then global=("${try[@]:0:2}"); local_opts=("${try[@]:2}"); else local_opts=("${try[@]}"); fi
  if podman "${global[@]}" run --rm --network none "${local_opts[@]}" --entrypoint /bin/true "$TAG" > "$WORK/try.log" 2>&1; then
    say "- \`podman ${global[*]} run ${local_opts[*]}\`: **starts**."
    runtime_opts=("${global[@]}" run --rm --network none "${local_opts[@]}")
    break
  fi
  say "- \`podman ${global[*]} run ${local_opts[*]:-(defaults)}\`: fails: \`$(tr '\n' ' ' < "$WORK/try.log" | cut -c1-300)\`"
done
if [[ ${#runtime_opts[@]} -eq 0 ]]; then
  say ""
  say "**No way to start the image was found on this machine**; its contents were checked without running it."
fi
say ""
run() { podman "${runtime_opts[@]}" "$@"; }

# --- configuration and contents ---------------------------------------------------------------------------------------
say "## Configuration and contents"
say ""
podman image inspect --format 'Entrypoint: {{json .Config.Entrypoint}}
Cmd: {{json .Config.Cmd}}
User: {{.Config.User}}   WorkingDir: {{.Config.WorkingDir}}
Env: {{json .Config.Env}}
Labels: {{json .Config.Labels}}
Layers: {{len .RootFS.Layers}}' "$TAG" > "$WORK/config.txt"
fence "$WORK/config.txt"
if podman image inspect --format '{{json .Config.Env}}' "$TAG" | grep -q -i -E 'secret|token|password|_KEY='; then
  say "**The image's environment names a secret-looking variable: check it.**"
fi
if [[ ${#runtime_opts[@]} -gt 0 ]]; then
  # What dominates the size, the tool versions, the files the entry points need, and a search for credentials.
  run --entrypoint /bin/bash "$TAG" -c '
    set -e
    echo "java: $(java -version 2>&1 | head -1)"; echo "python: $(python3 -V)"
    echo "pyspark: $(/opt/clearbg/.venv/bin/python -c "import pyspark; print(pyspark.__version__)")"
    echo "spark-submit: $(spark-submit --version 2>&1 | grep -m1 -o "version [0-9.]*")"
    echo "clearbg: $(clearbg --version 2>&1 | head -1)"
    echo "user: $(id)"
    echo "--- what dominates the size (du, MB)"
    du -sm / --exclude=/proc --exclude=/sys --exclude=/dev 2>/dev/null | sed "s:/$:whole file system:"
    du -sm /usr/lib/jvm /usr/lib/python3.11 /opt/clearbg/.venv "$SPARK_HOME/jars" /opt/clearbg/djl-cache \
      /opt/clearbg/jobs/app/target/clearbg-app.jar /opt/clearbg/jobs/app/target/tools/* /opt/clearbg/scripts \
      /usr/lib/x86_64-linux-gnu /usr/share 2>/dev/null
    echo "--- DJL cache"; find /opt/clearbg/djl-cache -type f -printf "%s %p\n"
    echo "--- credentials-looking files (none expected)"
    find / -xdev \( -name ".aws" -o -name ".netrc" -o -name ".git-credentials" -o -name "id_rsa*" -o -name ".pypirc" \
      -o -name "settings-security.xml" -o -name ".docker" \) -print 2>/dev/null
    echo "--- /root and /home/clearbg"; ls -A /root /home/clearbg
  ' > "$WORK/contents.txt" 2>&1 || true
  fence "$WORK/contents.txt"
fi
say ""

# --- the two commands -----------------------------------------------------------------------------------------------
if [[ ${#runtime_opts[@]} -gt 0 ]]; then
  DATA="$WORK/data"
  mkdir -p "$DATA"
  chown 185:185 "$DATA"
  timed() {  # timed LOG CMD...: runs podman with CMD, its output in LOG; prints the wall seconds and the exit code
    local log=$1; shift
    local t0 t1 rc=0
    t0=$(date +%s.%N)
    run "$@" > "$log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') $rc"
  }
  vol=(-v "$DATA:/work")
  say "## 1. clearbg init and summary (read-only root file system, /tmp a tmpfs, no network)"
  say ""
  read -r s1 r1 < <(timed "$WORK/init.log" --read-only --tmpfs /tmp "${vol[@]}" -e CLEARBG_JAVA_OPTS=-Xmx1g "$TAG" \
    clearbg init --arch u2netp --seed 1 /work/w.safetensors)
  read -r s2 r2 < <(timed "$WORK/summary.log" --read-only --tmpfs /tmp "${vol[@]}" -e CLEARBG_JAVA_OPTS=-Xmx1g "$TAG" \
    clearbg summary --arch u2netp --json)
  say "\`podman run ... $TAG clearbg init --arch u2netp --seed 1 /work/w.safetensors\`: exit $r1, $s1 s (container start included)."
  fence "$WORK/init.log"
  say ""
  say "\`podman run ... $TAG clearbg summary --arch u2netp --json\`: exit $r2, $s2 s."
  fence "$WORK/summary.log"
  say ""
  say "## 2. EvalJob on local[2] (no network)"
  say ""
  read -r s3 r3 < <(timed "$WORK/synth.log" "${vol[@]}" -e CLEARBG_JAVA_OPTS=-Xmx1g "$TAG" \
    clearbg synth --layout duts --out /work/data --train 1 --test "$PAIRS" --size "$SIZE" --seed 1)
  say "\`clearbg synth --layout duts --out /work/data --train 1 --test $PAIRS --size $SIZE --seed 1\`: exit $r3, $s3 s."
  say ""
  read -r s4 r4 < <(timed "$WORK/eval.log" "${vol[@]}" "$TAG" spark-submit --master 'local[2]' --driver-memory 2g \
    --class clearbg.jobs.EvalJob /opt/clearbg/jobs/app/target/clearbg-app.jar --weights file:///work/w.safetensors \
    --images file:///work/data/DUTS-TE/DUTS-TE-Image --gt file:///work/data/DUTS-TE/DUTS-TE-Mask --out file:///work/eval)
  say "\`podman run ... $TAG spark-submit --master 'local[2]' --driver-memory 2g --class clearbg.jobs.EvalJob /opt/clearbg/jobs/app/target/clearbg-app.jar --weights file:///work/w.safetensors --images file:///work/data/DUTS-TE/DUTS-TE-Image --gt file:///work/data/DUTS-TE/DUTS-TE-Mask --out file:///work/eval\`: exit $r4, $s4 s (untrained weights: the metrics are those of a random network)."
  say ""
  say "Its output (last 40 lines):"
  tail -40 "$WORK/eval.log" > "$WORK/eval.tail"
  fence "$WORK/eval.tail"
  say ""
  if [[ -f "$DATA/eval/metrics.json" ]]; then
    say "\`eval/metrics.json\`:"
    fence "$DATA/eval/metrics.json"
    say ""
    say "Files written: $(cd "$DATA/eval" && find . -type f | sort | tr '\n' ' ')"
  else
    say "**EvalJob wrote no metrics.json.**"
  fi
  say ""
  say "Result: init $([[ $r1 == 0 ]] && echo ok || echo FAILED), summary $([[ $r2 == 0 ]] && echo ok || echo FAILED), EvalJob $([[ $r4 == 0 && -f $DATA/eval/metrics.json ]] && echo ok || echo FAILED)."
fi

mkdir -p "$(dirname "$OUT")"
cp "$report" "$OUT"
echo "image_check: wrote $OUT"
