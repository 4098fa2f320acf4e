#!/usr/bin/env bash
# One network, two kinds of member: in namespace a, `ztsdk service --stack
# tap` (programs there use the kernel); in namespace b, an application on
# the zts_ API (its own node and lwIP). A kernel TCP client in a talks to
# the zts_ app in b: an echo, and 16 MiB checked by SHA-256; a's kernel
# pings the app's stack.
# Skips (77) unless root with /dev/net/tun.
# usage: tap_mixed.sh ZTSDK [ignored...]
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/tap_netns.bash"
tap_require
trap tap_cleanup EXIT
CHECK="$(dirname "$ZTSDK")/tests/tools/zts_check"
[[ -x $CHECK ]] || die "build tests/tools/zts_check first"
netns_up

echo "== root and controller in the hub, a on tap, b a zts_ application"
make_hub_planet
start_in "$NS_HUB" root "$ROOT_PORT" --stack none
start_in "$NS_HUB" ctl "$CTL_PORT" --stack none
start_in "$NS_A" a "$MEMBER_PORT" --stack tap
wait_for 20 "the controller online" online_in "$NS_HUB" ctl
wait_for 20 "a online" online_in "$NS_A" a
controller=$(zt_in "$NS_HUB" ctl status --json | json_field address)
NWID=$(ctl POST "/controller/network/${controller}______" '{"name":"mixed","private":true,
  "v4AssignMode":{"zt":true},"v6AssignMode":{"rfc4193":true},
  "ipAssignmentPools":[{"ipRangeStart":"10.147.21.10","ipRangeEnd":"10.147.21.250"}],
  "routes":[{"target":"10.147.21.0/24","via":null}]}' | json_field id)
ctl POST "/controller/network/$NWID/member/$(zt_in "$NS_A" a status --json | json_field address)" \
  '{"authorized":true}' >/dev/null
zt_in "$NS_A" a join "$NWID" >/dev/null
mkdir -p "$T/app"
"$ZTSDK" id generate "$T/app/identity.secret" >/dev/null
cp "$T/planet" "$T/app/planet"
ctl POST "/controller/network/$NWID/member/$(cut -c1-10 "$T/app/identity.secret")" \
  '{"authorized":true,"ipAssignments":["10.147.21.5"]}' >/dev/null
ip netns exec "$NS_B" "$CHECK" server "$T/app" "$NWID" 9000 >"$T/app.log" 2>&1 &
PID[app]=$!
wait_for 30 "the zts_ app never got onto the network" grep -q "^server ready" "$T/app.log"
DEV=$(tap_name "$NWID")
wait_for 30 "a's address on $DEV" bash -c "ip -n $NS_A -4 addr show dev $DEV | grep -q 'inet 10.147.21.'"
echo "a's kernel on $DEV, the app at 10.147.21.5"

echo "== kernel TCP in a to the zts_ app in b: echo and 16 MiB with SHA-256"
ip netns exec "$NS_A" timeout 120 "$PYTHON" - 10.147.21.5 9000 <<'PY' || die "TCP between tap and lwIP failed"
import hashlib, socket, sys, time
ip, port = sys.argv[1], int(sys.argv[2])
def connect():
    for _ in range(50):
        try:
            return socket.create_connection((ip, port), timeout=10)
        except OSError:
            time.sleep(0.2)
    sys.exit("cannot connect to the zts_ app")
s = connect()
s.sendall(b"E" + b"hello through two stacks")
want = b"hello through two stacks"
got = b""
while len(got) < len(want):
    got += s.recv(1024)
assert got == want, got
s.close()
# 'U' + 8-byte length + data, answered with the data's SHA-256 in hex.
size = 16 << 20
data = bytes((i * 131 + 7) & 0xff for i in range(1 << 16)) * (size >> 16)
s = connect()
t0 = time.time()
s.sendall(b"U" + size.to_bytes(8, "big") + data)
digest = b""
while len(digest) < 64:
    chunk = s.recv(64 - len(digest))
    if not chunk:
        break
    digest += chunk
secs = time.time() - t0
assert digest.decode() == hashlib.sha256(data).hexdigest(), "SHA-256 differs"
print(f"16 MiB from the kernel to lwIP in {secs:.2f} s ({size / secs / 1e6:.0f} MB/s), SHA-256 matches")
PY

echo "== a's kernel pings the zts_ app's stack"
wait_for 20 "a cannot ping the app" ip netns exec "$NS_A" ping -c1 -W1 10.147.21.5
ip netns exec "$NS_A" ping -c3 -i0.2 -W2 10.147.21.5 | tail -2
echo "PASS"
