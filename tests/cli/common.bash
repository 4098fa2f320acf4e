# Sourced by the tests/cli/*.sh scenarios (not a test itself: CMake globs *.sh).
# Usage: bash scenario.sh /path/to/ztsdk /path/to/shared/protocol
set -euo pipefail

ZTSDK=${1:?usage: $0 /path/to/ztsdk /path/to/protocol}
PROTOCOL=${2:?usage: $0 /path/to/ztsdk /path/to/protocol}
ZTSDK=$(realpath "$ZTSDK")
PROTOCOL=$(realpath "$PROTOCOL")
# The system interpreter when there is one: version-manager shims cost ~0.5 s a call.
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
python3() { "$PYTHON" "$@"; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

die() {
  echo "FAIL: $*" >&2
  exit 1
}

# A field of vl1.json / vl2.json by dotted path, e.g. vec vl1 world_planet.id
vec() {
  python3 - "$PROTOCOL/vectors/$1.json" "$2" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for part in sys.argv[2].split('.'):
    v = v[int(part)] if isinstance(v, list) else v[part]
print(json.dumps(v) if isinstance(v, (bool, dict, list)) else v)
PY
}

hex_to_file() { python3 -c 'import sys; open(sys.argv[2], "wb").write(bytes.fromhex(sys.argv[1]))' "$1" "$2"; }
file_to_hex() { python3 -c 'import sys; print(open(sys.argv[1], "rb").read().hex())' "$1"; }
file_mode() { stat -c %a "$1"; }

# Runs a command that must fail cleanly: non-zero exit, no crash, and exactly
# one "ztsdk: ..." line on stderr.
expect_fail() {
  local what=$1 rc=0
  shift
  "$@" >"$T/out" 2>"$T/err" || rc=$?
  [[ $rc -ne 0 ]] || die "$what: expected failure, got exit 0 (stdout: $(cat "$T/out"))"
  [[ $rc -lt 128 ]] || die "$what: killed by a signal (exit $rc)"
  [[ $(wc -l <"$T/err") -eq 1 ]] || die "$what: expected one line on stderr, got: $(cat "$T/err")"
  grep -q '^ztsdk: .' "$T/err" || die "$what: stderr is not a ztsdk message: $(cat "$T/err")"
}

# A command-line usage mistake, reported by the argument parser.
expect_usage_error() {
  local what=$1 rc=0
  shift
  "$@" >"$T/out" 2>"$T/err" || rc=$?
  [[ $rc -ne 0 && $rc -lt 128 ]] || die "$what: expected a usage error, got exit $rc"
  [[ -s "$T/err" ]] || die "$what: no message on stderr"
}
