#!/bin/sh
# dahdi-lab scenario "no-driver": no DAHDI module is loaded (the modules file lists none).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if the driver is indeed absent (no /dev/dahdi/ctl) and dahdi_scan ran.
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
rec --merge dahdi_scan dahdi_scan.txt dahdi_scan
rec --merge ls-dev-dahdi ls-dev-dahdi.txt ls -la /dev/dahdi
rec record-tree record-tree.txt sh "$BIN/record-tree.sh" "$OUT/tree"

if [ -x "$BIN/dahdi-doctor" ]; then
	rec scan scan.json "$BIN/dahdi-doctor" scan --json
	rec scan-text scan.txt "$BIN/dahdi-doctor" scan
fi
[ -e /dev/dahdi/ctl ] && ok=1
exit $ok
