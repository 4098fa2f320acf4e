#!/usr/bin/env bash
# Runs every benchmark in BUILD/bench and prints their figures.
set -euo pipefail
build=${1:-build}
for bin in "$build"/bench/bench_*; do
  [ -x "$bin" ] || continue
  echo "== $(basename "$bin")"
  "$bin" --benchmark_min_time=0.2
done
