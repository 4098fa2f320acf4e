#!/usr/bin/env bash
# Throughput of the kernel TAP driver: iperf3 between two `ztsdk service
# --stack tap` members in network namespaces (the scenario of
# tests/integration/tap_stack.sh), beside the kernel's own baselines on
# the same run: loopback, and the veth underlay the members talk over; and
# bench/ztperf between two lwIP (zts_ API) members on loopback.
# Each measurement runs SECONDS (default 5) and is bounded by a timeout.
# Needs root; installs Debian's iperf3 if it is missing.
# usage: scripts/bench_tap.sh [ZTSDK_BINARY [SECONDS]]
here=$(cd "$(dirname "$0")" && pwd)
set -- "${1:-$here/../build/ztsdk}" "${2:-5}"
SECS=$2
source "$here/../tests/integration/common.bash"
source "$here/../tests/integration/tap_netns.bash"
if ! command -v iperf3 >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "installing iperf3 (Debian package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null
fi
tap_require iperf3
trap tap_cleanup EXIT
netns_up

listening() { [[ -n $(ip netns exec "$1" ss -Hltn 'sport = :5201') ]]; }

# iperf3 NS_SERVER NS_CLIENT ADDRESS [client options...]: MB/s received.
iperf() {
  local server_ns=$1 client_ns=$2 address=$3
  shift 3
  ip netns exec "$server_ns" timeout $((SECS + 20)) iperf3 -s -1 -B "$address" -p 5201 >/dev/null 2>&1 &
  local server=$!
  rm -f "$T/iperf.json"
  wait_for 10 "iperf3 listening in $server_ns" listening "$server_ns"
  ip netns exec "$client_ns" timeout $((SECS + 15)) iperf3 -c "$address" -p 5201 -t "$SECS" -J "$@" \
    >"$T/iperf.json" 2>/dev/null || kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  "$PYTHON" - "$T/iperf.json" <<'PY' 2>/dev/null || echo "n/a"
import json, sys
print(f'{json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 8e6:.0f}')
PY
}

echo "setting up: hub (root, controller), members a and b with --stack tap"
bring_up_network
DEV=$(tap_name "$NWID")
wait_for 30 "a's address" bash -c "ip -n $NS_A -4 addr show dev $DEV | grep -q 'inet 10.147.20.'"
wait_for 30 "b's address" bash -c "ip -n $NS_B -4 addr show dev $DEV | grep -q 'inet 10.147.20.'"
B4=$(zt_ip "$NS_B" b 4)
wait_for 30 "a pings b" ip netns exec "$NS_A" ping -c1 -W1 "$B4"

loopback=$(iperf "$NS_A" "$NS_A" 127.0.0.1)
underlay=$(iperf "$NS_B" "$NS_A" "$UNDERLAY.3")
tap=$(iperf "$NS_B" "$NS_A" "$B4")
tap_reverse=$(iperf "$NS_B" "$NS_A" "$B4" -R)
tap_4=$(iperf "$NS_B" "$NS_A" "$B4" -P 4)

printf '\niperf3, %s s each, one TCP stream unless said (MB/s = 10^6 bytes/s)\n' "$SECS"
printf '  %-52s %8s\n' "path" "MB/s"
printf '  %-52s %8s\n' "kernel loopback 127.0.0.1 (baseline)" "$loopback"
printf '  %-52s %8s\n' "kernel veth a -> b, no ZeroTier (baseline)" "$underlay"
printf '  %-52s %8s\n' "ztsdk tap a -> b over ZeroTier" "$tap"
printf '  %-52s %8s\n' "ztsdk tap b -> a over ZeroTier (-R)" "$tap_reverse"
printf '  %-52s %8s\n' "ztsdk tap a -> b over ZeroTier, 4 streams (-P 4)" "$tap_4"

# ztperf: two lwIP members (zts_ API processes) on 127.0.0.1; with
# --loopback-mtu 1432 their packets are fragmented as over a real link.
ZTPERF=$(dirname "$ZTSDK")/bench/ztperf
ztperf_rates() {  # prints "1-stream 4-stream" MB/s
  timeout $((SECS * 4 + 60)) "$ZTPERF" --runs 1 --seconds "$SECS" --only tcp1,tcp4 --no-kernel "$@" 2>/dev/null |
    awk '/^TCP, 1 stream/ {one=$(NF-2)} /^TCP, 4 streams/ {four=$(NF-2)} END {print (one ? one : "n/a"), (four ? four : "n/a")}'
}
if [[ -x $ZTPERF ]]; then
  read -r lwip_1 lwip_4 < <(ztperf_rates)
  read -r frag_1 frag_4 < <(ztperf_rates --loopback-mtu 1432)
  printf '  %-52s %8s\n' "ztsdk lwIP members (ztperf), loopback path" "$lwip_1"
  printf '  %-52s %8s\n' "ztsdk lwIP members (ztperf), 4 streams" "$lwip_4"
  printf '  %-52s %8s\n' "ztsdk lwIP members (ztperf), path MTU 1432" "$frag_1"
  printf '  %-52s %8s\n' "ztsdk lwIP members (ztperf), path MTU 1432, 4 streams" "$frag_4"
else
  echo "(build bench/ztperf for the lwIP members' figures)"
fi
