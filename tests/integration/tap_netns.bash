# Network namespaces for tap-driver scenarios, sourced after common.bash
# (which gives ZTSDK, PYTHON, $T, PID, die, wait_for, stop_all).
#
#   hub namespace: bridge ztbr, 172.31.250.1, the root and the controller
#   a, b namespaces: one veth each into the bridge, .2 and .3, one member
#
# Nothing is added to the host's own namespace; everything is removed on
# exit, pass or fail. Names carry our pid so parallel runs do not collide.
# shellcheck shell=bash

NS_HUB=zt-hub-$$
NS_A=zt-a-$$
NS_B=zt-b-$$
UNDERLAY=172.31.250
ROOT_PORT=9993
CTL_PORT=9994
MEMBER_PORT=9993

# Exit 77 (skipped) unless this can run.
tap_require() {
  [[ $(id -u) == 0 ]] || { echo "SKIP: needs root (namespaces, tap devices)"; exit 77; }
  [[ -c /dev/net/tun ]] || { echo "SKIP: no /dev/net/tun"; exit 77; }
  local tool
  for tool in ip ping curl "$@"; do
    command -v "$tool" >/dev/null || { echo "SKIP: needs $tool"; exit 77; }
  done
  ip netns add "zt-probe-$$" 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
  ip netns del "zt-probe-$$"
}

netns_up() {
  ip netns add "$NS_HUB"
  ip netns add "$NS_A"
  ip netns add "$NS_B"
  ip -n "$NS_HUB" link add ztbr type bridge
  ip -n "$NS_HUB" addr add "$UNDERLAY.1/24" dev ztbr
  ip -n "$NS_HUB" link set ztbr up
  local ns n=2
  for ns in "$NS_A" "$NS_B"; do
    ip -n "$ns" link add eth0 type veth peer name "port$n" netns "$NS_HUB"
    ip -n "$NS_HUB" link set "port$n" master ztbr up
    ip -n "$ns" addr add "$UNDERLAY.$n/24" dev eth0
    ip -n "$ns" link set eth0 up
    n=$((n + 1))
  done
  for ns in "$NS_HUB" "$NS_A" "$NS_B"; do ip -n "$ns" link set lo up; done
}

# Deleting a namespace takes its veths and any tap device left in it.
netns_down() {
  local ns
  for ns in "$NS_HUB" "$NS_A" "$NS_B"; do ip netns del "$ns" 2>/dev/null || true; done
}

tap_cleanup() {
  stop_all
  netns_down
  rm -rf "$T"
}

# start_in NS NAME PORT [service options...]; `ip netns exec` execs, so the
# pid is the service's own.
start_in() {
  local ns=$1 name=$2 port=$3
  shift 3
  ip netns exec "$ns" "$ZTSDK" service --home "$T/$name" --port "$port" --planet "$T/planet" \
    --no-ipv6 "$@" >>"$T/$name.log" 2>&1 &
  PID[$name]=$!
}

# zt_in NS NAME SUBCOMMAND [args...]: the ztsdk command against NAME's service.
zt_in() {
  local ns=$1 name=$2 sub=$3
  shift 3
  ip netns exec "$ns" "$ZTSDK" "$sub" --home "$T/$name" "$@"
}

