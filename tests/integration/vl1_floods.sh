# Scenario: a hostile sender on the underlay floods node B with one kind of
# abuse at a time (garbage, truncated headers, fragments that never complete,
# replayed packets, HELLOs from forged and from valid identities, WHOIS
# storms) while A keeps pinging B. B must keep answering A, count what it
# dropped, and keep its memory bounded. Prints B's CPU and memory per flood.
# Usage: bash vl1_floods.sh /path/to/ztsdk /path/to/ztflood [seconds per flood]
# shellcheck source=common.bash
source "$(dirname "$0")/common.bash"
ZTFLOOD=$(realpath "${2:?usage: $0 ztsdk ztflood [seconds]}")
SECONDS_PER_FLOOD=${3:-3}
RATE=${ZTFLOOD_PPS:-20000}
MAX_RSS_GROWTH_KB=$((64 * 1024))

ROOT_PORT=$(free_port)
A_PORT=$(free_port)
B_PORT=$(free_port)
make_planet "$ROOT_PORT"
start_service root "$ROOT_PORT"
start_service a "$A_PORT"
start_service b "$B_PORT"
for name in root a b; do
  wait_for 20 "the $name service never answered on its API" "$ZTSDK" status --home "$T/$name"
done
A=$(status_field a address)
B=$(status_field b address)
wait_for 20 "A never came online" is_online a
"$ZTSDK" ping --home "$T/a" "$B" --timeout 5000 >/dev/null || die "A's first ping to B got no reply"
wait_for 20 "A never got a direct path to B" has_direct_path a "$B" "$B_PORT"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/${PID[b]}/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/${PID[b]}/stat"; }
TICKS=$(getconf CLK_TCK)
BASE_RSS=$(rss_kb)
echo "B ($B) resident at start: ${BASE_RSS} kB; each flood ${SECONDS_PER_FLOOD}s at ${RATE}/s"
printf '%-12s %10s %8s %10s %10s  %s\n' mode sent/s "pings" "B cpu %" "B rss kB" "counter rise"

# flood MODE COUNTER [extra ztflood args]: floods B while A pings it, then
# checks the pings and that COUNTER rose.
flood() {
  local mode=$1 counter_name=$2
  shift 2
  local before after start_ticks end_ticks pings_expected pings_got out
  before=$(counter b "$counter_name")
  start_ticks=$(cpu_ticks)
  "$ZTFLOOD" --target "127.0.0.1/$B_PORT" --victim "$T/b/identity.public" --mode "$mode" \
    --pps "$RATE" --seconds "$SECONDS_PER_FLOOD" "$@" >"$T/flood-$mode.out" 2>&1 &
  local flooder=$!
  # Echo answers are limited to about six a second per path: space the pings.
  pings_expected=$((SECONDS_PER_FLOOD * 4))
  "$ZTSDK" ping --home "$T/a" "$B" -c "$pings_expected" -i 250 --timeout 1000 >"$T/ping-$mode" 2>&1 || true
  wait "$flooder" || die "ztflood $mode failed: $(cat "$T/flood-$mode.out")"
  end_ticks=$(cpu_ticks)
  pings_got=$(grep -c '^reply from' "$T/ping-$mode" || true)
  after=$(counter b "$counter_name")
  local rate cpu rss
  rate=$(sed -n 's/.*(\([0-9]*\)\/s).*/\1/p' "$T/flood-$mode.out")
  cpu=$(( (end_ticks - start_ticks) * 100 / TICKS / SECONDS_PER_FLOOD ))
  rss=$(rss_kb)
  printf '%-12s %10s %8s %10s %10s  %s +%s\n' "$mode" "$rate" "$pings_got/$pings_expected" "$cpu" \
    "$rss" "$counter_name" "$((after - before))"
  # A real peer keeps being served: most pings answered (a few may meet a
  # full socket buffer on a 2-core machine).
  ((pings_got * 10 >= pings_expected * 7)) || die "$mode: B answered only $pings_got of $pings_expected pings"
  ((after > before)) || die "$mode: $counter_name did not rise (B did not see the flood?)"
  within_memory_bound $((rss - BASE_RSS)) "$MAX_RSS_GROWTH_KB" || die "$mode: B grew from $BASE_RSS kB to $rss kB"
}

flood garbage drop_malformed
flood truncated drop_malformed
flood fragments drop_fragment
flood replay drop_replayed
flood hello drop_rate_limited
flood hello-valid drop_rate_limited --identities 4
flood whois drop_rate_limited

"$ZTSDK" status --home "$T/b"
# (a loaded 2-core machine may lose one datagram; three tries must not all fail)
"$ZTSDK" ping --home "$T/a" "$B" -c 3 -i 300 --timeout 2000 >/dev/null ||
  die "B stopped answering A after the floods"
echo "PASS"
