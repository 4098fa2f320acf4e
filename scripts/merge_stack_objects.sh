#!/usr/bin/env bash
# Links lwIP's objects and the stack glue into one relocatable object and
# makes lwIP's symbols (and our lwIP hooks, ztsdk_lwip_*) local to it, so no
# application or library linked with libztsdk sees or clashes with them.
#
#   merge_stack_objects.sh OUT LD OBJCOPY NM LWIP_OBJECT... -- GLUE_OBJECT...
#
# Only those names are localized: C++ objects also carry hidden COMDAT
# symbols (DW.ref.__gxx_personality_v0) that other objects of the final
# link must still resolve, so a blanket --localize-hidden would break links
# where this object's copy of such a group is the one kept.
set -euo pipefail
out=$1 ld=$2 objcopy=$3 nm=$4
shift 4
lwip=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  lwip+=("$1")
  shift
done
shift
glue=("$@")

"$ld" -r -o "$out.tmp" "${lwip[@]}" "${glue[@]}"
{
  "$nm" -g --defined-only "${lwip[@]}" | awk 'NF == 3 { print $3 }'
  "$nm" -g --defined-only "${glue[@]}" | awk 'NF == 3 && $3 ~ /^ztsdk_lwip_/ { print $3 }'
} | sort -u >"$out.symbols"
"$objcopy" --localize-symbols="$out.symbols" "$out.tmp" "$out"
rm -f "$out.tmp"
