# generate -> validate -> public -> sign -> verify, and tampering with each part.
source "$(dirname "$0")/common.bash" "$@"
cd "$T"

"$ZTSDK" id generate id.secret id.public >gen.out
grep -qx 'id.secret written' gen.out || die "generate did not report the secret file"
grep -qx 'id.public written' gen.out || die "generate did not report the public file"
[[ $(file_mode id.secret) == 600 ]] || die "id.secret has mode $(file_mode id.secret), want 600"
[[ $(file_mode id.public) == 644 ]] || die "id.public has mode $(file_mode id.public), want 644"
secret=$(cat id.secret)
public=$(cat id.public)
[[ $secret =~ ^[0-9a-f]{10}:0:[0-9a-f]{128}:[0-9a-f]{128}$ ]] || die "bad secret form: $secret"
[[ $public == "${secret%:*}" ]] || die "public file is not the secret's public part"
ls | grep -q tmp && die "a temporary file was left behind"

[[ $("$ZTSDK" id validate id.secret) == valid ]] || die "secret file does not validate"
[[ $("$ZTSDK" id validate id.public) == valid ]] || die "public file does not validate"
[[ $("$ZTSDK" id validate "$public") == valid ]] || die "literal public identity does not validate"
[[ $("$ZTSDK" id public id.secret) == "$public" ]] || die "id public (file) differs"
[[ $("$ZTSDK" id public "$secret") == "$public" ]] || die "id public (literal) differs"

# Overwriting keeps 0600 even if the old file was readable by others.
chmod 644 id.secret
"$ZTSDK" id generate id.secret >/dev/null
[[ $(file_mode id.secret) == 600 ]] || die "regenerated id.secret is not 600"
[[ $(cat id.secret) != "$secret" ]] || die "generate produced the same identity twice"
printf '%s' "$secret" >id.secret

to_stdout=$("$ZTSDK" id generate)
[[ $to_stdout =~ ^[0-9a-f]{10}:0:[0-9a-f]{128}:[0-9a-f]{128}$ ]] || die "generate to stdout: $to_stdout"
[[ $("$ZTSDK" id validate "$to_stdout") == valid ]] || die "stdout identity does not validate"

head -c 5000 /dev/urandom >msg.bin
sig=$("$ZTSDK" id sign id.secret msg.bin)
[[ $sig =~ ^[0-9a-f]{192}$ ]] || die "signature is not 192 hex digits: $sig"
[[ $("$ZTSDK" id sign "$secret" msg.bin) == "$sig" ]] || die "signing is not deterministic"
[[ $("$ZTSDK" id verify id.public msg.bin "$sig") == "signature valid" ]] || die "verify failed"
"$ZTSDK" id verify "$public" msg.bin "$sig" >/dev/null || die "verify (literal identity) failed"

cp msg.bin tampered.bin
printf 'x' | dd of=tampered.bin bs=1 seek=100 conv=notrunc status=none
expect_fail "verify of a modified file" "$ZTSDK" id verify id.public tampered.bin "$sig"
grep -q 'signature invalid' "$T/err" || die "modified file: wrong message $(cat "$T/err")"
flipped=$(python3 -c 'import sys; s=sys.argv[1]; print(s[:20] + ("0" if s[20] != "0" else "1") + s[21:])' "$sig")
expect_fail "verify of a modified signature" "$ZTSDK" id verify id.public msg.bin "$flipped"
"$ZTSDK" id generate other.secret other.public >/dev/null
expect_fail "verify under another identity" "$ZTSDK" id verify other.public msg.bin "$sig"
expect_fail "verify with a short signature" "$ZTSDK" id verify id.public msg.bin "${sig:0:190}"
expect_fail "verify with a non-hex signature" "$ZTSDK" id verify id.public msg.bin "zz${sig:2}"
expect_fail "sign with a public identity" "$ZTSDK" id sign id.public msg.bin
grep -q 'no private key' "$T/err" || die "sign with public: wrong message $(cat "$T/err")"

# A secret whose private half belongs to another key.
other_priv=$(cut -d: -f4 other.secret)
expect_fail "validate of a mismatched private key" "$ZTSDK" id validate "${public}:${other_priv}"

# An empty file signs and verifies too.
: >empty.bin
esig=$("$ZTSDK" id sign id.secret empty.bin)
"$ZTSDK" id verify id.public empty.bin "$esig" >/dev/null || die "empty file verify failed"
echo "id round trip: ok"
