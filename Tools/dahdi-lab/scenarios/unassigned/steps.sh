#!/bin/sh
# dahdi-lab scenario "unassigned": dahdi loaded with auto_assign_spans=0 and no udev, so the dynamic
# spans exist as devices but are never assigned; dahdi_cfg fails on the channels (EINVAL).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg failed as expected and dahdi_scan ran.
set -u

# rec [--merge] NAME FILE CMD...: see scenarios/healthy/steps.sh
rec() {
	r_merge=no
	[ "$1" = --merge ] && { r_merge=yes; shift; }
	r_name=$1 r_file=$2
	shift 2
	r_t0=$(date +%s%N)
	if [ $r_merge = yes ]; then "$@" >"$OUT/$r_file" 2>&1; else "$@" >"$OUT/$r_file" 2>"$OUT/$r_name.err"; fi
	r_rc=$?
	r_ms=$((($(date +%s%N) - r_t0) / 1000000))
	echo "$r_rc" >"$OUT/$r_name.rc"
	[ -s "$OUT/$r_name.err" ] || rm -f "$OUT/$r_name.err"
	echo "$r_name rc=$r_rc ${r_ms}ms" | tee -a "$OUT/timings.txt"
	return $r_rc
}

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv && ok=1
rec record-tree record-tree.txt sh "$BIN/record-tree.sh" "$OUT/tree"
rec dahdi_scan dahdi_scan.txt dahdi_scan
rec lsdahdi lsdahdi.txt lsdahdi
cat /proc/dahdi/* >"$OUT/proc-dahdi.txt" 2>&1
ls -la /dev/dahdi /dev/dahdi/chan >"$OUT/dev-dahdi.txt" 2>&1

if [ -x "$BIN/dahdi-doctor" ]; then
	rec scan scan.json "$BIN/dahdi-doctor" scan --json
	rec scan-text scan.txt "$BIN/dahdi-doctor" scan
fi
[ -f "$OUT/dahdi_scan.rc" ] || ok=1
exit $ok
