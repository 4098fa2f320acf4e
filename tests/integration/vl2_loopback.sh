# Scenario: a private network run by a ztsdk controller, all on 127.0.0.1.
# The root is also the controller. A joins before it is authorized (refused,
# then configured as soon as an admin authorizes it); B is authorized before
# it joins. Both get their managed IPv4, RFC4193 and 6PLANE addresses; B
# comes back from its cached config after a restart without joining again;
# leaving forgets the network; the controller keeps its networks across a
# restart and goes on serving them.
# Usage: bash vl2_loopback.sh /path/to/ztsdk
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

ROOT_PORT=$(free_port)
A_PORT=$(free_port)
B_PORT=$(free_port)
make_planet "$ROOT_PORT"
start_service root "$ROOT_PORT" --stack none
start_service a "$A_PORT"
start_service b "$B_PORT"
for name in root a b; do
  wait_for 20 "the $name service never answered on its API" "$ZTSDK" status --home "$T/$name"
done
A=$(status_field a address)
B=$(status_field b address)
TOKEN=$(cat "$T/root/authtoken.secret")

# controller METHOD PATH [BODY]: the root's controller API; prints the body.
controller() {
  "$PYTHON" - "$ROOT_PORT" "$TOKEN" "$@" <<'PY'
import sys, urllib.request
port, token, method, path = sys.argv[1:5]
body = sys.argv[5].encode() if len(sys.argv) > 5 else None
req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                             headers={"X-ZT1-Auth": token})
with urllib.request.urlopen(req, timeout=5) as r:
    print(r.read().decode())
