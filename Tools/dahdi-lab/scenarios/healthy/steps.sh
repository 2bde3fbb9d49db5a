#!/bin/sh
# dahdi-lab scenario "healthy": two wired dynamic loc spans, configured by dahdi_cfg, both OK.
# Runs in the guest (chroot into the host's root) with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Every command records its own output and rc, so one failure does not hide the others.
# Exit status: 0 if the reference tools (dahdi_cfg, dahdi_scan, lsdahdi) succeeded.
set -u

# rec [--merge] NAME FILE CMD...: stdout to $OUT/FILE, stderr to $OUT/NAME.err (or into FILE with
# --merge), exit status to $OUT/NAME.rc, wall time to $OUT/timings.txt. Returns the command's status.
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
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
rec dahdi_scan dahdi_scan.txt dahdi_scan || ok=1
rec lsdahdi lsdahdi.txt lsdahdi || ok=1
cat /proc/dahdi/* >"$OUT/proc-dahdi.txt" 2>&1
rec params params.txt dahdi-params $(seq 1 48)
rec record-tree record-tree.txt sh "$BIN/record-tree.sh" "$OUT/tree"

if [ -x "$BIN/dahdi-doctor" ]; then
	rec scan scan.json "$BIN/dahdi-doctor" scan --json
	rec scan-text scan.txt "$BIN/dahdi-doctor" scan
fi

# Take channel 1 (fxsks) off-hook; its loc peer, channel 25 (fxoks), then reads rxisoffhook=1.
# The helper holds for up to 60 s and is released early with SIGTERM once everything is recorded.
dahdi-hook 1 offhook 60 >"$OUT/dahdi-hook.txt" 2>&1 &
hook_pid=$!
i=0
while ! grep -q '^ready' "$OUT/dahdi-hook.txt" 2>/dev/null; do
	kill -0 "$hook_pid" 2>/dev/null || break
	i=$((i + 1))
	[ $i -le 150 ] || break
	sleep 0.1
done
if grep -q '^ready' "$OUT/dahdi-hook.txt"; then
	rec params-offhook params-offhook.txt dahdi-params 1 25
	if [ -x "$BIN/dahdi-doctor" ]; then
		rec scan-offhook scan-offhook.json "$BIN/dahdi-doctor" scan --json
	fi
	rec dahdi_scan-offhook dahdi_scan-offhook.txt dahdi_scan
	rec lsdahdi-offhook lsdahdi-offhook.txt lsdahdi
	cat /proc/dahdi/* >"$OUT/proc-dahdi-offhook.txt" 2>&1
	kill -TERM "$hook_pid" 2>/dev/null
else
	echo "dahdi-hook did not get ready:"
	cat "$OUT/dahdi-hook.txt"
	kill -TERM "$hook_pid" 2>/dev/null
fi
wait "$hook_pid"
echo $? >"$OUT/dahdi-hook.rc"
rec params-released params-released.txt dahdi-params 1 25

exit $ok
