#!/bin/sh
# dahdi-lab scenario "chan-dahdi-declined": the healthy DAHDI box, but chan_dahdi.conf also lists channels 49-52,
# which the kernel lacks, without ignore_failed_channels: the real chan_dahdi declines to load (recorded with
# Asterisk 22.10.1: both DAHDI actions answer "Invalid/unknown command"), so nothing holds the channels. The
# Asterisk is the AMI replay server replaying those real bytes (--behaviour chan-dahdi-declined); no stand-in
# holds the channels. check must name one root, chan-dahdi-channel-missing, with chan-dahdi-not-loaded and
# dahdi-channels-not-held folded under it, and a fix that works (fix the file or ignore_failed_channels, then
# 'module load').
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
set -u

ASTERISK=declined
. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools, run_check, ami_replay

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=OK 2=OK" || ok=1
reference_tools || ok=1
ami_replay chan-dahdi-declined || ok=1
# shellcheck disable=SC2086
run_check $AMI_ARGS
if grep -rl "$AMI_SECRET" "$OUT" 2>/dev/null | grep -v ami-server; then echo "secret leaked"; ok=1; fi
exit $ok