PY
}
json_get() { "$PYTHON" -c 'import json, sys; d = json.load(sys.stdin)
for k in sys.argv[1:]: d = d[int(k)] if isinstance(d, list) else d[k]
print(d if not isinstance(d, (list, dict)) else json.dumps(d))' "$@"; }

# Made with the command line; B is authorized through the raw API below.
"$ZTSDK" controller network create --home "$T/root" --name loopnet --pool 10.99.7.1-10.99.7.254 \
  --route 10.99.7.0/24 --v6 rfc4193,6plane >"$T/created" || die "cannot create the network"
NWID=$(sed -n 's/^created network \([0-9a-f]\{16\}\)$/\1/p' "$T/created")
"$ZTSDK" controller network list --home "$T/root" | grep -q "^$NWID  loopnet" ||
  die "ztsdk controller network list does not show the network"
[[ $NWID == "$ROOT"* ]] || die "network id $NWID does not start with the controller's address $ROOT"
echo "controller $ROOT made network $NWID"

network_status() { "$ZTSDK" networks --home "$T/$1" --json | json_get 0 status; }
status_is() { [[ $(network_status "$1") == "$2" ]]; }

# --- A joins unauthorized: refused, then configured once authorized
"$ZTSDK" join --home "$T/a" "$NWID" || die "A could not join"
wait_for 10 "A was never refused" status_is a ACCESS_DENIED
"$ZTSDK" controller member authorize --home "$T/root" "$NWID" "$A" >/dev/null ||
  die "cannot authorize A"
start=$SECONDS
wait_for 3 "A was not configured within 3 s of being authorized" status_is a OK
echo "A configured $((SECONDS - start)) s after authorization"

# --- B is authorized before it joins
controller POST "/controller/network/$NWID/member/$B" '{"authorized": true}' >/dev/null
"$ZTSDK" join --home "$T/b" "$NWID" || die "B could not join"
wait_for 5 "B never reached OK" status_is b OK
"$ZTSDK" networks --home "$T/a"
"$ZTSDK" networks --home "$T/b"
"$ZTSDK" networks --home "$T/a" --json >"$T/a.net"
"$ZTSDK" networks --home "$T/b" --json >"$T/b.net"

# Both hold a managed IPv4 in the pool, an RFC4193 /88 and a 6PLANE /40.
for name in a b; do
  "$ZTSDK" networks --home "$T/$name" --json | "$PYTHON" -c '
import ipaddress, json, sys
n = json.load(sys.stdin)[0]
addrs = [ipaddress.ip_interface(a) for a in n["assignedAddresses"]]
v4 = [a for a in addrs if a.version == 4]
assert len(v4) == 1 and v4[0].network == ipaddress.ip_network("10.99.7.0/24"), n["assignedAddresses"]
assert any(a.network.prefixlen == 88 and str(a.ip).startswith("fd") for a in addrs), "no rfc4193"
assert any(a.network.prefixlen == 40 and str(a.ip).startswith("fc") for a in addrs), "no 6plane"
assert n["type"] == "PRIVATE" and n["name"] == "loopnet" and n["mtu"] == 2800, n
assert n["routes"][0]["target"] == "10.99.7.0/24" and n["routes"][0]["via"] is None, n["routes"]
assert n["portDeviceName"] == "lwip", n
' || die "$name's network is not as configured"
done
A_IP=$("$ZTSDK" networks --home "$T/a" --json | json_get 0 assignedAddresses | "$PYTHON" -c '
import json, sys; print([a for a in json.load(sys.stdin) if "." in a][0])')
[[ $(controller GET "/controller/network/$NWID/member/$A" | json_get ipAssignments 0) == "${A_IP%/*}" ]] ||
  die "the controller's record for A does not hold A's address $A_IP"

"$ZTSDK" controller member list --home "$T/root" "$NWID"
[[ $("$ZTSDK" controller member list --home "$T/root" "$NWID" | grep -c ' yes ') == 2 ]] ||
  die "the controller does not list two authorized members"

# --- Ethernet frames over the network: an ARP request built here leaves A's
# port for B's IPv4 (carried as MULTICAST_FRAME to B's ARP group); B's stack
# answers, and the reply comes back to A's port as a unicast FRAME.
"$PYTHON" - "$A_PORT" "$(cat "$T/a/authtoken.secret")" "$NWID" "$T/a.net" "$T/b.net" <<'PY' ||
import ipaddress, json, sys, time, urllib.request
port, token, nwid, a_file, b_file = sys.argv[1:6]
def api(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body else None,
                                 headers={"X-ZT1-Auth": token})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())
def v4(net):
    return [ipaddress.ip_interface(a).ip for a in net["assignedAddresses"] if "." in a][0]
a, b = json.load(open(a_file))[0], json.load(open(b_file))[0]
mac = lambda text: bytes.fromhex(text.replace(":", ""))
arp = (b"\xff" * 6 + mac(a["mac"]) + b"\x08\x06" +
       bytes.fromhex("0001 0800 06 04 0001".replace(" ", "")) + mac(a["mac"]) + v4(a).packed +
       b"\x00" * 6 + v4(b).packed)
api("GET", f"/ztsdk/network/{nwid}/frames")  # starts the capture
api("POST", f"/ztsdk/network/{nwid}/frame", {"frame": arp.hex()})
for _ in range(50):
    for f in api("GET", f"/ztsdk/network/{nwid}/frames")["frames"]:
        frame = bytes.fromhex(f["frame"])
        if (f["direction"] == "in" and frame[12:14] == b"\x08\x06" and frame[20:22] == b"\x00\x02"
                and frame[0:6] == mac(a["mac"]) and frame[22:28] == mac(b["mac"])
                and frame[28:32] == v4(b).packed and frame[38:42] == v4(a).packed):
            print(f"ARP reply from {b['mac']}: {v4(b)} is at {b['mac']}")
            sys.exit(0)
    time.sleep(0.1)
sys.exit("no ARP reply from B reached A's port")
PY
  die "the ARP exchange over the network failed"

# --- B restarts: back to OK from its cache, without joining again
kill "${PID[b]}"
wait "${PID[b]}" || die "B did not stop cleanly"
start_service b "$B_PORT"
wait_for 20 "B did not come back" "$ZTSDK" status --home "$T/b"
wait_for 5 "B did not come back to OK on its own" status_is b OK

# --- the controller restarts: the network and members are still served
kill "${PID[root]}"
wait "${PID[root]}" || die "the root did not stop cleanly"
start_service root "$ROOT_PORT" --stack none
wait_for 20 "the root did not come back" "$ZTSDK" status --home "$T/root"
[[ $(controller GET "/controller/network/$NWID" | json_get name) == loopnet ]] ||
  die "the controller forgot the network"
"$ZTSDK" leave --home "$T/a" "$NWID" >/dev/null
"$ZTSDK" join --home "$T/a" "$NWID" >/dev/null
wait_for 10 "A was not configured again by the restarted controller" status_is a OK

# --- B leaves: forgotten, also after a restart
"$ZTSDK" leave --home "$T/b" "$NWID" || die "B could not leave"
[[ $("$ZTSDK" networks --home "$T/b" --json) == "[]" ]] || die "B still lists the network"
[[ ! -e "$T/b/networks.d/$NWID.conf" ]] || die "B kept the network's cached config"
if "$ZTSDK" leave --home "$T/b" "$NWID" 2>/dev/null; then die "leaving twice succeeded"; fi
kill "${PID[b]}"
wait "${PID[b]}" || true
start_service b "$B_PORT"
wait_for 20 "B did not come back" "$ZTSDK" status --home "$T/b"
[[ $("$ZTSDK" networks --home "$T/b" --json) == "[]" ]] || die "B rejoined a network it left"
echo "PASS"
