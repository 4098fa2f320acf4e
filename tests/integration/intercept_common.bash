# Shared by the intercept and SOCKS5 scenarios: a root that is also the
# controller, and two members A (10.77.0.1) and B (10.77.0.2) on one private
# network whose DNS domain is zt.test (its server is B, 10.77.0.2, if a
# scenario starts one), with RFC4193 IPv6 addresses too. Sourced with the
# ztsdk binary as $1; sets LIB (the preload library, built next to ztsdk),
# NWID, A_IP, B_IP, A_IP6, B_IP6, A_HOME, B_HOME.
# Extra options for A's and B's services can be given in A_OPTS and B_OPTS
# (by default SOCKS5 is off, so scenarios do not compete for port 1080).
# shellcheck shell=bash
# shellcheck source=common.bash
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"

LIB="$(dirname "$ZTSDK")/libztintercept.so"
[[ -f $LIB ]] || die "no $LIB (build the ztintercept target)"
# A sanitized library needs its runtime loaded first into the programs.
if ((SANITIZED == 1)); then
  LIB="$(ldd "$LIB" | awk '/libasan/ {print $3}') $LIB"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
  # python3's own unfreed memory at exit would fail the programs.
  export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(dirname "${BASH_SOURCE[0]}")/lsan.supp}"
fi
A_IP=10.77.0.1
B_IP=10.77.0.2
A_OPTS=${A_OPTS:---socks-port 0}
B_OPTS=${B_OPTS:---socks-port 0}

ROOT_PORT=$(free_port)
A_PORT=$(free_port)
B_PORT=$(free_port)
make_planet "$ROOT_PORT"
start_service root "$ROOT_PORT" --stack none
# shellcheck disable=SC2086
start_service a "$A_PORT" $A_OPTS
# shellcheck disable=SC2086
start_service b "$B_PORT" $B_OPTS
for name in root a b; do
  wait_for 20 "the $name service never answered on its API" "$ZTSDK" status --home "$T/$name"
done
A_HOME=$T/a
B_HOME=$T/b

# controller METHOD PATH [BODY]: the root's controller API.
controller() {
  "$PYTHON" - "$ROOT_PORT" "$(cat "$T/root/authtoken.secret")" "$@" <<'PY'
import sys, urllib.request
port, token, method, path = sys.argv[1:5]
body = sys.argv[5].encode() if len(sys.argv) > 5 else None
req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                             headers={"X-ZT1-Auth": token})
with urllib.request.urlopen(req, timeout=5) as r:
    print(r.read().decode())
PY
}

"$ZTSDK" controller network create --home "$T/root" --name intercept --pool 10.77.0.100-10.77.0.200 \
  --route 10.77.0.0/24 --v6 rfc4193 --body '{"dns": {"domain": "zt.test", "servers": ["10.77.0.2"]}}' \
  >"$T/created" || die "cannot create the network"
NWID=$(sed -n 's/^created network \([0-9a-f]\{16\}\)$/\1/p' "$T/created")
for name in a b; do
  member=$(status_field "$name" address)
  ip=$A_IP
  [[ $name == b ]] && ip=$B_IP
  controller POST "/controller/network/$NWID/member/$member" \
    "{\"authorized\": true, \"ipAssignments\": [\"$ip\"]}" >/dev/null || die "cannot authorize $name"
  "$ZTSDK" join --home "$T/$name" "$NWID" >/dev/null || die "$name could not join"
done
network_ok() {
  "$ZTSDK" networks --home "$T/$1" --json | "$PYTHON" -c '
import json, sys
n = json.load(sys.stdin)
sys.exit(0 if n and n[0]["status"] == "OK" and n[0]["assignedAddresses"] else 1)'
}
wait_for 15 "A never got its network" network_ok a
wait_for 15 "B never got its network" network_ok b
ipv6_of() {
  "$ZTSDK" networks --home "$T/$1" --json | "$PYTHON" -c '
import json, sys
print([a.split("/")[0] for a in json.load(sys.stdin)[0]["assignedAddresses"] if ":" in a][0])'
}
A_IP6=$(ipv6_of a)
B_IP6=$(ipv6_of b)

# Run a program under the intercept, as a member of A or B.
on_a() { LD_PRELOAD=$LIB ZTS_SERVICE=$A_HOME "$@"; }
on_b() { LD_PRELOAD=$LIB ZTS_SERVICE=$B_HOME "$@"; }

# Background programs started by a scenario, stopped on exit with the
# services. `background a|b|- cmd...` runs cmd under A's or B's intercept
# (or plain with -); its pid is the program's own (exec), so it can be
# stopped.
declare -a BACKGROUND=()
background() {
  local home=
  [[ $1 == a ]] && home=$A_HOME
  [[ $1 == b ]] && home=$B_HOME
  shift
  if [[ -n $home ]]; then
    (export LD_PRELOAD=$LIB ZTS_SERVICE=$home; exec "$@") &
  else
    "$@" &
  fi
  BACKGROUND+=($!)
  LAST_PID=$!
}
stop_background() {
  local pid
  for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BACKGROUND[@]}"; do wait "$pid" 2>/dev/null || true; done
  BACKGROUND=()
}
trap 'stop_background; stop_all; rm -rf "$T"' EXIT

# Waits until a TCP port answers through A's intercept.
tcp_open_via_a() {
  on_a "$PYTHON" -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2).close()' "$1" "$2"
}
