#!/usr/bin/env bash
# Two `ztsdk service --stack tap` members, each in a network namespace of
# its own, on a private network of a ztsdk controller (root and controller
# in a third namespace, joined by a bridge):
#   - each network is a kernel tap device with the assigned addresses;
#   - kernel ping (IPv4, IPv6) and a 64 MiB kernel TCP transfer checked
#     by SHA-256 between the members' ZeroTier addresses;
#   - the kernel's multicast groups reach the network's subscriptions;
#   - kill -9 leaves no device; a restart brings it back; leave removes it;
#     a clean shutdown removes it;
#   - without CAP_NET_ADMIN the service keeps running and the network
#     shows a port error naming the capability.
# Skips (77) unless root with /dev/net/tun.
# usage: tap_stack.sh ZTSDK [ignored...]
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/tap_netns.bash"
tap_require sha256sum
trap tap_cleanup EXIT
netns_up

echo "== network up: root and controller in the hub, members a and b on tap"
bring_up_network
DEV=$(tap_name "$NWID")
wait_for 30 "a's address on $DEV" bash -c "ip -n $NS_A -4 addr show dev $DEV | grep -q 'inet 10.147.20.'"
wait_for 30 "b's address on $DEV" bash -c "ip -n $NS_B -4 addr show dev $DEV | grep -q 'inet 10.147.20.'"
A4=$(zt_ip "$NS_A" a 4); B4=$(zt_ip "$NS_B" b 4)
A6=$(zt_ip "$NS_A" a 6); B6=$(zt_ip "$NS_B" b 6)
echo "a: $A4 $A6  b: $B4 $B6  device $DEV"
link=$(ip -n "$NS_A" -o link show "$DEV")
[[ $link == *[\<,]UP[,\>]* ]] || die "$DEV is not up: $link"
[[ $link == *"mtu 2800 "* ]] || die "$DEV's MTU is not the network's 2800: $link"
mac=$(zt_in "$NS_A" a networks --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["mac"])')
[[ $link == *"link/ether $mac "* ]] || die "$DEV's MAC is not the network's $mac: $link"
grep -q "intercept library and SOCKS5 are not needed" "$T/a.log" || die "no word about intercept/SOCKS5 at start"

echo "== kernel ping between the ZeroTier addresses"
wait_for 30 "a pings b over IPv4" ip netns exec "$NS_A" ping -c1 -W1 "$B4"
ip netns exec "$NS_B" ping -c3 -i0.2 -W2 "$A4" >/dev/null || die "b cannot ping a over IPv4"
wait_for 20 "a pings b over IPv6" ip netns exec "$NS_A" ping -6 -c1 -W1 "$B6"
ip netns exec "$NS_A" ping -c3 -i0.2 -W2 "$B4" | tail -2

echo "== 64 MiB over kernel TCP, checked by SHA-256"
head -c $((64 * 1024 * 1024)) /dev/urandom >"$T/blob"
want=$(sha256sum "$T/blob" | cut -d' ' -f1)
ip netns exec "$NS_B" timeout 120 "$PYTHON" - "$B4" 5001 "$T/received" <<'PY' &
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
c, _ = s.accept()
h, n = hashlib.sha256(), 0
while True:
    d = c.recv(1 << 20)
    if not d:
        break
    h.update(d)
    n += len(d)
open(sys.argv[3], "w").write(f"{h.hexdigest()} {n}\n")
PY
receiver=$!
started=$EPOCHREALTIME
ip netns exec "$NS_A" timeout 120 "$PYTHON" - "$B4" 5001 "$T/blob" <<'PY' || die "sending failed"
import socket, sys, time
for _ in range(100):
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("cannot connect")
with open(sys.argv[3], "rb") as f:
    while chunk := f.read(1 << 20):
        s.sendall(chunk)
s.shutdown(socket.SHUT_WR)
s.recv(1)
PY
wait "$receiver" || die "the receiver failed"
elapsed=$("$PYTHON" -c "print(f'{$EPOCHREALTIME - $started:.2f}')")
read -r got bytes <"$T/received"
[[ $bytes == $((64 * 1024 * 1024)) && $got == "$want" ]] || die "received $bytes bytes, sha256 $got (want $want)"
echo "64 MiB intact in ${elapsed}s"

echo "== the kernel's multicast groups are the network's subscriptions"
groups_have() {
  zt_in "$NS_A" a networks --json | "$PYTHON" -c '
import json, sys
sys.exit(0 if any(g["mac"] == sys.argv[1] for g in json.load(sys.stdin)[0]["multicastSubscriptions"]) else 1)' "$1"
}
wait_for 10 "all-nodes (33:33:00:00:00:01) subscribed" groups_have 33:33:00:00:00:01

echo "== kill -9 leaves no device; a restart brings it back; leave removes it"
kill -9 "${PID[b]}"
wait "${PID[b]}" 2>/dev/null || true
unset 'PID[b]'
wait_for 5 "$DEV gone after kill -9" bash -c "! ip -n $NS_B link show $DEV"
start_in "$NS_B" b "$MEMBER_PORT" --stack tap
wait_for 30 "b's device back after restart" has_addr "$NS_B" "$DEV" "$B4"
wait_for 30 "a pings b after b's restart" ip netns exec "$NS_A" ping -c1 -W1 "$B4"
zt_in "$NS_B" b leave "$NWID" >/dev/null
wait_for 5 "$DEV gone after leave" bash -c "! ip -n $NS_B link show $DEV"
online_in "$NS_B" b || die "b's service stopped answering after leave"

echo "== a clean shutdown removes the device"
kill -TERM "${PID[a]}"
wait "${PID[a]}" || die "a did not exit cleanly"
unset 'PID[a]'
! has_device "$NS_A" "$DEV" || die "$DEV left behind after shutdown"

echo "== without CAP_NET_ADMIN: a port error that says so, and the service runs on"
ip netns exec "$NS_A" setpriv --inh-caps=-net_admin --bounding-set=-net_admin \
  "$ZTSDK" service --home "$T/a" --port "$MEMBER_PORT" --planet "$T/planet" --no-ipv6 --stack tap \
  >>"$T/a.log" 2>&1 &
PID[a]=$!
port_error() {
  zt_in "$NS_A" a networks --json | "$PYTHON" -c '
import json, sys
n = [n for n in json.load(sys.stdin) if n["id"] == sys.argv[1]]
sys.exit(0 if n and n[0]["portError"] != 0 and "CAP_NET_ADMIN" in n[0].get("portErrorMessage", "") else 1)' "$NWID"
}
wait_for 20 "a answers" online_in "$NS_A" a
zt_in "$NS_A" a join "$NWID" >/dev/null
wait_for 10 "a port error naming CAP_NET_ADMIN" port_error
zt_in "$NS_A" a networks | grep "port error" || true
! has_device "$NS_A" "$DEV" || die "a device appeared without CAP_NET_ADMIN"
online_in "$NS_A" a || die "the unprivileged service stopped"
echo "PASS"
