# Scenario: programs and the service dying under each other.
#   - A program holding 20 virtual TCP connections, a UDP socket and a
#     listener is killed -9 in the middle of a recv: the service frees all
#     of them (GET /ztsdk/intercept counts open sockets).
#   - The service is killed -9 under a running program: a blocked recv
#     returns end-of-file, sends fail with EPIPE, UDP with ECONNREFUSED,
#     accept with EINVAL, a new connect with ECONNREFUSED, each at once (no
#     hang); after the service restarts, the same program connects again.
# Usage: bash intercept_lifecycle.sh /path/to/ztsdk
# shellcheck source=intercept_common.bash
source "$(dirname "$0")/intercept_common.bash"
HERE=$(cd "$(dirname "$0")" && pwd)
PROBE="$(dirname "$ZTSDK")/tests/tools/ztconform"
[[ -x $PROBE ]] || die "no $PROBE (build the ztconform target)"
PORT=$(free_port)
background b "$PROBE" serve "$PORT"
wait_for 10 "the echo on B never answered" tcp_open_via_a "$B_IP" "$PORT"

open_sockets() {
  "$PYTHON" - "$A_PORT" "$(cat "$A_HOME/authtoken.secret")" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/ztsdk/intercept",
                             headers={"X-ZT1-Auth": sys.argv[2]})
print(json.load(urllib.request.urlopen(req, timeout=5))["openSockets"])
PY
}
sockets_are() { [[ $(open_sockets) == "$1" ]]; }
wait_for 10 "A still holds sockets before the test" sockets_are 0

# --- a program killed mid-call
(export LD_PRELOAD=$LIB ZTS_SERVICE=$A_HOME; exec "$PYTHON" "$HERE/intercept/hold_sockets.py" "$B_IP" "$PORT" 20) \
  >"$T/hold.log" 2>&1 &
HOLDER=$!
BACKGROUND+=("$HOLDER")
wait_for 20 "the program never opened its sockets" grep -q holding "$T/hold.log"
held=$(open_sockets)
((held >= 22)) || die "A counts $held open sockets, expected at least 22"
kill -9 "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
wait_for 5 "A did not free the sockets of a killed program ($(open_sockets) left)" sockets_are 0
echo "killed program: $held sockets freed"

# --- the service killed under a program
STEPS=$T/steps
mkdir "$STEPS"
(export LD_PRELOAD=$LIB ZTS_SERVICE=$A_HOME; exec "$PYTHON" "$HERE/intercept/lifecycle_program.py" "$STEPS" "$B_IP" "$PORT") \
  >"$T/lifecycle.log" 2>&1 &
PROGRAM=$!
BACKGROUND+=("$PROGRAM")
wait_for 20 "the program never got ready" test -e "$STEPS/ready"
kill -9 "${PID[a]}"
wait "${PID[a]}" 2>/dev/null || true
wait_for 30 "the program did not finish its checks with the service down" test -e "$STEPS/down-checked"
start_service a "$A_PORT" --socks-port 0
wait_for 20 "A did not come back" "$ZTSDK" status --home "$A_HOME"
wait_for 15 "A never got its network back" network_ok a
touch "$STEPS/restarted"
if ! wait "$PROGRAM"; then
  cat "$T/lifecycle.log"
  die "the program did not get clean errors and a working restart"
fi
cat "$T/lifecycle.log"
echo "PASS"
