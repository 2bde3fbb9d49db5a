#!/bin/sh
# dahdi-lab scenario "no-driver": no DAHDI module is loaded (the modules file lists none).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if the driver is indeed absent (no /dev/dahdi/ctl) and dahdi_scan ran.
set -u

. "$SCENARIO/common.sh" # rec, run_check

ok=0
rec --merge dahdi_scan dahdi_scan.txt dahdi_scan
rec --merge ls-dev-dahdi ls-dev-dahdi.txt ls -la /dev/dahdi
rec record-tree record-tree.txt sh "$BIN/record-tree.sh" "$OUT/tree"

if [ -n "$DOCTOR" ]; then
	rec scan scan.json "$DOCTOR" scan --json
	rec scan-text scan.txt "$DOCTOR" scan
fi
# check against an empty etc/: driver-not-loaded and nothing about configuration
run_check
[ -e /dev/dahdi/ctl ] && ok=1
exit $ok
