# Scenario: load between two zts_ applications on loopback. 1000 TCP
# connections open at once, each echoing 4 KiB of its own data; then
# connection churn (open, use, close in a loop) for CHURN seconds while the
# server's resident memory is sampled: after the first round it must stay
# flat. Prints connections per second and the memory samples.
# Usage: bash zts_load.sh ztsdk ztflood [churn seconds]   (CI: 3 rounds of 4 s)
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"
ROUND_SECONDS=${3:-4}
ROUNDS=3
MAX_GROWTH_KB=$((4 * 1024))
CHECK="$(dirname "$ZTSDK")/tests/tools/zts_check"
[[ -x $CHECK ]] || die "build tests/tools/zts_check first"

zts_network load 10.66.0 server client

"$CHECK" server "$T/server" "$NW" 9000 >"$T/server.log" 2>&1 &
PID[server]=$!
wait_for 20 "the server never got onto the network" grep -q "^server ready" "$T/server.log"
read -r _ _ SERVER4 _ <"$T/server.log"
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/${PID[server]}/status"; }

"$CHECK" client "$T/client" "$NW" "$SERVER4" 9000 concurrent1000 | tee "$T/concurrent.out" ||
  die "1000 concurrent connections failed"
echo "server resident after 1000 connections: $(rss_kb) kB"

samples=()
for round in $(seq 1 $ROUNDS); do
  ZTS_CHECK_SECONDS=$ROUND_SECONDS "$CHECK" client "$T/client" "$NW" "$SERVER4" 9000 churn |
    tee "$T/churn$round.out" || die "churn round $round failed"
  sleep 1  # TIME_WAIT and the last closes settle
  samples+=("$(rss_kb)")
  echo "server resident after churn round $round: ${samples[-1]} kB"
done
growth=$((samples[-1] - samples[0]))
echo "growth from round 1 to round $ROUNDS: $growth kB"
within_memory_bound "$growth" "$MAX_GROWTH_KB" || die "the server's memory grew by $growth kB under churn"
echo "PASS"