online_in() {
  [[ $(zt_in "$1" "$2" status --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["online"])') == True ]]
}

# A planet whose one root is the hub's service.
make_hub_planet() {
  mkdir -p "$T/root"
  "$ZTSDK" id generate "$T/root/identity.secret" >/dev/null
  "$ZTSDK" id public "$T/root/identity.secret" >"$T/root.public"
  "$ZTSDK" world init "$T/root.public" >"$T/world.json"
  "$PYTHON" - "$T/world.json" "$UNDERLAY.1/$ROOT_PORT" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["worldType"] = "planet"
c["roots"][0]["stableEndpoints"] = [sys.argv[2]]
json.dump(c, open(sys.argv[1], "w"))
PY
  "$ZTSDK" world make "$T/world.json" -o "$T/planet" >/dev/null
}

# ctl METHOD PATH [JSON]: the controller's API (upstream's), in the hub.
ctl() {
  ip netns exec "$NS_HUB" curl -sSf -m 10 -X "$1" -H "X-ZT1-Auth: $(cat "$T/ctl/authtoken.secret")" \
    ${3:+-H "Content-Type: application/json" -d "$3"} "http://127.0.0.1:$CTL_PORT$2"
}

json_field() { "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# The hub's root and controller, members a and b with --stack tap, all
# online; sets NWID to a new private network with 10.147.20.0/24 and
# RFC 4193 addresses, both members joined and authorized.
bring_up_network() {
  make_hub_planet
  start_in "$NS_HUB" root "$ROOT_PORT" --stack none
  start_in "$NS_HUB" ctl "$CTL_PORT" --stack none
  start_in "$NS_A" a "$MEMBER_PORT" --stack tap
  start_in "$NS_B" b "$MEMBER_PORT" --stack tap
  local name ns
  for name in ctl a b; do
    case $name in ctl) ns=$NS_HUB ;; a) ns=$NS_A ;; b) ns=$NS_B ;; esac
    wait_for 20 "$name online" online_in "$ns" "$name"
  done
  local controller
  controller=$(zt_in "$NS_HUB" ctl status --json | json_field address)
  NWID=$(ctl POST "/controller/network/${controller}______" '{"name":"tap-test","private":true,
    "v4AssignMode":{"zt":true},"v6AssignMode":{"rfc4193":true,"zt":false,"6plane":false},
    "ipAssignmentPools":[{"ipRangeStart":"10.147.20.10","ipRangeEnd":"10.147.20.250"}],
    "routes":[{"target":"10.147.20.0/24","via":null}]}' | json_field id)
  [[ $NWID =~ ^[0-9a-f]{16}$ ]] || die "controller gave no network id: '$NWID'"
  zt_in "$NS_A" a join "$NWID" >/dev/null
  zt_in "$NS_B" b join "$NWID" >/dev/null
  local member
  for name in a b; do
    case $name in a) ns=$NS_A ;; b) ns=$NS_B ;; esac
    member=$(zt_in "$ns" "$name" status --json | json_field address)
    ctl POST "/controller/network/$NWID/member/$member" '{"authorized":true}' >/dev/null
  done
}

# The tap device name the service gives network $1 (upstream's scheme).
tap_name() {
  "$PYTHON" -c '
import sys
n = int(sys.argv[1], 16)
f = (n ^ (n >> 24)) & 0xffffffffff
print("zt" + "".join("abcdefghijklmnopqrstuvwxyz234567"[(f >> s) & 31] for s in range(35, -1, -5)))' "$1"
}

# zt_ip NS NAME 4|6: the member's assigned address of that family on NWID.
zt_ip() {
  zt_in "$1" "$2" networks --json | "$PYTHON" -c '
import json, sys
family = sys.argv[2]
for n in json.load(sys.stdin):
    if n["id"] != sys.argv[1]:
        continue
    for a in n["assignedAddresses"]:
        ip = a.split("/")[0]
        if (family == "6") == (":" in ip):
            print(ip)
            sys.exit(0)
sys.exit(1)' "$NWID" "$3"
}

has_device() { ip -n "$1" link show "$2" >/dev/null 2>&1; }
has_addr() { ip -n "$1" addr show dev "$2" 2>/dev/null | grep -q "inet6\? $3/"; }

# On failure: each service's log and what each namespace has (common.bash's
# die would ask the services from the host's namespace).
die() {
  echo "FAIL: $*" >&2
  local log ns
  for log in "$T"/*.log; do
    [[ -e $log ]] || continue
    echo "---- $(basename "$log" .log): log" >&2
    tail -n 40 "$log" >&2 || true
  done
  for ns in "$NS_A" "$NS_B"; do
    echo "---- $ns: addresses" >&2
    ip -n "$ns" addr >&2 2>/dev/null || true
  done
  exit 1
}
