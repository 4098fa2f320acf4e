# Scenario: applications on the zts_ API, each its own process with its own
# node and lwIP, on a private network: a root that is also the controller
# (`ztsdk service --stack none`), a network made through the controller's
# HTTP API, members authorized in advance. tests/tools/zts_check is the
# application: a server, and clients that run
#   over IPv4: TCP both ways at once, 64 MiB up and down checked by
#     SHA-256, 100 connections at once, half-close, nonblocking connect
#     (EINPROGRESS, POLLOUT, SO_ERROR), refused and timed-out connects,
#     UDP datagrams up to 8000 bytes, ICMP ping; data written just before
#     zts_node_stop still arrives
#   over IPv6 (RFC4193): the same but the 64 MiB transfers
# then: events replayed to a handler set after start; a node restarted
# from its storage path comes back on its network without joining again,
# even while the controller is down; start-to-ready and start-to-connection
# times and peak RSS (printed, not asserted).
# Usage: bash zts_api.sh /path/to/build/ztsdk
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

CHECK="$(dirname "$ZTSDK")/tests/tools/zts_check"
[[ -x $CHECK ]] || die "build tests/tools/zts_check first"

controller() {  # METHOD PATH [JSON]: the root's controller API
  "$PYTHON" - "$ROOT_PORT" "$(cat "$T/root/authtoken.secret")" "$@" <<'PY'
import json, sys, urllib.request
port, token, method, path = sys.argv[1:5]
body = sys.argv[5].encode() if len(sys.argv) > 5 else None
req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                             headers={"X-ZT1-Auth": token})
print(json.dumps(json.load(urllib.request.urlopen(req, timeout=5))))
PY
}

# member NAME IP: an app's storage path with its identity and the planet,
# authorized on the network with address IP.
member() {
  mkdir -p "$T/$1"
  "$ZTSDK" id generate "$T/$1/identity.secret" >/dev/null
  cp "$T/planet" "$T/$1/planet"
  controller POST "/controller/network/$NW/member/$(cut -c1-10 "$T/$1/identity.secret")" \
    "{\"authorized\": true, \"ipAssignments\": [\"$2\"]}" >/dev/null
}

# --- the world: root + controller, a network with IPv4 and RFC4193 IPv6
ROOT_PORT=$(free_port)
make_planet "$ROOT_PORT"
start_service root "$ROOT_PORT" --stack none
wait_for 20 "the root never answered on its API" controller GET /controller
NW=$(controller POST "/controller/network/${ROOT}______" '{"name": "zts", "private": true,
  "v4AssignMode": {"zt": true}, "v6AssignMode": {"rfc4193": true},
  "ipAssignmentPools": [{"ipRangeStart": "10.147.20.100", "ipRangeEnd": "10.147.20.200"}],
  "routes": [{"target": "10.147.20.0/24"}]}' | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
member server 10.147.20.1
member client 10.147.20.2
member client6 10.147.20.6
member late 10.147.20.3
member again 10.147.20.4
member timing 10.147.20.5
member sender 10.147.20.7
echo "root $ROOT on $ROOT_PORT, network $NW"

# --- the server
"$CHECK" server "$T/server" "$NW" 9000 >"$T/server.log" 2>&1 &
PID[server]=$!
wait_for 20 "the server never got onto the network" grep -q "^server ready" "$T/server.log"
read -r _ _ SERVER4 SERVER6 _ <"$T/server.log"
echo "server at $SERVER4 and $SERVER6"

# --- clients
"$CHECK" client "$T/client" "$NW" "$SERVER4" 9000 echo upload64 download64 concurrent100 \
  halfclose nonblocking refused timeout udp ping | tee "$T/client4.out" || die "IPv4 tests failed"
"$CHECK" client "$T/client6" "$NW" "$SERVER6" 9000 echo concurrent100 halfclose nonblocking \
  refused timeout udp ping | tee "$T/client6.out" || die "IPv6 tests failed"

# --- a program that writes, closes and stops at once loses nothing
"$CHECK" sendstop "$T/sender" "$NW" 9100 >"$T/sender.log" 2>&1 &
PID[sender]=$!
wait_for 20 "the sender never got onto the network" grep -q "^sendstop ready" "$T/sender.log"
"$CHECK" client "$T/client" "$NW" 10.147.20.7 9100 drain || die "data written before zts_node_stop was lost"
wait "${PID[sender]}" || die "the sender failed"
unset 'PID[sender]'

# --- events for a handler set late
"$CHECK" replay "$T/late" "$NW" || die "events were not replayed to a late handler"

# --- figures, for a node that has never run before
"$CHECK" timing "$T/timing" "$NW" "$SERVER4" 9000 || die "timing run failed"

# --- restart: a normal run, then back from the storage path alone
"$CHECK" client "$T/again" "$NW" "$SERVER4" 9000 echo >/dev/null || die "first run of 'again' failed"
[[ -f "$T/again/networks.d/$NW.conf" ]] || die "the network's config was not cached"
"$CHECK" rejoin "$T/again" "$NW" "$SERVER4" 9000 || die "the restarted node did not come back"
# Its config is cached, so it needs no controller to be ready.
kill "${PID[root]}"
wait "${PID[root]}" 2>/dev/null || true
unset 'PID[root]'
"$CHECK" rejoin "$T/again" "$NW" || die "with the controller down, the restarted node did not come back"
echo "PASS"
