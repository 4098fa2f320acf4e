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
# Each path is measured REPEAT times (a connection each) and the medians
# are shown, which keeps a busy machine's hiccups out of the ratios.
# Usage: scripts/bench_intercept.sh [BUILD_DIR] [SECONDS] [REPEAT]
set -euo pipefail
BUILD=$(realpath "${1:-build}")
SECONDS_PER_RUN=${2:-3}
REPEAT=${3:-3}
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
  result[$name]=$("$@" --seconds "$SECONDS_PER_RUN" --repeat "$REPEAT") || die "the $name run failed"
  echo "$name:"
  echo "${result[$name]}" | sed 's/^/  /'
}
run kernel "$BENCH" client 127.0.0.1 "$KERNEL_PORT"
run direct "$BENCH" direct "$T/c" "$NWID" "$B_IP" "$PORT"
run intercept on_a "$BENCH" client "$B_IP" "$PORT"
run socks5 "$BENCH" client "$B_IP" "$PORT" --socks "127.0.0.1:$SOCKS_PORT"

for path in kernel direct intercept socks5; do echo "$path ${result[$path]//$'\n'/ }"; done >"$T/results"
echo
"$PYTHON" - "$T/results" <<'PY'
import re, statistics, sys
rows, count = {}, 0
for line in open(sys.argv[1]):
    path, rest = line.split(" ", 1)
    runs = [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([0-9.]+)", part))
            for part in re.split(r"(?=throughput_MBps=)", rest) if part.strip()]
    count = len(runs)
    rows[path] = {k: statistics.median(r[k] for r in runs) for k in ("throughput_MBps", "p50_us", "p99_us")}
kernel, direct = rows["kernel"], rows["direct"]
print(f"medians of {count} runs each")
print("path           MB/s   p50 us   p99 us  MB/s/kernel  p50/kernel  MB/s/direct  p50/direct")
for path, r in rows.items():
    mbps, p50, p99 = r["throughput_MBps"], r["p50_us"], r["p99_us"]
    print(f"{path:<10} {mbps:8.1f} {p50:8.1f} {p99:8.1f} {mbps / kernel['throughput_MBps']:12.3f} "
          f"{p50 / kernel['p50_us']:11.2f} {mbps / direct['throughput_MBps']:12.2f} {p50 / direct['p50_us']:11.2f}")
PY
