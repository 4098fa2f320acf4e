#!/usr/bin/env bash
# ztperf end to end on this machine: builds bench/ztperf if needed, then runs
# it. ztperf itself makes a private planet, a root that is also the
# controller, a network with two pre-authorized members, starts the server
# and client processes, measures ztsdk and kernel TCP side by side and stops
# everything it started. Bounded: it is killed after 60 s.
#   scripts/ztperf.sh [BUILD_DIR] [ztperf options, e.g. --runs 3 --seconds 1]
set -euo pipefail
build=${1:-build}
shift || true
if [ ! -x "$build/bench/ztperf" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" --target ztperf
fi
exec timeout --kill-after=5 60 "$build/bench/ztperf" "$@"
