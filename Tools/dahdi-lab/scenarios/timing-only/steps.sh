#!/bin/sh
# dahdi-lab scenario "timing-only": dahdi.ko is loaded with no card and no span, and modules.conf loads MeetMe and
# res_timing_dahdi (a conferencing or AllStarLink box). The DAHDI core ticks from its own timer: the pseudo and
# timer nodes exist and dahdi_test measures the timing through /dev/dahdi/pseudo (the reference; dahdi-doctor
# never opens it). Then the same box with the nodes hidden (a devfs root without pseudo and timer).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if /dev/dahdi/pseudo and /dev/dahdi/timer exist and dahdi_test measured something.
set -u

. "$SCENARIO/common.sh" # rec, run_check

ok=0
rec --merge ls-dev-dahdi ls-dev-dahdi.txt ls -la /dev/dahdi
rec --merge proc-dahdi proc-dahdi.txt ls -la /proc/dahdi
rec --merge dahdi_test dahdi_test.txt timeout -s INT 3 dahdi_test -c 2
run_check
if [ -n "$DOCTOR" ]; then
	# A devfs root with ctl and channel but without pseudo and timer (what a broken udev leaves).
	mkdir -p /tmp/devfs/dahdi
	cp -a /dev/dahdi/ctl /dev/dahdi/channel /tmp/devfs/dahdi/
	rec check-no-nodes check-no-nodes.json "$DOCTOR" check --json --etc-root "$SCENARIO/etc" --devfs-root /tmp/devfs
fi
[ -c /dev/dahdi/pseudo ] && [ -c /dev/dahdi/timer ] || ok=1
grep -q '%' "$OUT/dahdi_test.txt" || ok=1
exit $ok
