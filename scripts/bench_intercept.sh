#!/usr/bin/env bash
# Throughput and 64-byte request/response latency of one TCP connection, by
# each way a program can reach a virtual network, in one run, with ratios:
#   kernel     loopback, no ztsdk at all (the ceiling)
#   direct     the zts_ API: the client program runs its own node
#   intercept  an unmodified client under libztintercept.so
#   socks5     an unmodified client through the service's SOCKS5
# The virtual rows share their far end: a server on member B under the
# intercept, so they differ only in the client's way in. Everything runs on
# this machine (both nodes, both programs), so the figures include both
# ends' work on the same cores.
# Usage: scripts/bench_intercept.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
BUILD=$(realpath "${1:-build}")
SECONDS_PER_RUN=${2:-3}
BENCH="$BUILD/tests/tools/ztsockbench"
[[ -x $BENCH ]] || { echo "no $BENCH: build the ztsockbench target first" >&2; exit 1; }
SOCKS_PORT=$((20000 + RANDOM % 20000))
export A_OPTS="--socks-port $SOCKS_PORT"
# shellcheck source=../tests/integration/intercept_common.bash
source "$(dirname "$0")/../tests/integration/intercept_common.bash" "$BUILD/ztsdk"

# A third member, C, whose identity the direct client's zts_ node takes:
# authorized and joined here, then its service stopped.
C_PORT=$(free_port)
start_service c "$C_PORT" --socks-port 0 --no-intercept
wait_for 20 "C never answered" "$ZTSDK" status --home "$T/c"
controller POST "/controller/network/$NWID/member/$(status_field c address)" \
  '{"authorized": true, "ipAssignments": ["10.77.0.3"]}' >/dev/null
"$ZTSDK" join --home "$T/c" "$NWID" >/dev/null
wait_for 15 "C never got its network" network_ok c
kill "${PID[c]}"
wait "${PID[c]}" || true
unset 'PID[c]'

PORT=$(free_port)
KERNEL_PORT=$(free_port)
background - "$BENCH" serve "$KERNEL_PORT"
background b "$BENCH" serve "$PORT"
wait_for 10 "the server on B never answered" tcp_open_via_a "$B_IP" "$PORT"

declare -A result
run() {
  local name=$1
  shift
  result[$name]=$("$@" --seconds "$SECONDS_PER_RUN") || die "the $name run failed"
  echo "$name: ${result[$name]}"
}
run kernel "$BENCH" client 127.0.0.1 "$KERNEL_PORT"
run direct "$BENCH" direct "$T/c" "$NWID" "$B_IP" "$PORT"
run intercept on_a "$BENCH" client "$B_IP" "$PORT"
run socks5 "$BENCH" client "$B_IP" "$PORT" --socks "127.0.0.1:$SOCKS_PORT"

field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"${result[$1]}"; }
echo
printf "%-10s %10s %9s %9s %12s %12s %14s\n" path MB/s p50_us p99_us "MB/s/kernel" "p50/kernel" "MB/s/direct"
for path in kernel direct intercept socks5; do
  "$PYTHON" - "$path" "$(field "$path" throughput_MBps)" "$(field "$path" p50_us)" "$(field "$path" p99_us)" \
    "$(field kernel throughput_MBps)" "$(field kernel p50_us)" "$(field direct throughput_MBps)" <<'PY'
import sys
path, mbps, p50, p99, k_mbps, k_p50, d_mbps = sys.argv[1], *map(float, sys.argv[2:])
print(f"{path:<10} {mbps:10.1f} {p50:9.1f} {p99:9.1f} {mbps / k_mbps:12.3f} {p50 / k_p50:12.2f} {mbps / d_mbps:14.2f}")
PY
done
