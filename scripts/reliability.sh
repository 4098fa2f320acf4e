#!/usr/bin/env bash
# The long variants of the reliability scenarios (CI runs short ones):
# 200 kill -9 rounds of a controller under writes, and each underlay flood
# for 30 s, 64 MiB each way through a faulty wire (loss and duplication;
# then the full mix), then a 30-minute soak of traffic and churn with memory sampled.
# Bounded: about an hour in all.
# Usage: scripts/reliability.sh [BUILD] [SOAK_SECONDS]
set -euo pipefail
build=${1:-build}
soak_seconds=${2:-1800}
here=$(cd "$(dirname "$0")/.." && pwd)
ztsdk=$here/$build/ztsdk
ztflood=$here/$build/tests/tools/ztflood
echo "== crash safety: 200 kill -9 rounds"
bash "$here/tests/integration/crash_safety.sh" "$ztsdk" "$ztflood" 200
echo "== underlay floods: 30 s each"
bash "$here/tests/integration/vl1_floods.sh" "$ztsdk" "$ztflood" 30
echo "== network faults: 64 MiB each way under 10% loss and 5% duplication, a 30 s outage"
ZTWIRE_FAULTS="--loss 0.10 --dup 0.05" bash "$here/tests/integration/net_faults.sh" "$ztsdk" "$ztflood" 65536 30
echo "== network faults: 64 MiB each way under 10% loss, 5% duplication, 20 ms delay, 50 ms jitter"
bash "$here/tests/integration/net_faults.sh" "$ztsdk" "$ztflood" 65536 30
echo "== soak: steady traffic and connection churn for $soak_seconds s, memory sampled"
bash "$here/tests/integration/soak.sh" "$ztsdk" "$ztflood" "$soak_seconds" 20 256
