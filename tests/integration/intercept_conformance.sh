# Scenario: the intercept against the kernel, call for call. ztconform runs
# the same sequences (connect refused, in progress, EALREADY, EISCONN,
# ENOTCONN, EAGAIN, EPIPE, SO_ERROR read once, a listener with epoll and
# accept4 flags, epoll level- and edge-triggered, UDP with EDESTADDRREQ,
# EMSGSIZE, FIONREAD and MSG_TRUNC, threads connecting at once, dup, fork,
# exec with an inherited socket and close-on-exec) once on the kernel's loopback, in a network
# namespace of its own whose 10.250.0.0/24 goes nowhere, and once through
# the intercept between two members; the two transcripts must be equal.
# Usage: bash intercept_conformance.sh /path/to/ztsdk
# shellcheck source=intercept_common.bash
source "$(dirname "$0")/intercept_common.bash"
PROBE="$(dirname "$ZTSDK")/tests/tools/ztconform"
[[ -x $PROBE ]] || die "no $PROBE (build the ztconform target)"
unshare -n true 2>/dev/null || { echo "SKIP: the kernel baseline needs a network namespace (root)"; exit 77; }

PORT=$(free_port)
CLOSED=$(free_port)
timeout 60 unshare -n sh -c "
  ip link set lo up && ip route add 10.250.0.0/24 dev lo || exit 1
  '$PROBE' serve $PORT >/dev/null & server=\$!
  sleep 0.3
  '$PROBE' run 127.0.0.1 $PORT $CLOSED 10.250.0.2 127.0.0.1
  status=\$?
  kill \$server
  exit \$status" >"$T/kernel.txt" 2>&1 || { cat "$T/kernel.txt"; die "the kernel baseline failed"; }

background b "$PROBE" serve "$PORT"
wait_for 10 "the probe's server on B never answered" tcp_open_via_a "$B_IP" "$PORT"
on_a timeout 60 "$PROBE" run "$B_IP" "$PORT" "$CLOSED" 10.77.0.99 "$A_IP" >"$T/intercept.txt" 2>&1 ||
  { cat "$T/intercept.txt"; die "the run through the intercept failed"; }

if ! diff -u "$T/kernel.txt" "$T/intercept.txt"; then
  die "the intercept differs from the kernel (above: - kernel, + intercept)"
fi
echo "$(wc -l <"$T/kernel.txt") calls and outcomes identical to the kernel's"
echo "PASS"
