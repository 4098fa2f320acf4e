# Scenario: a private planet whose one root runs on 127.0.0.1, and two nodes
# A and B, each a separate `ztsdk service` process with its own home and port.
# A pings B: the first echo goes through the root, which introduces them; both
# then list each other with an active direct path. The pings keep working
# over that path after the root is killed.
# Usage: bash vl1_loopback.sh /path/to/ztsdk
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"

# --- a private world: one root at 127.0.0.1/ROOT_PORT
ROOT_PORT=$(free_port)
A_PORT=$(free_port)
B_PORT=$(free_port)
make_planet "$ROOT_PORT"

# --- three services
start_service root "$ROOT_PORT"
start_service a "$A_PORT"
start_service b "$B_PORT"
for name in root a b; do
  wait_for 20 "the $name service never answered on its API" "$ZTSDK" status --home "$T/$name"
done
grep -q "acting as root" "$T/root.log" || die "the root did not say it is acting as root"
A=$(status_field a address)
B=$(status_field b address)
echo "root $ROOT on $ROOT_PORT, A $A on $A_PORT, B $B on $B_PORT"
wait_for 20 "A never came online" is_online a
wait_for 20 "B never came online" is_online b

# --- the first traffic between A and B, then a direct path both ways
"$ZTSDK" ping --home "$T/a" "$B" --timeout 5000 >"$T/ping1" || die "A's first ping to B got no reply"
cat "$T/ping1"
wait_for 20 "A never listed B with an active direct path" has_direct_path a "$B" "$B_PORT"
wait_for 20 "B never listed A with an active direct path" has_direct_path b "$A" "$A_PORT"
"$ZTSDK" peers --home "$T/a"

"$ZTSDK" ping --home "$T/a" "$B" -c 3 -i 300 --timeout 3000 >"$T/ping2" || die "A cannot ping B"
cat "$T/ping2"
grep -q "^reply from $B: rtt=.* via direct 127.0.0.1/$B_PORT\$" "$T/ping2" ||
  die "no reply from B came over the direct path: $(cat "$T/ping2")"

# --- without the root, the direct path carries on. (Peers answer at most
# about six echoes a second, so the pings here are spaced.)
sleep 0.3
kill "${PID[root]}"
wait "${PID[root]}" || die "the root did not exit cleanly on SIGTERM"
unset 'PID[root]'
"$ZTSDK" ping --home "$T/a" "$B" -c 2 -i 300 --timeout 3000 >"$T/ping3" ||
  die "A cannot ping B once the root is gone"
cat "$T/ping3"
grep -q "^reply from $B: rtt=.* via direct 127.0.0.1/$B_PORT\$" "$T/ping3" ||
  die "after the root left, replies did not come over the direct path: $(cat "$T/ping3")"
"$ZTSDK" ping --home "$T/b" "$A" --timeout 3000 >/dev/null || die "B cannot ping A once the root is gone"

for name in a b; do
  # (drop_malformed is not here: RENDEZVOUS makes each side send a few junk
  # bytes with a short TTL to open NATs, which loopback delivers.)
  for c in drop_bad_mac drop_replayed drop_invalid_identity; do
    [[ $(counter "$name" "$c") == 0 ]] || die "$name counted $c on a clean loopback network"
  done
done

# --- a clean stop removes the port file
for name in a b; do
  kill "${PID[$name]}"
  wait "${PID[$name]}" || die "$name did not exit cleanly on SIGTERM"
  unset "PID[$name]"
  [[ ! -e "$T/$name/zerotier-one.port" ]] || die "$name left its port file behind"
done
echo "PASS"
