#!/bin/sh
# dahdi-lab scenario "red-yellow": span 1 receives nothing (RED), span 2 receives span 1's yellow-alarm flag
# (YELLOW); see system.conf for how the loc addresses do it. etc/ is healthy's configuration.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg succeeded and dahdi_scan showed span 1 RED and span 2 YEL.
set -u

. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools, run_check

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=RED 2=YEL" || ok=1
reference_tools || ok=1
run_check
exit $ok
