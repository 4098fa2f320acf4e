#!/usr/bin/env bash
# Runs every benchmark in BUILD/bench and prints their figures, then ztperf.
set -euo pipefail
build=${1:-build}
for bin in "$build"/bench/bench_*; do
  [ -x "$bin" ] || continue
  echo "== $(basename "$bin")"
  "$bin" --benchmark_min_time=0.2
done
echo "== ztperf (zts_ API end to end, beside kernel TCP)"
"$(dirname "$0")/ztperf.sh" "$build" --runs 3 --seconds 2
