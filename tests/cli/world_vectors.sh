# `world make` reproduces upstream's planet and moon bytes from a JSON config;
# `world init` and `world show` agree with it.
source "$(dirname "$0")/common.bash" "$@"
cd "$T"

# An initmoon-style config from the world_planet vector: make_config TYPE ID_HEX FILE
make_config() {
  python3 - "$PROTOCOL/vectors/vl1.json" "$1" "$2" "$3" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["world_planet"]
json.dump({
    "id": sys.argv[3],
    "objtype": "world",
    "roots": [{"identity": p["root_identity_public_string"],
               "stableEndpoints": [p["root_stable_endpoint"]]}],
    "signingKey": p["signing_key_public_64_hex"],
    "signingKey_SECRET": p["signing_key_private_64_hex"],
    "updatesMustBeSignedBy": p["signing_key_public_64_hex"],
    "worldType": sys.argv[2],
}, open(sys.argv[4], "w"), indent=2)
PY
}

[[ $(vec vl1 world_planet.root_stable_endpoint) == 127.0.0.1/9993 ]] || die "unexpected planet vector"
planet_id=$(printf '%x' "$(vec vl1 world_planet.id)")
make_config planet "$planet_id" planet.json
[[ $("$ZTSDK" world make planet.json --timestamp 1700000000000) == 00000000499602d2.moon ]] ||
  die "planet: unexpected output name"
[[ $(file_to_hex 00000000499602d2.moon) == "$(vec vl1 world_planet.serialized_hex)" ]] ||
  die "planet bytes differ from upstream"
"$ZTSDK" world make planet.json --timestamp 1700000000000 --output again.planet >/dev/null
cmp -s 00000000499602d2.moon again.planet || die "same JSON and timestamp gave different bytes"

root_address=$(vec vl1 world_planet.root_identity_public_string | cut -d: -f1)
[[ $((16#$root_address)) == "$(vec vl1 world_moon.id)" ]] || die "moon vector id is not the root address"
make_config moon "$root_address" moon.json
[[ $("$ZTSDK" world make moon.json --timestamp 1700000000000) == "000000${root_address}.moon" ]] ||
  die "moon: unexpected output name"
[[ $(file_to_hex "000000${root_address}.moon") == "$(vec vl1 world_moon.serialized_hex)" ]] ||
  die "moon bytes differ from upstream"

# The next revision, as upstream made it.
"$ZTSDK" world make planet.json --timestamp 1700000000001 -o next.planet >/dev/null
[[ $(file_to_hex next.planet) == "$(vec vl1 world_planet.update_ts_plus_1_serialized_hex)" ]] ||
  die "ts+1 planet bytes differ from upstream"

"$ZTSDK" world show 00000000499602d2.moon >show.out
for line in "type: planet" "id: 00000000499602d2 (1234567890)" "timestamp: 1700000000000" \
    "  root $root_address" "    stable endpoint: 127.0.0.1/9993" \
    "updatesMustBeSignedBy: $(vec vl1 world_planet.signing_key_public_64_hex)" \
    "signature: valid under its own updatesMustBeSignedBy key"; do
  grep -qxF "$line" show.out || die "world show lacks '$line': $(cat show.out)"
done

hex_to_file "$(vec vl1 world_earth_default.serialized_hex)" earth.planet
"$ZTSDK" world show earth.planet >earth.out
[[ $(grep -c '^  root ' earth.out) == 4 ]] || die "earth: expected 4 roots"
grep -qxF "    stable endpoint: 2a02:6ea0:d405::9993/9993" earth.out || die "earth: endpoint missing"
grep -qxF "signature: valid under its own updatesMustBeSignedBy key" earth.out ||
  die "earth: self-signature should verify"

# init -> edit -> make (default timestamp) -> show
root_public=$(vec vl1 world_planet.root_identity_public_string)
printf '%s\n' "$root_public" >root.public
"$ZTSDK" world init root.public >init.json
python3 - init.json "$root_public" <<'PY'
import json, re, sys
c = json.load(open(sys.argv[1]))
pub = sys.argv[2]
assert c["id"] == pub.split(":")[0], c["id"]
assert c["objtype"] == "world" and c["worldType"] == "moon", c
assert c["roots"] == [{"identity": pub, "stableEndpoints": []}], c["roots"]
assert re.fullmatch("[0-9a-f]{128}", c["signingKey"]), c["signingKey"]
assert re.fullmatch("[0-9a-f]{128}", c["signingKey_SECRET"]), c["signingKey_SECRET"]
assert c["updatesMustBeSignedBy"] == c["signingKey"]
assert c["signingKey"] != c["signingKey_SECRET"]
c["roots"][0]["stableEndpoints"] = ["::1/9993", "127.0.0.2/9993", "10.0.0.1/256", "127.0.0.1/9993"]
json.dump(c, open("edited.json", "w"))
PY
# A revision handing over to a new key is signed by the old one, so it does
# not verify under its own (new) key.
python3 - planet.json init.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["updatesMustBeSignedBy"] = json.load(open(sys.argv[2]))["signingKey"]
json.dump(c, open("rotate.json", "w"))
PY
"$ZTSDK" world make rotate.json --timestamp 1700000000002 -o rotate.planet >/dev/null
grep -qxF "signature: not valid under its own updatesMustBeSignedBy key" \
  <("$ZTSDK" world show rotate.planet) || die "a key hand-over should not self-verify"
"$ZTSDK" world show next.planet | grep -qxF "signature: valid under its own updatesMustBeSignedBy key" ||
  die "a same-key revision should self-verify"

[[ $("$ZTSDK" world init "$root_public" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') \
    == "$root_address" ]] || die "world init with a literal identity"
[[ $("$ZTSDK" world make edited.json) == "000000${root_address}.moon" ]] || die "make of edited init"
"$ZTSDK" world show "000000${root_address}.moon" >moon.out
grep -qxF "type: moon" moon.out || die "edited moon type"
grep -qxF "signature: valid under its own updatesMustBeSignedBy key" moon.out || die "edited moon sig"
now_ms=$(($(date +%s) * 1000))
ts=$(sed -n 's/^timestamp: //p' moon.out)
((ts > now_ms - 600000 && ts < now_ms + 600000)) || die "default timestamp $ts is not now"
# Endpoints come out in upstream's order (ports and IPv4 bytes compared little-endian).
[[ $(grep 'stable endpoint' moon.out | awk '{print $3}' | paste -sd ' ') == \
    "10.0.0.1/256 127.0.0.1/9993 127.0.0.2/9993 ::1/9993" ]] || die "endpoint order: $(cat moon.out)"
echo "world vectors: ok"
