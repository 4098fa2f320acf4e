#!/usr/bin/env bash
# VL1 against upstream ZeroTierOne (built outside this repo; ZT_UPSTREAM
# names its folder). Skips (exit 77) without it. Uses the offline upstream
# network of ../shared/interop and checks:
#   1. a ztsdk node reaches the upstream root (custom planet) and is online;
#   2. it pings an upstream member: first through the root, then directly;
#   3. upstream nodes use a ztsdk root: an upstream member gets its config
#      from an upstream controller and pings it over the virtual network,
#      relayed by our root, then directly.
# usage: vl1_upstream.sh ZTSDK_BINARY SHARED_DIR
set -euo pipefail
ztsdk=$(realpath "$1")
shared=$(realpath "$2")
if [ -z "${ZT_UPSTREAM:-}" ] || [ ! -x "$ZT_UPSTREAM/zerotier-one" ]; then
  echo "SKIP: set ZT_UPSTREAM to a folder with upstream zerotier-one, -cli, -idtool"
  exit 77
fi
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces)"; exit 77; }
for tool in jq curl ping; do
  command -v $tool >/dev/null || { echo "SKIP: needs $tool"; exit 77; }
done

export ZT_INTEROP_DIR=${ZT_INTEROP_DIR:-$(mktemp -d /tmp/ztsdk-interop.XXXXXX)}
interop=$shared/interop
work=$(mktemp -d /tmp/ztsdk-vl1-upstream.XXXXXX)
pids=()
brought_up=0

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in zt-sdk1 zt-up1 zt-up2; do ip netns del "$ns" 2>/dev/null || true; done
  for v in ul-x60 ul-x61 ul-x62; do ip link del "$v" 2>/dev/null || true; done
  if [ $brought_up = 1 ]; then bash "$interop/down.sh" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
wait_for() {  # wait_for SECONDS CMD...
  local end=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.25
  done
}

if [ ! -s "$ZT_INTEROP_DIR/env.sh" ] || ! ip link show ulbr0 >/dev/null 2>&1; then
  step "bringing up the upstream network"
  bash "$interop/up.sh" >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "up.sh"; }
  brought_up=1
fi
# shellcheck disable=SC1091
. "$ZT_INTEROP_DIR/env.sh"
upstream_cli() { ip netns exec "$1" "$ZT_UPSTREAM/zerotier-cli" -D"$2" "${@:3}"; }

bash "$interop/mkns.sh" zt-sdk1 60 >/dev/null 2>&1
bash "$interop/mkns.sh" zt-up1 61 >/dev/null 2>&1
bash "$interop/mkns.sh" zt-up2 62 >/dev/null 2>&1

step "1. a ztsdk node joins the upstream root's world"
mkdir -p "$work/c"
ip netns exec zt-sdk1 "$ztsdk" service --home "$work/c" --planet "$ZTH_PLANET" >"$work/c.log" 2>&1 &
pids+=($!)
in_c() { ip netns exec zt-sdk1 "$ztsdk" "$@" --home "$work/c"; }
c_online() { [ "$(in_c status --json 2>/dev/null | jq -r .online)" = true ]; }
wait_for 20 c_online || fail "not online with the upstream root"
in_c peers --json | jq -e --arg r "$ZTH_ROOT_ID" '.[] | select(.address==$r and .role=="PLANET")
  | .paths[] | select(.active)' >/dev/null || fail "no active path to the upstream root"

step "2. ping an upstream member: relayed, then direct"
in_c ping "$ZTH_A_ID" -c 6 >"$work/ping.txt" || { cat "$work/ping.txt"; fail "no echo from A"; }
cat "$work/ping.txt"
grep -q "via direct" "$work/ping.txt" || fail "never went direct to A"
upstream_cli zt-a "$ZT_INTEROP_DIR/state/a" -j peers |
  jq -e --arg c "$(in_c status --json | jq -r .address)" '.[] | select(.address==$c)' >/dev/null ||
  fail "upstream A does not list our node as a peer"

