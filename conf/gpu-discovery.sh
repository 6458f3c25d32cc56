#!/usr/bin/env bash
# Spark resource discovery script for NVIDIA GPUs: prints the GPUs this process may use as Spark's resource
# JSON on one line, e.g.  {"name":"gpu","addresses":["0","1"]}
#
# Use it for spark.executor.resource.gpu.discoveryScript (YARN, Kubernetes, standalone) and, on standalone
# workers, spark.worker.resource.gpu.discoveryScript; spark.driver.resource.gpu.discoveryScript only if the
# driver needs a GPU (TrainJob's does not). The file must be on every node at the same path and executable.
#
# The addresses are CUDA device ordinals, which is what a TrainJob task opens (clearbg.jobs.spark.TaskResources
# turns its first address into DJL's Device.gpu(ordinal)):
#   - without CUDA_VISIBLE_DEVICES: nvidia-smi's indices. nvidia-smi numbers GPUs in PCI bus order, CUDA by
#     default fastest first; set CUDA_DEVICE_ORDER=PCI_BUS_ID for the executors (the example settings in
#     conf/spark-defaults.gpu.conf.example do) so both orders agree on machines with mixed GPUs.
#   - with CUDA_VISIBLE_DEVICES (a list of indices or GPU-/MIG- UUIDs): CUDA renumbers the listed devices
#     0, 1, ...; those ordinals are printed, after checking each listed index against nvidia-smi.
# Exit status 1 with a message on standard error when nvidia-smi is missing, fails or lists no GPU. Only bash
# built-ins are used besides nvidia-smi.
set -euo pipefail

fail() {
  echo "gpu-discovery: $*" >&2
  exit 1
}

if ! command -v nvidia-smi >/dev/null 2>&1; then
  fail "nvidia-smi is not on PATH (${PATH:-empty}); install the NVIDIA driver and its utilities on this node, \
or remove the spark.*.resource.gpu.* settings to run on CPUs"
fi
if ! listed="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  fail "nvidia-smi --query-gpu=index failed: ${listed:-no output}"
fi
indices=()
while IFS= read -r line; do
  line="${line//[[:space:]]/}"
  [[ -z "$line" ]] && continue
  [[ "$line" =~ ^[0-9]+$ ]] || fail "nvidia-smi printed '$line' where a GPU index was expected"
  indices+=("$line")
done <<< "$listed"
(( ${#indices[@]} > 0 )) || fail "nvidia-smi lists no GPU on this node"

addresses=()
if [[ -n "${CUDA_VISIBLE_DEVICES+set}" ]]; then
  IFS=',' read -r -a visible <<< "${CUDA_VISIBLE_DEVICES// /}"
  for entry in "${visible[@]}"; do
    if [[ "$entry" =~ ^[0-9]+$ ]]; then
      [[ " ${indices[*]} " == *" $entry "* ]] \
        || fail "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES lists GPU $entry, but nvidia-smi lists only ${indices[*]}"
    elif [[ ! "$entry" =~ ^(GPU|MIG)- ]]; then
      fail "CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES: '$entry' is neither a GPU index nor a GPU-/MIG- UUID"
    fi
    addresses+=("${#addresses[@]}")
  done
  (( ${#addresses[@]} > 0 )) || fail "CUDA_VISIBLE_DEVICES is set but empty: this process may use no GPU"
else
  addresses=("${indices[@]}")
fi

json=""
for address in "${addresses[@]}"; do
  json+="${json:+,}\"$address\""
done
printf '{"name":"gpu","addresses":[%s]}\n' "$json"
