# Every kind of bad input fails with one clear line and a non-zero exit.
source "$(dirname "$0")/common.bash" "$@"
cd "$T"

root=$(vec vl1 world_planet.root_identity_public_string)
tampered=$(vec vl1 identities.3.public_string)

# Identities
expect_fail "missing identity file" "$ZTSDK" id validate no-such-file
: >empty.id
expect_fail "empty identity file" "$ZTSDK" id validate empty.id
head -c 100000 /dev/urandom >big.bin
expect_fail "huge identity file" "$ZTSDK" id validate big.bin
mkdir adir
expect_fail "directory as identity" "$ZTSDK" id public adir
expect_fail "malformed literal" "$ZTSDK" id validate "0123456789:0:nothex-nothex-nothex-nothex"
expect_fail "wrong identity type" "$ZTSDK" id validate "${root/:0:/:1:}"
expect_fail "short public key" "$ZTSDK" id public "${root:0:139}"
expect_fail "odd private key" "$ZTSDK" id public "${root}:abc"
expect_fail "too many fields" "$ZTSDK" id public "${root}:${root:13}:00"
printf '%s' "$root" >root.public
expect_fail "sign without a private key" "$ZTSDK" id sign root.public root.public
sec=$(vec vl1 identities.0.secret_string)
expect_fail "sign a missing file" "$ZTSDK" id sign "$sec" no-such-file
expect_fail "verify a missing file" "$ZTSDK" id verify root.public no-such-file "$(printf '0%.0s' {1..192})"
expect_fail "verify an empty signature" "$ZTSDK" id verify root.public root.public ""
expect_fail "generate into a missing directory" "$ZTSDK" id generate no/such/dir/id.secret
expect_usage_error "id without a subcommand" "$ZTSDK" id
expect_usage_error "validate without an argument" "$ZTSDK" id validate
expect_usage_error "verify with too few arguments" "$ZTSDK" id verify root.public
expect_usage_error "unknown subcommand" "$ZTSDK" frobnicate
expect_usage_error "extra argument" "$ZTSDK" id public root.public extra

# world init / make
expect_fail "init with a bad identity" "$ZTSDK" world init no-such-file
python3 - "$PROTOCOL/vectors/vl1.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["world_planet"]
json.dump({"id": "499602d2", "objtype": "world",
           "roots": [{"identity": p["root_identity_public_string"], "stableEndpoints": ["127.0.0.1/9993"]}],
           "signingKey": p["signing_key_public_64_hex"],
           "signingKey_SECRET": p["signing_key_private_64_hex"],
           "updatesMustBeSignedBy": p["signing_key_public_64_hex"],
           "worldType": "planet"}, open("base.json", "w"))
PY
"$ZTSDK" world make base.json --timestamp 1 -o base.planet >/dev/null || die "the base config must work"

# variant NAME 'python statements on c'  -> NAME.json
variant() {
  python3 - base.json "$1.json" "$2" "$tampered" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
tampered = sys.argv[4]
exec(sys.argv[3])
json.dump(c, open(sys.argv[2], "w"))
PY
}
cases=(
  "id_number:c['id'] = 1234567890"
  "id_zero:c['id'] = '0'"
  "id_not_hex:c['id'] = 'xyz'"
  "id_too_long:c['id'] = '1' * 17"
  "id_missing:del c['id']"
  "type_sun:c['worldType'] = 'sun'"
  "type_missing:del c['worldType']"
  "type_null:c['worldType'] = None"
  "key_short:c['signingKey'] = c['signingKey'][:126]"
  "key_not_hex:c['signingKey_SECRET'] = 'g' * 128"
  "key_mismatch:c['signingKey'] = c['signingKey'][:-1] + ('0' if c['signingKey'][-1] != '0' else '1')"
  "updates_missing:del c['updatesMustBeSignedBy']"
  "roots_missing:del c['roots']"
  "roots_object:c['roots'] = {}"
  "roots_empty:c['roots'] = []"
  "roots_five:c['roots'] = c['roots'] * 5"
  "root_string:c['roots'] = ['x']"
  "root_no_identity:del c['roots'][0]['identity']"
  "root_identity_number:c['roots'][0]['identity'] = 7"
  "root_identity_tampered:c['roots'][0]['identity'] = tampered"
  "endpoints_string:c['roots'][0]['stableEndpoints'] = '127.0.0.1/9993'"
  "endpoint_number:c['roots'][0]['stableEndpoints'] = [9993]"
  "endpoint_no_port:c['roots'][0]['stableEndpoints'] = ['127.0.0.1']"
  "endpoint_port_zero:c['roots'][0]['stableEndpoints'] = ['127.0.0.1/0']"
  "endpoint_big_port:c['roots'][0]['stableEndpoints'] = ['127.0.0.1/99999']"
  "endpoint_host:c['roots'][0]['stableEndpoints'] = ['example.com/9993']"
  "endpoints_33:c['roots'][0]['stableEndpoints'] = ['10.0.0.%d/9993' % i for i in range(33)]"
  "top_array:c = [c]"
)
for entry in "${cases[@]}"; do
  name=${entry%%:*}
  variant "$name" "${entry#*:}"
  expect_fail "world make $name" "$ZTSDK" world make "$name.json" --timestamp 1
  [[ ! -e 00000000499602d2.moon ]] || die "world make $name wrote a file"
done
printf '{"id": "499602d2", ' >truncated.json
expect_fail "truncated JSON" "$ZTSDK" world make truncated.json
printf 'not json' >garbage.json
expect_fail "not JSON" "$ZTSDK" world make garbage.json
printf '\xff\xfe{}' >binary.json
expect_fail "binary JSON" "$ZTSDK" world make binary.json
expect_fail "missing config" "$ZTSDK" world make no-such.json
expect_fail "negative timestamp" "$ZTSDK" world make base.json --timestamp -5
expect_fail "non-numeric timestamp" "$ZTSDK" world make base.json --timestamp 12ab
expect_fail "output into a missing directory" "$ZTSDK" world make base.json -o no/such/x.moon

# world show
expect_fail "show a missing file" "$ZTSDK" world show no-such.moon
: >empty.moon
expect_fail "show an empty file" "$ZTSDK" world show empty.moon
size=$(stat -c %s base.planet)
for cut in 1 100 $((size / 2)) $((size - 1)); do
  head -c "$cut" base.planet >cut.moon
  expect_fail "show a world cut to $cut bytes" "$ZTSDK" world show cut.moon
done
{ cat base.planet; printf 'x'; } >trailing.moon
expect_fail "show a world with a trailing byte" "$ZTSDK" world show trailing.moon
{ printf '\x02'; tail -c +2 base.planet; } >badtype.moon
expect_fail "show a world of unknown type" "$ZTSDK" world show badtype.moon
expect_fail "show a huge file" "$ZTSDK" world show big.bin
echo "bad input: ok"