step "3. upstream nodes use a ztsdk root"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
mkdir -p "$work/r" "$work/u1" "$work/u2"
"$ztsdk" id generate "$work/r/identity.secret" "$work/r/identity.public" >/dev/null
"$ztsdk" world init "$work/r/identity.public" |
  jq '.worldType="planet" | .roots[0].stableEndpoints=["172.30.99.60/9993"]' >"$work/world.json"
(cd "$work" && "$ztsdk" world make world.json >/dev/null && mv ./*.moon planet)
ip netns exec zt-sdk1 "$ztsdk" service --home "$work/r" --planet "$work/planet" >"$work/r.log" 2>&1 &
pids+=($!)
for n in u1 u2; do
  cp "$work/planet" "$work/$n/planet"
  echo '{"settings":{"primaryPort":9993,"allowSecondaryPort":false,"portMappingEnabled":false,
         "allowTcpFallbackRelay":false}}' >"$work/$n/local.conf"
done
ip netns exec zt-up1 "$ZT_UPSTREAM/zerotier-one" -U "$work/u1" >"$work/u1.log" 2>&1 &
pids+=($!)
ip netns exec zt-up2 "$ZT_UPSTREAM/zerotier-one" -U "$work/u2" >"$work/u2.log" 2>&1 &
pids+=($!)
wait_for 20 upstream_cli zt-up1 "$work/u1" info || fail "upstream u1 did not start"
wait_for 20 upstream_cli zt-up2 "$work/u2" info || fail "upstream u2 did not start"
u1=$(cut -d: -f1 "$work/u1/identity.public")
u2=$(cut -d: -f1 "$work/u2/identity.public")
controller() {
  ip netns exec zt-up1 curl -sf -m 5 -X "$1" -H "X-ZT1-Auth: $(cat "$work/u1/authtoken.secret")" \
    ${3:+-d "$3"} "http://127.0.0.1:9993$2"
}
nwid=$(controller POST "/controller/network/${u1}______" '{"name":"ztsdk-root","private":true,
  "v4AssignMode":{"zt":true},"ipAssignmentPools":[{"ipRangeStart":"10.99.0.1","ipRangeEnd":"10.99.0.254"}],
  "routes":[{"target":"10.99.0.0/24","via":null}]}' | jq -r .id)
upstream_cli zt-up1 "$work/u1" join "$nwid" >/dev/null
upstream_cli zt-up2 "$work/u2" join "$nwid" >/dev/null
for m in "$u1" "$u2"; do controller POST "/controller/network/$nwid/member/$m" '{"authorized":true}' >/dev/null; done
zt_ip() { upstream_cli "$1" "$2" -j listnetworks | jq -r '.[0].assignedAddresses[]' | grep -m1 '^10\.' | cut -d/ -f1; }
wait_for 60 bash -c "ip netns exec zt-up1 ip -4 addr | grep -q 'inet 10\.99\.'" || fail "u1 got no address"
wait_for 60 bash -c "ip netns exec zt-up2 ip -4 addr | grep -q 'inet 10\.99\.'" || fail "u2 got no address"
u1_ip=$(zt_ip zt-up1 "$work/u1")
wait_for 30 ip netns exec zt-up2 ping -c1 -W1 "$u1_ip" || fail "u2 cannot ping u1 through our root"
ip netns exec zt-up2 ping -c3 -W1 "$u1_ip"
in_r() { ip netns exec zt-sdk1 "$ztsdk" "$@" --home "$work/r"; }
relayed=$(in_r status --json | jq '.counters.relayed')
echo "our root relayed $relayed packets"
[ "$relayed" -gt 0 ] || fail "our root relayed nothing"
upstream_cli zt-up2 "$work/u2" -j peers | jq -e --arg u "$u1" \
  '.[] | select(.address==$u) | .paths[] | select(.active)' >/dev/null || fail "u2 has no direct path to u1"
upstream_cli zt-up2 "$work/u2" -j peers | jq -e --arg r "$(in_r status --json | jq -r .address)" \
  '.[] | select(.address==$r and .role=="PLANET")' >/dev/null || fail "u2 does not see our root as PLANET"
echo "PASS"
