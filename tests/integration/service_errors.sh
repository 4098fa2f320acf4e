# Scenario: the mistakes a user makes with `ztsdk service` and its clients
# each end in one clear "ztsdk: ..." line and a non-zero exit, and Ctrl-C
# (SIGINT) stops a service cleanly.
# Usage: bash service_errors.sh /path/to/ztsdk
set -euo pipefail

ZTSDK=$(realpath "${1:?usage: $0 /path/to/ztsdk}")
T=$(mktemp -d)
SERVICE_PID=
trap '[[ -n $SERVICE_PID ]] && { kill "$SERVICE_PID" 2>/dev/null; wait "$SERVICE_PID" 2>/dev/null; }; rm -rf "$T"' EXIT

die() {
  echo "FAIL: $*" >&2
  [[ -f "$T/service.log" ]] && cat "$T/service.log" >&2
  exit 1
}

# expect_fail WHAT PATTERN COMMAND...: fails with exactly one stderr line, matching PATTERN.
expect_fail() {
  local what=$1 pattern=$2 rc=0
  shift 2
  "$@" >"$T/out" 2>"$T/err" || rc=$?
  [[ $rc -ne 0 ]] || die "$what: expected failure, got exit 0"
  [[ $rc -lt 128 ]] || die "$what: killed by a signal (exit $rc)"
  [[ $(wc -l <"$T/err") -eq 1 ]] || die "$what: expected one line on stderr, got: $(cat "$T/err")"
  grep -q "^ztsdk: .*$pattern" "$T/err" || die "$what: unexpected message: $(cat "$T/err")"
}

# No service yet.
expect_fail "status without a home" "has .ztsdk service --home" "$ZTSDK" status --home "$T/none"
mkdir "$T/idle"
printf 'sometoken\n' >"$T/idle/authtoken.secret"
printf '1\n' >"$T/idle/zerotier-one.port"
expect_fail "status with nothing running" "no ztsdk service answering on 127.0.0.1:1 .* is it running" \
  "$ZTSDK" status --home "$T/idle"
printf 'port\n' >"$T/idle/zerotier-one.port"
expect_fail "a garbled port file" "does not hold a port number" "$ZTSDK" peers --home "$T/idle"
expect_fail "a missing planet" "no planet file" \
  "$ZTSDK" service --home "$T/a" --port 0 --planet "$T/no-such-planet"
head -c 300 /dev/urandom >"$T/junk"
expect_fail "a junk planet" "not a valid planet" "$ZTSDK" service --home "$T/a" --port 0 --planet "$T/junk"
expect_fail "a junk moon" "not a valid moon" "$ZTSDK" service --home "$T/a" --port 0 --moon "$T/junk"
: >"$T/file"
expect_fail "a home that is a file" "home directory" "$ZTSDK" service --home "$T/file" --port 0

# One service on a random port; the CLI finds it through the port file.
"$ZTSDK" service --home "$T/a" --port 0 --no-ipv6 >"$T/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 200); do
  [[ -s "$T/a/zerotier-one.port" ]] && "$ZTSDK" status --home "$T/a" >/dev/null 2>&1 && break
  sleep 0.1
done
"$ZTSDK" status --home "$T/a" >"$T/status" || die "status of a running service failed"
grep -q "^online *no" "$T/status" || die "a node without a planet cannot be online: $(cat "$T/status")"
grep -q "no planet" "$T/service.log" || die "the service did not say it has no planet"
PORT=$(cat "$T/a/zerotier-one.port")
SELF=$(cut -c1-10 "$T/a/identity.public")

# b reuses a's identity, so its start logs nothing before the error.
mkdir -m 700 "$T/b"
cp -p "$T/a/identity.secret" "$T/a/identity.public" "$T/a/authtoken.secret" "$T/b/"
expect_fail "the same UDP port twice" "UDP port $PORT is already in use" \
  "$ZTSDK" service --home "$T/b" --port "$PORT" --no-ipv6
expect_fail "the same API port twice" "127.0.0.1:$PORT .*already in use" \
  "$ZTSDK" service --home "$T/b" --port 0 --api-port "$PORT" --no-ipv6
cp -r "$T/a" "$T/wrong-token"
printf 'not-the-token\n' >"$T/wrong-token/authtoken.secret"
expect_fail "a wrong token" "refused the token" "$ZTSDK" status --home "$T/wrong-token"
expect_fail "ping a bad address" "not a ZeroTier address" "$ZTSDK" ping --home "$T/a" 12345
expect_fail "ping a reserved address" "not a ZeroTier address" "$ZTSDK" ping --home "$T/a" ff00000000
expect_fail "ping ourselves" "own address" "$ZTSDK" ping --home "$T/a" "$SELF"
expect_fail "ping nobody" "no reply from 0123456789 within 300 ms" \
  "$ZTSDK" ping --home "$T/a" 0123456789 --timeout 300
"$ZTSDK" peers --home "$T/a" | grep -q "^no peers$" || die "a lone node should have no peers"

# Ctrl-C: a clean exit that removes the port file.
kill -INT "$SERVICE_PID"
rc=0
wait "$SERVICE_PID" || rc=$?
SERVICE_PID=
[[ $rc -eq 0 ]] || die "SIGINT: exit $rc"
grep -q "received SIGINT, stopping" "$T/service.log" || die "SIGINT was not logged"
[[ ! -e "$T/a/zerotier-one.port" ]] || die "the port file was left behind"
expect_fail "status after the stop" "is it running" "$ZTSDK" status --home "$T/a" --port "$PORT"
echo "PASS"
