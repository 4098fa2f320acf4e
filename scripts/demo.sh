#!/usr/bin/env bash
# The main job, at this stage: a node identity and a private planet made
# with the ztsdk command, then checked. Later layers grow this into a whole
# private network (root, controller, apps) on this machine.
set -euo pipefail
build=${1:-build}
ztsdk="$build/ztsdk"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "generate the root's identity"
"$ztsdk" id generate "$work/identity.secret" "$work/identity.public"
cat "$work/identity.public"; echo

step "validate it"
"$ztsdk" id validate "$work/identity.public" && echo "valid"

step "make a private planet with this node as its root at 127.0.0.1/9993"
"$ztsdk" world init "$work/identity.public" > "$work/world.json"
python3 - "$work/world.json" <<'PY'
import json, sys
p = sys.argv[1]
w = json.load(open(p))
w["worldType"] = "planet"
w["roots"][0]["stableEndpoints"] = ["127.0.0.1/9993"]
json.dump(w, open(p, "w"), indent=2)
PY
(cd "$work" && "$OLDPWD/$ztsdk" world make world.json)
planet=$(ls "$work"/*.moon)
"$ztsdk" world show "$planet"

step "done"
