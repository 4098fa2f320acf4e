#!/usr/bin/env bash
# TCP between two zts_ apps across ztwire's faulty wire, one transfer each
# way per run, for several fault settings: medians of RUNS runs (MB/s,
# 10^6 bytes/s). Each setting has its own size, so a slow one stays short.
# Needs root (network namespaces). Usage:
#   scripts/tcp_loss_bench.sh [BUILD] [RUNS] [SETTING...]
# A SETTING is NAME=KIB:FAULTS, e.g. "loss3=4096:--loss 0.03".
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
runs=${2:-3}
shift 2 2>/dev/null || shift $#
settings=("$@")
if [[ ${#settings[@]} -eq 0 ]]; then
  settings=(
    "clean=16384:--loss 0"
    "loss1=8192:--loss 0.01"
    "loss3=8192:--loss 0.03"
    "loss10=4096:--loss 0.10"
    "mix=512:--loss 0.10 --dup 0.05 --delay-ms 20 --jitter-ms 50"
  )
fi
# MB/s to 3 decimals from zts_check's "upload: N KiB in S s" line
rate() { awk -v what="$1:" '$1 == what { printf "%.3f\n", $2 * 1024 / $5 / 1e6 }'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "-"}'; }
for s in "${settings[@]}"; do
  name=${s%%=*} rest=${s#*=}
  kib=${rest%%:*} faults=${rest#*:}
  up=() down=()
  for ((i = 0; i < runs; i++)); do
    out=$(ZTWIRE_FAULTS="$faults" ZTWIRE_ONLY_TRANSFER=1 \
      bash "$here/tests/integration/net_faults.sh" "$here/$build/ztsdk" x "$kib" 2>&1)
    u=$(rate upload <<<"$out")
    d=$(rate download <<<"$out")
    [[ -n $u && -n $d ]] || { echo "$name run $i failed:"; tail -5 <<<"$out"; }
    up+=("${u:-0}") down+=("${d:-0}")
    echo "  $name run $i: up ${u:-fail} down ${d:-fail} MB/s" >&2
  done
  printf '%-8s %6d KiB  up %s  down %s MB/s  (up: %s; down: %s)\n' "$name" "$kib" \
    "$(printf '%s\n' "${up[@]}" | median)" "$(printf '%s\n' "${down[@]}" | median)" \
    "${up[*]}" "${down[*]}"
done
