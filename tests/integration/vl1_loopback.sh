# Scenario: a private planet whose one root runs on 127.0.0.1, and two nodes
# A and B, each a separate `ztsdk service` process with its own home and port.
# A pings B: the first echo goes through the root, which introduces them; both
# then list each other with an active direct path. The pings keep working
# over that path after the root is killed.
# Usage: bash vl1_loopback.sh /path/to/ztsdk
set -euo pipefail

ZTSDK=$(realpath "${1:?usage: $0 /path/to/ztsdk}")
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
T=$(mktemp -d)
declare -A PID=()

stop_all() {
  local name
  for name in "${!PID[@]}"; do kill "${PID[$name]}" 2>/dev/null || true; done
  for name in "${!PID[@]}"; do wait "${PID[$name]}" 2>/dev/null || true; done
  PID=()
}
trap 'stop_all; rm -rf "$T"' EXIT

# On failure: what each service logged and what its API says now.
die() {
  echo "FAIL: $*" >&2
  local name
  for name in root a b; do
    [[ -d "$T/$name" ]] || continue
    echo "---- $name: log" >&2
    cat "$T/$name.log" >&2 || true
    if [[ -n "${PID[$name]:-}" ]]; then
      echo "---- $name: status and peers" >&2
      "$ZTSDK" status --home "$T/$name" --json >&2 || true
      "$ZTSDK" peers --home "$T/$name" --json >&2 || true
    fi
  done
  exit 1
}

# A port free for both UDP and TCP (the API shares the number), high and random.
taken_ports=" "
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 40000))
    [[ $taken_ports == *" $port "* ]] && continue
    if "$PYTHON" - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind(("0.0.0.0", port))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
PY
    then
      taken_ports+="$port "
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

start_service() {
  local name=$1 port=$2
  "$ZTSDK" service --home "$T/$name" --port "$port" --planet "$T/planet" --no-ipv6 \
    >"$T/$name.log" 2>&1 &
  PID[$name]=$!
}

# Polls every 100 ms until `$@` succeeds, for at most $1 seconds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what (waited ${seconds}s)"
    sleep 0.1
  done
}

# True if the service in home $1 lists peer $2 with an active path to 127.0.0.1/$3.
has_direct_path() {
  "$ZTSDK" peers --home "$T/$1" --json | "$PYTHON" -c '
import json, sys
peer, endpoint = sys.argv[1], sys.argv[2]
for p in json.load(sys.stdin):
    if p["address"] == peer:
        sys.exit(0 if any(x["active"] and x["address"] == endpoint for x in p["paths"]) else 1)
sys.exit(1)' "$2" "127.0.0.1/$3"
}

is_online() {
  "$ZTSDK" status --home "$T/$1" --json | "$PYTHON" -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["online"] else 1)'
}

counter() {
  "$ZTSDK" status --home "$T/$1" --json | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$2"
}

# --- a private world: one root at 127.0.0.1/ROOT_PORT
ROOT_PORT=$(free_port)
A_PORT=$(free_port)
B_PORT=$(free_port)
mkdir -p "$T/root"
"$ZTSDK" id generate "$T/root/identity.secret" >/dev/null
"$ZTSDK" id public "$T/root/identity.secret" >"$T/root.public"
"$ZTSDK" world init "$T/root.public" >"$T/world.json"
"$PYTHON" - "$T/world.json" "$ROOT_PORT" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["worldType"] = "planet"
c["roots"][0]["stableEndpoints"] = ["127.0.0.1/" + sys.argv[2]]
json.dump(c, open(sys.argv[1], "w"))
PY
"$ZTSDK" world make "$T/world.json" -o "$T/planet" >/dev/null
ROOT=$(cut -c1-10 "$T/root.public")

# --- three services
start_service root "$ROOT_PORT"
start_service a "$A_PORT"
start_service b "$B_PORT"
for name in root a b; do
  wait_for 20 "the $name service never answered on its API" "$ZTSDK" status --home "$T/$name"
done
grep -q "acting as root" "$T/root.log" || die "the root did not say it is acting as root"
A=$("$ZTSDK" status --home "$T/a" --json | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["address"])')
B=$("$ZTSDK" status --home "$T/b" --json | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["address"])')
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
