#!/usr/bin/env bash
# Check of the container image that scripts/image builds. It builds the image (timed: from nothing, debootstrap
# included, then once more reusing the base, which is what a code change costs), writes down its size (per layer,
# compressed as a registry would store it, and what dominates it), checks its configuration and contents (entry
# point, environment, user, layers, the files the commands need, no credentials), then starts it with podman, with
# no network, and runs inside it:
#   1. `clearbg init --arch u2netp` (generated weights) and `clearbg summary --arch u2netp --json`, on a read-only
#      root file system (DJL's libtorch is already extracted in the image: nothing is written or downloaded);
#   2. `clearbg synth` (a small generated DUTS-layout set) and an EvalJob through `spark-submit --master local[2]` with
#      those weights, then its metrics.json;
#   3. the entry points Spark on Kubernetes uses, without a cluster: `executor` with the environment of an executor
#      pod and no driver listening (the back end starts and tries to connect), and the README's Kubernetes
#      submissions with --help appended (spark-submit accepts them, the job prints its usage).
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
flags=""
for f in avx avx2 avx512f avx512_bf16 amx_bf16; do
  if grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -qx "$f"; then flags="$flags $f: yes,"; else flags="$flags $f: no,"; fi
done
flags="${flags%,}"
say "# Container image check (scripts/image, bench/image_check.sh)"
say ""
say "Machine: $cpu, $(nproc) cores (flags:$flags), $(free -g | awk '/^Mem:/ {print $2}') GiB memory,"
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
podman history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$TAG" | cut -c1-200 > "$WORK/history.txt"
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
    say "- \`podman${global[*]:+ ${global[*]}} run ${local_opts[*]}\`: **starts**."
    runtime_opts=("${global[@]}" run --rm --network none "${local_opts[@]}")
    break
  fi
  say "- \`podman${global[*]:+ ${global[*]}} run ${local_opts[*]:-(defaults)}\`: fails: $(tr '\n' ' ' < "$WORK/try.log" | cut -c1-300)"
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
  # As root inside the container, so that the search for credentials also reads /root.
  run --user 0 --entrypoint /bin/bash "$TAG" -c '
    set -e
    echo "java: $(java -version 2>&1 | head -1)"; echo "python: $(python3 -V)"
    echo "pyspark: $(/opt/clearbg/.venv/bin/python -c "import pyspark; print(pyspark.__version__)")"
    echo "spark-submit: $(spark-submit --version 2>&1 | grep -m1 -o "version [0-9.]*")"
    echo "clearbg: $(clearbg --version 2>&1 | head -1)"
    echo "image user: $(getent passwd 185)"
    echo "--- what dominates the size (du, MB)"
    du -sm / --exclude=/proc --exclude=/sys --exclude=/dev 2>/dev/null | sed "s:/$:whole file system:"
    du -sm /usr/lib/jvm /usr/lib/python3.11 /opt/clearbg/.venv "$SPARK_HOME/jars" /opt/clearbg/djl-cache \
      /opt/clearbg/jobs/app/target/clearbg-app.jar /opt/clearbg/jobs/app/target/tools/* /opt/clearbg/scripts \
      /usr/lib/x86_64-linux-gnu /usr/share 2>/dev/null
    echo "--- DJL cache"; find /opt/clearbg/djl-cache -type f -printf "%s %p\n"
    echo "--- credentials-looking files (none expected)"
    find / -xdev \( -name ".aws" -o -name ".netrc" -o -name ".git-credentials" -o -name "id_rsa*" -o -name ".pypirc" \
      -o -name "settings-security.xml" -o -name ".docker" \) -print 2>/dev/null || true
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

# --- Spark on Kubernetes, without a cluster -------------------------------------------------------------------------
if [[ ${#runtime_opts[@]} -gt 0 ]]; then
  say ""
  say "## 3. The Kubernetes entry points, without a cluster"
  say ""
  # The executor entry point with the environment Spark's pod specification gives an executor, and a driver address
  # where nothing listens: the JVM must start KubernetesExecutorBackend with those settings and try to reach it.
  # The class path and Java options are those scripts/spark-submit gives executors (Spark's SLF4J 2 API before the S3A
  # jars, log4j2 named as the provider), at the image's paths.
  run -e SPARK_DRIVER_URL=spark://CoarseGrainedScheduler@127.0.0.1:7078 -e SPARK_EXECUTOR_ID=1 \
    -e SPARK_EXECUTOR_CORES=1 -e SPARK_EXECUTOR_MEMORY=512m -e SPARK_APPLICATION_ID=spark-image-check \
    -e SPARK_EXECUTOR_POD_IP=127.0.0.1 -e SPARK_EXECUTOR_POD_NAME=image-check-exec-1 -e SPARK_RESOURCE_PROFILE_ID=0 \
    -e SPARK_JAVA_OPT_0=-Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider \
    -e SPARK_JAVA_OPT_1=-Dlog4j2.configurationFile=/opt/clearbg/conf/log4j2.properties \
    --timeout 120 --entrypoint /bin/bash "$TAG" -c 'tools=/opt/clearbg/jobs/app/target/tools
      SPARK_CLASSPATH=$(ls "$SPARK_HOME"/jars/slf4j-api-2.*.jar):$tools/hadoop-aws.jar:$tools/aws-sdk-bundle.jar
      export SPARK_CLASSPATH; exec /opt/clearbg/scripts/container-entrypoint executor' \
    > "$WORK/executor.log" 2>&1 && rc=0 || rc=$?
  grep -m 8 -E "KubernetesExecutorBackend.main|Caused by|Failed to connect|Connection refused|SLF4J" \
    "$WORK/executor.log" | cut -c1-240 > "$WORK/executor.tail" || true
  say "\`podman run ... -e SPARK_DRIVER_URL=spark://CoarseGrainedScheduler@127.0.0.1:7078 -e SPARK_EXECUTOR_ID=1 ... $TAG executor\` (no driver listening): exit $rc; its lines naming the back end and the connection:"
  fence "$WORK/executor.tail"
  say ""
  # The README's Kubernetes lines with --help appended: spark-submit accepts the options, the job prints its usage.
  CONF="$WORK/conf"
  mkdir -p "$CONF"
  cp "$ROOT/conf/spark-defaults.gpu.conf.example" "$CONF/spark-defaults.gpu.conf"
  chmod -R a+rX "$CONF"
  run -v "$CONF:/work/conf:ro" "$TAG" spark-submit --master k8s://https://kubernetes.default.svc:443 \
    --deploy-mode client --properties-file /work/conf/spark-defaults.gpu.conf \
    --conf spark.kubernetes.container.image=REGISTRY/clearbg:0.1.0-SNAPSHOT \
    --conf spark.kubernetes.executor.volumes.hostPath.libtorch.mount.path=/opt/libtorch-2.7.1-cu128 \
    --conf spark.kubernetes.executor.volumes.hostPath.libtorch.options.path=/opt/libtorch-2.7.1-cu128 \
    --conf spark.driver.host=127.0.0.1 --class clearbg.jobs.TrainJob /opt/clearbg/jobs/app/target/clearbg-app.jar \
    --table s3a://datasets/duts-table --train-splits DUTS-TR --eval-split DUTS-TE --arch u2net \
    --workers 8 --batch 12 --out s3a://models/u2net-gpu-run --help > "$WORK/k8s-gpu.log" 2>&1 && rc1=0 || rc1=$?
  run "$TAG" spark-submit --master k8s://https://kubernetes.default.svc:443 --deploy-mode client \
    --conf spark.kubernetes.container.image=REGISTRY/clearbg:0.1.0-SNAPSHOT \
    --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
    --conf spark.driver.host=127.0.0.1 --conf spark.executor.instances=4 --conf spark.executor.memory=6g \
    --conf spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID=s3-credentials:access-key \
    --conf spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY=s3-credentials:secret-key \
    --class clearbg.jobs.RemoveBackgroundJob /opt/clearbg/jobs/app/target/clearbg-app.jar \
    --input s3a://photos/incoming --output s3a://photos/cutouts --weights s3a://models/u2net.pth --format both \
    --help > "$WORK/k8s-cpu.log" 2>&1 && rc2=0 || rc2=$?
  say "The README's two Kubernetes submissions with \`--help\` appended, inside the image: TrainJob (GPU, the properties file of conf/) exit $rc1, first line \`$(grep -m1 -i usage "$WORK/k8s-gpu.log" | cut -c1-100)\`; RemoveBackgroundJob exit $rc2, first line \`$(grep -m1 -i usage "$WORK/k8s-cpu.log" | cut -c1-100)\`."
fi

mkdir -p "$(dirname "$OUT")"
cp "$report" "$OUT"
echo "image_check: wrote $OUT"
