#!/usr/bin/env bash
# VL2 against upstream ZeroTierOne (built outside this repo; ZT_UPSTREAM
# names its folder). Skips (exit 77) without it. On the offline upstream
# network of ../shared/interop:
#   1. a ztsdk service (lwIP stack) joins the upstream controller's network;
#      an upstream member's kernel pings it over IPv4 (ARP through
#      MULTICAST_FRAME), RFC4193 and 6PLANE (NDP emulation);
#   2. upstream members join a network of the ztsdk service's controller,
#      ping the ztsdk node and each other through it;
#   3. deauthorizing one upstream member cuts it off at the other at once
#      (the controller's COM revocation).
# usage: vl2_upstream.sh ZTSDK_BINARY SHARED_DIR
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
work=$(mktemp -d /tmp/ztsdk-vl2-upstream.XXXXXX)
pid=""
brought_up=0
joined_ours=()

cleanup() {
  for n in "${joined_ours[@]}"; do upstream_cli "$n" leave "$our_nwid" >/dev/null 2>&1 || true; done
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  ip netns del zt-sdk2 2>/dev/null || true
  ip link del ul-x70 2>/dev/null || true
  if [ $brought_up = 1 ]; then bash "$interop/down.sh" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; [ -f "$work/c.log" ] && tail -20 "$work/c.log"; exit 1; }
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
upstream_cli() {  # upstream_cli a|b ARGS...
  ip netns exec "zt-$1" "$ZT_UPSTREAM/zerotier-cli" -D"$ZT_INTEROP_DIR/state/$1" "${@:2}"
}
ours() { ip netns exec zt-sdk2 "$ztsdk" "$@" --home "$work/c"; }
our_api() {
  ip netns exec zt-sdk2 curl -sf -m 5 -X "$1" -H "X-ZT1-Auth: $(cat "$work/c/authtoken.secret")" \
    ${3:+-d "$3"} "http://127.0.0.1:9993$2"
}
network_ok() { [ "$(ours networks --json | jq -r --arg n "$1" '.[] | select(.id==$n) | .status')" = OK ]; }
our_ip() {  # our_ip NWID v4|fd|fc
  ours networks --json | jq -r --arg n "$1" '.[] | select(.id==$n) | .assignedAddresses[]' |
    case $2 in v4) grep -m1 '^[0-9.]*/';; *) grep -m1 "^$2";; esac | cut -d/ -f1
}

bash "$interop/mkns.sh" zt-sdk2 70 >/dev/null 2>&1
mkdir -p "$work/c"
ip netns exec zt-sdk2 "$ztsdk" service --home "$work/c" --planet "$ZTH_PLANET" >"$work/c.log" 2>&1 &
pid=$!
wait_for 20 ours status || fail "our service did not start"
me=$(ours status --json | jq -r .address)

step "1. our node on the upstream controller's network"
bash "$interop/authorize.sh" "$me" "$ZTH_NWID" >/dev/null
ours join "$ZTH_NWID" >/dev/null
wait_for 20 network_ok "$ZTH_NWID" || fail "not configured by the upstream controller"
ours networks
for family in v4 fd fc; do
  ip=$(our_ip "$ZTH_NWID" $family)
  [ -n "$ip" ] || fail "no $family address from the upstream controller"
  wait_for 15 ip netns exec zt-a ping -c1 -W1 "$ip" || fail "upstream A cannot ping our $ip"
  echo "upstream A pings our $ip"
done
# 2400-byte echoes: each VL2 frame is split into ZeroTier fragments both ways.
ip=$(our_ip "$ZTH_NWID" v4)
ip netns exec zt-a ping -c3 -W2 -s 2400 "$ip" >/dev/null || fail "no large (fragmented) echo from $ip"
echo "upstream A pings our $ip with 2400-byte echoes (ZeroTier fragments both ways)"

step "2. upstream members on our controller's network"
our_nwid=$(our_api POST /controller/network '{"name":"ztsdk-net","private":true,
  "v4AssignMode":{"zt":true},"v6AssignMode":{"rfc4193":true,"6plane":true},
  "ipAssignmentPools":[{"ipRangeStart":"10.56.0.1","ipRangeEnd":"10.56.0.254"}],
  "routes":[{"target":"10.56.0.0/24","via":null}]}' | jq -r .id)
for m in "$me" "$ZTH_A_ID" "$ZTH_B_ID"; do
  our_api POST "/controller/network/$our_nwid/member/$m" '{"authorized":true}' >/dev/null
done
ours join "$our_nwid" >/dev/null
wait_for 10 network_ok "$our_nwid" || fail "our node is not configured by its own controller"
for n in a b; do upstream_cli $n join "$our_nwid" >/dev/null; joined_ours+=($n); done
upstream_ip() {
  upstream_cli "$1" -j listnetworks |
    jq -r --arg n "$our_nwid" '.[] | select(.nwid==$n and .status=="OK") | .assignedAddresses[]' |
    grep -m1 '^10\.56\.' | cut -d/ -f1
}
has_ip() { [ -n "$(upstream_ip "$1")" ]; }
wait_for 30 has_ip a || fail "upstream A got no config from our controller"
wait_for 30 has_ip b || fail "upstream B got no config from our controller"
a_ip=$(upstream_ip a)
b_ip=$(upstream_ip b)
mine=$(our_ip "$our_nwid" v4)
wait_for 15 ip netns exec zt-b ping -c1 -W1 "$mine" || fail "upstream B cannot ping our node"
wait_for 15 ip netns exec zt-a ping -c1 -W1 "$b_ip" || fail "upstream A cannot ping upstream B"
echo "B pings us ($mine); A ($a_ip) pings B ($b_ip) on our controller's network"

step "3. deauthorizing B cuts it off"
our_api POST "/controller/network/$our_nwid/member/$ZTH_B_ID" '{"authorized":false}' >/dev/null
sleep 2
if ip netns exec zt-a ping -c2 -W1 "$b_ip" >/dev/null 2>&1; then
  fail "A still reaches B after B was deauthorized"
fi
echo "A no longer reaches B"
echo "PASS"
