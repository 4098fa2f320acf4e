#!/usr/bin/env bash
# The main job (`make demo`): a whole private ZeroTier network on this
# machine, and two applications that talk over it through the zts_ API.
#
#   1. a root with its own planet at 127.0.0.1, which is also the network
#      controller (`ztsdk service --stack none`)
#   2. a network created through the controller's HTTP API, and the two
#      apps' identities authorized on it in advance, with fixed addresses
#   3. examples/tcp_server and examples/tcp_client as separate processes:
#      they join, get their addresses, connect and exchange a message;
#      then examples/ping pings the server over the network
#
# Everything it starts is stopped on exit, Ctrl-C or failure.
# Usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail

build=$(realpath "${1:-build}")
ztsdk="$build/ztsdk"
examples="$build/examples"
for f in "$ztsdk" "$examples/tcp_server" "$examples/tcp_client" "$examples/ping"; do
  [[ -x $f ]] || { echo "demo: $f is missing: build first (make build)" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted"; exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() {
  echo "demo: FAILED: $*" >&2
  for log in "$work"/*.log; do
    [[ -e $log ]] && { echo "---- $(basename "$log")" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}
# Waits (at most $1 seconds) until the command succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "$what"
    sleep 0.05
  done
}

free_port() {
  python3 - <<'PY'
import socket
for _ in range(100):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 0))
    port = u.getsockname()[1]
    t = socket.socket()
    try:
        t.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        t.close(); u.close()
PY
}

# The controller's HTTP API (the root's local API): METHOD PATH [JSON]
controller() {
  python3 - "$port" "$(cat "$work/root/authtoken.secret")" "$@" <<'PY'
import json, sys, urllib.request
port, token, method, path = sys.argv[1:5]
body = sys.argv[5].encode() if len(sys.argv) > 5 else None
req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                             headers={"X-ZT1-Auth": token, "Content-Type": "application/json"})
print(json.dumps(json.load(urllib.request.urlopen(req, timeout=5))))
PY
}
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

step "a root of our own: identity and a private planet at 127.0.0.1"
port=$(free_port)
mkdir -p "$work/root"
"$ztsdk" id generate "$work/root/identity.secret" "$work/root/identity.public" >/dev/null
root=$(cut -c1-10 "$work/root/identity.public")
"$ztsdk" world init "$work/root/identity.public" >"$work/world.json"
python3 - "$work/world.json" "$port" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
w["worldType"] = "planet"
w["roots"][0]["stableEndpoints"] = ["127.0.0.1/" + sys.argv[2]]
json.dump(w, open(sys.argv[1], "w"))
PY
"$ztsdk" world make "$work/world.json" -o "$work/planet" >/dev/null
echo "root $root, planet $work/planet, UDP port $port"

step "start the root, which is also the network controller"
"$ztsdk" service --home "$work/root" --port "$port" --planet "$work/planet" --stack none \
  >"$work/root.log" 2>&1 &
pids+=($!)
wait_until 10 "the root's API never answered" controller GET /controller
echo "root and controller running (pid ${pids[0]}, API on 127.0.0.1:$port)"

step "create a network through the controller API"
network=$(controller POST "/controller/network/${root}______" '{
  "name": "ztsdk-demo", "private": true,
  "v4AssignMode": {"zt": true}, "v6AssignMode": {"rfc4193": true},
  "ipAssignmentPools": [{"ipRangeStart": "10.147.17.100", "ipRangeEnd": "10.147.17.200"}],
  "routes": [{"target": "10.147.17.0/24"}]}' | field id)
echo "network $network: 10.147.17.0/24 and RFC4193 IPv6"

step "the apps' identities, authorized in advance with fixed addresses"
for app in server client pinger; do
  mkdir -p "$work/$app"
  "$ztsdk" id generate "$work/$app/identity.secret" "$work/$app/identity.public" >/dev/null
  cp "$work/planet" "$work/$app/planet"  # the app's storage path holds its planet
done
server=$(cut -c1-10 "$work/server/identity.public")
client=$(cut -c1-10 "$work/client/identity.public")
pinger=$(cut -c1-10 "$work/pinger/identity.public")
controller POST "/controller/network/$network/member/$server" \
  '{"authorized": true, "ipAssignments": ["10.147.17.1"]}' >/dev/null
controller POST "/controller/network/$network/member/$client" \
  '{"authorized": true, "ipAssignments": ["10.147.17.2"]}' >/dev/null
controller POST "/controller/network/$network/member/$pinger" \
  '{"authorized": true, "ipAssignments": ["10.147.17.3"]}' >/dev/null
echo "server $server -> 10.147.17.1, client $client -> 10.147.17.2, pinger $pinger -> 10.147.17.3"

step "tcp_server joins and listens on port 7777"
"$examples/tcp_server" "$work/server" "$network" 7777 \
  > >(tee "$work/server.out" | sed -u 's/^/  [server] /') 2>&1 &
pids+=($!)  # tee and sed end with it
wait_until 20 "the server never started listening" grep -q "^listening" "$work/server.out"

step "tcp_client joins, connects to 10.147.17.1:7777 and sends a message"
if ! "$examples/tcp_client" "$work/client" "$network" 10.147.17.1 7777 "hello from the client" 2>&1 |
  sed -u 's/^/  [client] /'; then
  fail "the client did not get its message echoed"
fi

step "the ping example pings the server (ICMP echo through ztsdk's stack)"
if ! "$examples/ping" "$work/pinger" "$network" 10.147.17.1 3 2>&1 | sed -u 's/^/  [ping] /'; then
  fail "no ping was answered"
fi

step "done: stopping the server and the root"
