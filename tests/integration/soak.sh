# Scenario: a bounded soak. Two zts_ applications on a private network of a
# ztsdk root+controller: one client streams (uploads and downloads, each
# checked by SHA-256) while another churns connections, both for DURATION
# seconds. The resident memory of the root, the server and both clients is
# sampled all along; after the first quarter (warm-up: buffers, pools, peer
# tables reach their working size) no process may grow by more than 4 MiB.
# Usage: bash soak.sh ztsdk ztflood [duration seconds [pause ms [KiB]]]
# At a steady rate, not flat out (where each new throughput peak raises the
# buffers' high-water mark): PAUSE ms (default 20) between rounds of KiB
# (default 256) each way and between connections. CI: 20 s;
# scripts/reliability.sh: 30 minutes.
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"
DURATION=${3:-20}
export ZTS_CHECK_PAUSE_MS=${4:-20}
ROUND_KIB=${5:-256}
SAMPLES=30
MAX_GROWTH_KB=$((4 * 1024))
CHECK="$(dirname "$ZTSDK")/tests/tools/zts_check"
[[ -x $CHECK ]] || die "build tests/tools/zts_check first"

zts_network soak 10.67.0 server streamer churner

"$CHECK" server "$T/server" "$NW" 9000 >"$T/server.log" 2>&1 &
PID[server]=$!
wait_for 20 "the server never got onto the network" grep -q "^server ready" "$T/server.log"
read -r _ _ SERVER4 _ <"$T/server.log"

ZTS_CHECK_SECONDS=$DURATION ZTS_CHECK_KIB=$ROUND_KIB \
  "$CHECK" client "$T/streamer" "$NW" "$SERVER4" 9000 stream >"$T/streamer.log" 2>&1 &
PID[streamer]=$!
ZTS_CHECK_SECONDS=$DURATION \
  "$CHECK" client "$T/churner" "$NW" "$SERVER4" 9000 churn >"$T/churner.log" 2>&1 &
PID[churner]=$!

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
declare -A first=() peak=()
names=(root server streamer churner)
interval=$(awk -v d="$DURATION" -v n="$SAMPLES" 'BEGIN { printf "%.2f", d / n }')
printf '%8s' seconds; printf '%10s' "${names[@]}"; echo "   (resident kB)"
start=$SECONDS
for ((i = 1; i <= SAMPLES; i++)); do
  sleep "$interval"
  printf '%8d' $((SECONDS - start))
  for name in "${names[@]}"; do
    kb=$(rss_kb "${PID[$name]}")
    printf '%10s' "$kb"
    if ((i == SAMPLES / 4)); then first[$name]=$kb; fi
    if ((i > SAMPLES / 4 && kb > ${peak[$name]:-0})); then peak[$name]=$kb; fi
  done
  echo
done

for name in streamer churner; do
  wait "${PID[$name]}" || die "the $name failed: $(grep FAIL "$T/$name.log")"
  unset "PID[$name]"
  grep -h '^  \(stream\|churn\):' "$T/$name.log"
done
for name in root server; do
  kill -0 "${PID[$name]}" 2>/dev/null || die "the $name died during the soak"
done
for name in "${names[@]}"; do
  growth=$((${peak[$name]} - ${first[$name]}))
  echo "$name: $growth kB growth after warm-up (${first[$name]} -> peak ${peak[$name]} kB)"
  within_memory_bound "$growth" "$MAX_GROWTH_KB" || die "$name grew by $growth kB during the soak"
done
echo "PASS"
