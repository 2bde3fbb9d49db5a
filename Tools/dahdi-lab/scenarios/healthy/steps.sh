#!/bin/sh
# dahdi-lab scenario "healthy": two wired dynamic loc spans, configured by dahdi_cfg, both OK.
# Runs in the guest (chroot into the host's root) with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Every command records its own output and rc, so one failure does not hide the others.
# Exit status: 0 if the reference tools (dahdi_cfg, dahdi_scan, lsdahdi) succeeded.
set -u

. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools, run_check

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=OK 2=OK" || ok=1
reference_tools || ok=1
rec record-tree record-tree.txt sh "$BIN/record-tree.sh" "$OUT/tree"

if [ -n "$DOCTOR" ]; then
	rec scan scan.json "$DOCTOR" scan --json
	rec scan-text scan.txt "$DOCTOR" scan
fi
# check against etc/ (its system.conf is the applied one, chan_dahdi.conf agrees): OK, no finding
run_check

# verify: a manifest that matches this box passes (exit 0); one that orders four spans fails (exit 1) with the
# evidence. Both write JUnit too. No AMI, no settings file: only the kernel, the buses and the checks. Asterisk
# runs meanwhile (the stand-in holds chan_dahdi.conf's channels): without it, dahdi-channels-not-held fails verify.
if [ -n "$DOCTOR" ]; then
	standin_start
	rec verify-pass verify-pass.json "$DOCTOR" verify --manifest "$SCENARIO/verify-pass.toml" --json \
		--junit "$OUT/verify-pass.junit.xml" --etc-root "$SCENARIO/etc" --config "$SCENARIO/no-settings.toml" --no-ami
	rec verify-more-spans verify-more-spans.json "$DOCTOR" verify --manifest "$SCENARIO/verify-more-spans.toml" --json \
		--junit "$OUT/verify-more-spans.junit.xml" --etc-root "$SCENARIO/etc" --config "$SCENARIO/no-settings.toml" --no-ami
	rec verify-more-spans-text verify-more-spans.txt "$DOCTOR" verify --manifest "$SCENARIO/verify-more-spans.toml" \
		--etc-root "$SCENARIO/etc" --config "$SCENARIO/no-settings.toml" --no-ami
	standin_stop
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
	if [ -n "$DOCTOR" ]; then
		rec scan-offhook scan-offhook.json "$DOCTOR" scan --json
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
