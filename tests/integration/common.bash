# Shared by the integration scenarios: each sources this with the ztsdk
# binary as $1. Services run in $T/<name> with their log in $T/<name>.log;
# everything started is stopped and $T removed on exit, pass or fail.
# shellcheck shell=bash
set -euo pipefail

ZTSDK=$(realpath "${1:?usage: $0 /path/to/ztsdk}")
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
T=$(mktemp -d)
declare -A PID=()
# A build with ASan/UBSan (ZTSDK_SANITIZE): the scenarios then look for leaks
# and memory errors (reports go where ASAN_OPTIONS' log_path says, see the
# Makefile's test-asan), not at memory sizes, which ASan's quarantine and
# shadow memory inflate.
SANITIZED=0
if [[ $(ldd "$ZTSDK" 2>/dev/null) == *libasan* ]]; then SANITIZED=1; fi

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
  local log name
  for log in "$T"/*.log; do
    [[ -e $log ]] || continue
    name=$(basename "$log" .log)
    echo "---- $name: log" >&2
    tail -n 50 "$log" >&2 || true
    if [[ -n "${PID[$name]:-}" && -d "$T/$name" ]]; then
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

# start_service NAME PORT [extra service options...]
start_service() {
  local name=$1 port=$2
  shift 2
  "$ZTSDK" service --home "$T/$name" --port "$port" --planet "$T/planet" --no-ipv6 "$@" \
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

# A private planet in $T/planet whose one root (identity in $T/root) is at
# 127.0.0.1/$1. Sets ROOT to the root's address.
make_planet() {
  mkdir -p "$T/root"
  "$ZTSDK" id generate "$T/root/identity.secret" >/dev/null
  "$ZTSDK" id public "$T/root/identity.secret" >"$T/root.public"
  "$ZTSDK" world init "$T/root.public" >"$T/world.json"
  "$PYTHON" - "$T/world.json" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["worldType"] = "planet"
c["roots"][0]["stableEndpoints"] = ["127.0.0.1/" + sys.argv[2]]
json.dump(c, open(sys.argv[1], "w"))
PY
  "$ZTSDK" world make "$T/world.json" -o "$T/planet" >/dev/null
  ROOT=$(cut -c1-10 "$T/root.public")
}

# status_field NAME FIELD: one top-level field of NAME's /status.
status_field() {
  "$ZTSDK" status --home "$T/$1" --json | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
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

is_online() { [[ $(status_field "$1" online) == True ]]; }

counter() {
  "$ZTSDK" status --home "$T/$1" --json | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$2"
}

# within_memory_bound GROWTH_KB LIMIT_KB: true if within it, or if sizes are
# not measured (sanitized build).
within_memory_bound() {
  ((SANITIZED == 1 || $1 < $2))
}

# zts_network NAME SUBNET MEMBER...: a root that is also the controller
# (a service without a stack), a private network NAME with IPv4 addresses
# from SUBNET.10-250 (e.g. 10.66.0) and RFC4193, and a home $T/<MEMBER> for
# each member with its own identity and the planet, pre-authorized. Sets NW.
zts_network() {
  local name=$1 subnet=$2 member
  shift 2
  local port
  port=$(free_port)
  make_planet "$port"
  start_service root "$port" --stack none
  wait_for 20 "the root never answered" "$ZTSDK" status --home "$T/root"
  NW=$("$ZTSDK" controller network create --home "$T/root" --name "$name" \
    --pool "$subnet.10-$subnet.250" --route "$subnet.0/24" --v6 rfc4193 |
    sed -n 's/^created network \([0-9a-f]\{16\}\)$/\1/p')
  [[ -n $NW ]] || die "the controller did not create the network"
  for member in "$@"; do
    mkdir -p "$T/$member"
    "$ZTSDK" id generate "$T/$member/identity.secret" >/dev/null
    cp "$T/planet" "$T/$member/planet"
    "$ZTSDK" controller member authorize --home "$T/root" "$NW" \
      "$(cut -c1-10 "$T/$member/identity.secret")" >/dev/null
  done
}
