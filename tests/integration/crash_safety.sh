# Scenario: kill -9 a controller service at random moments while it writes.
# Each round sends a burst of controller changes (new members, renames,
# authorizations) and kills the process while they are in flight; the
# service must always start again with the same identity, and every change
# it acknowledged (HTTP 200) before dying must still be there.
# Usage: bash crash_safety.sh /path/to/ztsdk [ztflood] [rounds]   (default 20)
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"
ROUNDS=${3:-20}

PORT=$(free_port)
make_planet "$PORT"  # the controller is the planet's root: it needs nobody
start_service root "$PORT" --stack none
wait_for 20 "the service never answered" "$ZTSDK" status --home "$T/root"
ADDRESS=$(status_field root address)
NWID=$("$ZTSDK" controller network create --home "$T/root" --name crash |
  sed -n 's/^created network \([0-9a-f]\{16\}\)$/\1/p')
[[ -n $NWID ]] || die "cannot create a network"

# One round: fire changes at the API in the background, each logged to
# $T/acked once its 200 arrives, and kill -9 the service after a random
# delay. Then restart and check.
"$PYTHON" - "$T/acked" <<'PY'
import sys
open(sys.argv[1], "w").close()
PY
for round in $(seq 1 "$ROUNDS"); do
  "$PYTHON" - "$PORT" "$(cat "$T/root/authtoken.secret")" "$NWID" "$round" "$T/acked" <<'PY' &
import json, sys, urllib.request
port, token, nwid, rnd, acked = sys.argv[1:6]
for i in range(200):
    member = "%02x%08x" % (int(rnd) % 256, i)
    body = {"authorized": i % 2 == 0, "name": f"r{rnd}-{i}"}
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/controller/network/{nwid}/member/{member}",
        data=json.dumps(body).encode(), method="POST", headers={"X-ZT1-Auth": token})
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            if r.status != 200:
                continue
    except Exception:
        break  # the service died under us
    with open(acked, "a") as f:
        f.write(json.dumps({"member": member, **body}) + "\n")
PY
  writer=$!
  sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
  kill -9 "${PID[root]}"
  wait "${PID[root]}" 2>/dev/null || true
  wait "$writer" || true
  unset 'PID[root]'
  start_service root "$PORT" --stack none
  wait_for 20 "round $round: the service did not start again after kill -9" \
    "$ZTSDK" status --home "$T/root"
  [[ $(status_field root address) == "$ADDRESS" ]] || die "round $round: the identity changed"
done

# Every acknowledged change is there (the last write of each member wins).
"$PYTHON" - "$PORT" "$(cat "$T/root/authtoken.secret")" "$NWID" "$T/acked" <<'PY' ||
import json, sys, urllib.request
port, token, nwid, acked = sys.argv[1:5]
want = {}
for line in open(acked):
    c = json.loads(line)
    want[c["member"]] = c
req = urllib.request.Request(f"http://127.0.0.1:{port}/unstable/controller/network/{nwid}/member",
                             headers={"X-ZT1-Auth": token})
have = {m["id"]: m for m in json.load(urllib.request.urlopen(req, timeout=5))["data"]}
lost = [m for m, c in want.items()
        if m not in have or have[m]["name"] != c["name"] or have[m]["authorized"] != c["authorized"]]
print(f"{len(want)} acknowledged member changes, {len(lost)} lost")
sys.exit(1 if lost else 0)
PY
  die "acknowledged controller changes were lost"
echo "$ROUNDS kill -9 rounds survived"
echo "PASS"
