#!/bin/sh
# dahdi-lab scenario "driver-not-loaded": no DAHDI module is loaded, but etc/ holds the full configuration of a
# DAHDI box (system.conf, modules, chan_dahdi.conf with dahdi-channels.conf).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if the driver is indeed absent (no /dev/dahdi/ctl) and dahdi_cfg failed.
set -u

. "$SCENARIO/common.sh" # rec, run_check

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv && ok=1
rec --merge dahdi_scan dahdi_scan.txt dahdi_scan
rec --merge ls-dev-dahdi ls-dev-dahdi.txt ls -la /dev/dahdi
run_check
[ -e /dev/dahdi/ctl ] && ok=1
exit $ok
