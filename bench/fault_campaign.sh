#!/usr/bin/env bash
# The fault campaign (loopback only, bounded in time and count): TrainJob on a standalone cluster on 127.0.0.1
# with an executor killed at 5 random steps against an uninterrupted run; RemoveBackgroundJob over the local S3
# server restarted mid-run, then re-run; RemoveBackgroundJob with speculation forced on. Each scenario asserts its
# invariant (clearbg.jobs.FaultCampaign, run by name: it is not part of the test suite) and adds a row to
# bench/results/fault_campaign.md, with the machine and the date. About 15 minutes on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup
TABLE="$(mktemp)"
trap 'rm -f "$TABLE"' EXIT
status=0
mvn -B verify -pl jobs/app -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FaultCampaign -Dfailsafe.failIfNoSpecifiedTests=false -Dclearbg.campaignResults="$TABLE" || status=$?
{
  echo "# Fault campaign"
  echo
  echo "\`bench/fault_campaign.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
  echo "git $(git rev-parse --short HEAD). Every row is a scenario whose invariant the run asserted (clearbg.jobs.FaultCampaign)."
  (( status == 0 )) || echo "A scenario FAILED (mvn exit code $status): it has no row; its message is in the Maven output."
  echo
  cat "$TABLE"
} > bench/results/fault_campaign.md
cat bench/results/fault_campaign.md
exit "$status"
