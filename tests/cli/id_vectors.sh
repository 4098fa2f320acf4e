# Identity validation and signatures against upstream's vectors (vl1.json).
source "$(dirname "$0")/common.bash" "$@"
cd "$T"

for i in 0 1 2; do
  pub=$(vec vl1 "identities.$i.public_string")
  sec=$(vec vl1 "identities.$i.secret_string")
  [[ $("$ZTSDK" id validate "$pub") == valid ]] || die "identity $i should validate"
  printf '%s\n' "$sec" >"id$i.secret"
  [[ $("$ZTSDK" id validate "id$i.secret") == valid ]] || die "identity $i (file) should validate"
  [[ $("$ZTSDK" id public "id$i.secret") == "$pub" ]] || die "identity $i public form differs"
done

for i in 3 4; do
  [[ $(vec vl1 "identities.$i.locallyValidate") == false ]] || die "vector $i is not a negative case"
  expect_fail "tampered identity $i" "$ZTSDK" id validate "$(vec vl1 "identities.$i.public_string")"
  grep -q 'invalid' "$T/err" || die "tampered identity $i: no reason given: $(cat "$T/err")"
done
expect_fail "reserved address" "$ZTSDK" id validate "$(vec vl1 identities.5.string)"
grep -q 'reserved' "$T/err" || die "reserved address: no reason given: $(cat "$T/err")"

# A's signature of the vector message is deterministic: byte-exact with upstream.
printf '%s' "$(vec vl1 signature.message_ascii)" >message.txt
want=$(vec vl1 signature.signature_96_hex)
[[ $("$ZTSDK" id sign id0.secret message.txt) == "$want" ]] || die "signature differs from upstream"
"$ZTSDK" id verify "$(vec vl1 identities.0.public_string)" message.txt "$want" >/dev/null ||
  die "upstream signature does not verify"
expect_fail "upstream signature under B" "$ZTSDK" id verify id1.secret message.txt "$want"
echo "id vectors: ok"
