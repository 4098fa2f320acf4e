#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD/fuzz for SECONDS each, with a corpus
# kept under BUILD/fuzz-corpus/<target> (seeded from tests/fuzz/seeds/<target>
# when present). Prints one line per target: executions and result.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  seeds="$here/tests/fuzz/seeds/$name"
  log="$build/fuzz-corpus/$name.log"
  args=("$corpus")
  [ -d "$seeds" ] && args+=("$seeds")
  if "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/fuzz-corpus/$name-" "${args[@]}" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  printf '%-28s %8ss %12s execs  %s\n' "$name" "$seconds" "${execs:-?}" "$result"
done
exit $status
