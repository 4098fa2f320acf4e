#!/usr/bin/env bash
# The integration scenarios with the ASan+UBSan build: every process they
# start (services, zts_ programs, programs under the intercept) writes its
# sanitizer reports, leaks included, under BUILD/sanitizer-logs. Fails if a
# scenario fails or any report was written. net_faults is left out (its
# transfers through a faulty wire are too slow under ASan).
# Usage: scripts/sanitized_integration.sh [ASAN_BUILD] [JOBS]
set -uo pipefail
build=${1:-build-asan}
jobs=${2:-$(nproc)}
here=$(cd "$(dirname "$0")/.." && pwd)
logs=$(realpath -m "$build/sanitizer-logs")
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1"
# use_unaligned: lwIP links held IP fragments through unaligned pointers
# (packed headers inside their buffers); scanned, they are not taken for leaks.
export LSAN_OPTIONS="suppressions=$here/tests/integration/lsan.supp:print_suppressions=0:use_unaligned=1"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1"
ctest --test-dir "$build" --output-on-failure -j "$jobs" -L integration -E net_faults
status=$?
reports=$(find "$logs" -type f -size +0 | sort)
if [[ -n $reports ]]; then
  for f in $reports; do
    echo "==== $f"
    head -n 60 "$f"
  done
  echo "FAIL: sanitizer reports above ($(echo "$reports" | wc -l) files)"
  exit 1
fi
[[ $status == 0 ]] && echo "sanitized integration run: no sanitizer reports"
exit $status
