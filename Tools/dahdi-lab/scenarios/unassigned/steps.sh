#!/bin/sh
# dahdi-lab scenario "unassigned": dahdi loaded with auto_assign_spans=0 and no udev, so the dynamic
# spans exist as devices but are never assigned; dahdi_cfg fails on the channels (EINVAL).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg failed as expected and dahdi_scan ran.
set -u

. "$SCENARIO/common.sh" # rec, run_check

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv && ok=1
rec record-tree record-tree.txt sh "$BIN/record-tree.sh" "$OUT/tree"
rec dahdi_scan dahdi_scan.txt dahdi_scan
rec lsdahdi lsdahdi.txt lsdahdi
cat /proc/dahdi/* >"$OUT/proc-dahdi.txt" 2>&1
ls -la /dev/dahdi /dev/dahdi/chan >"$OUT/dev-dahdi.txt" 2>&1

if [ -n "$DOCTOR" ]; then
	rec scan scan.json "$DOCTOR" scan --json
	rec scan-text scan.txt "$DOCTOR" scan
fi
# check against etc/ (healthy's files): spans-not-assigned explains the channels system.conf and chan_dahdi.conf
# name but the kernel does not have
run_check
[ -f "$OUT/dahdi_scan.rc" ] || ok=1
exit $ok
