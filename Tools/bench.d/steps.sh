#!/bin/sh
# dahdi-lab steps for Tools/bench (not a Tools/test scenario): Tools/bench copies this file, common.sh, the box's
# system.conf, etc/ and bench.env into a scenario directory under .build/bench/ and boots it with dahdi-lab.
# Applies system.conf, waits until the spans show $ALARMS, records the reference tools, then runs guest.py, which writes
# $OUT/bench.json. Exit status: 0 if the box came up as configured and the measurements were taken.
set -u

. "$SCENARIO/common.sh" # rec, wait_alarms, DOCTOR
. "$SCENARIO/bench.env" # LABEL SPANS CHANNELS RUNS READS ROUNDS AGENT_SECONDS AGENT_PROFILE ALARMS

[ -n "$DOCTOR" ] || { echo "no dahdi-doctor passed with --binary"; exit 1; }
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" || exit 1
# 1 s of RED detection plus slack: many spans take longer to settle under TCG
wait_alarms "$ALARMS" 2000 30000 || exit 1
rec dahdi_scan dahdi_scan.txt dahdi_scan || exit 1
spans=$(grep -c '^\[[0-9]*\]$' "$OUT/dahdi_scan.txt")
[ "$spans" -eq "$SPANS" ] || { echo "dahdi_scan shows $spans spans, expected $SPANS"; exit 1; }
rec guest bench-guest.txt python3 "$SCENARIO/guest.py" --doctor "$DOCTOR" --label "$LABEL" --runs "$RUNS" \
	--reads "$READS" --rounds "$ROUNDS" --agent-seconds "$AGENT_SECONDS" \
	--agent-profile "${AGENT_PROFILE:-0}" --etc-root "$SCENARIO/etc" --out "$OUT" || exit 1
grep -q "\"channels\": $CHANNELS," "$OUT/bench-guest.txt" || { echo "dahdi-doctor scan did not see $CHANNELS channels"; exit 1; }
exit 0
