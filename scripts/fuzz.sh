#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, with a corpus
# kept under BUILD/fuzz-corpus/<target> (seeded from tests/fuzz/seeds/<target>
# when present). Prints one line per target: executions and result.
# FUZZ_JOBS targets run at once (default 1); they run at nice 19, so a build
# beside them keeps the machine.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
jobs=${FUZZ_JOBS:-1}
here=$(cd "$(dirname "$0")/.." && pwd)

fuzz_one() {
  local bin=$1 name corpus seeds log result execs
  name=$(basename "$bin")
  corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  seeds="$here/tests/fuzz/seeds/$name"
  log="$build/fuzz-corpus/$name.log"
  local args=("$corpus")
  [ -d "$seeds" ] && args+=("$seeds")
  if nice -n 19 "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/fuzz-corpus/$name-" "${args[@]}" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
  fi
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  printf '%-28s %8ss %12s execs  %s\n' "$name" "$seconds" "${execs:-?}" "$result"
  [ "$result" = ok ]
}

status=0
running=0
for bin in "$build"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  fuzz_one "$bin" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
