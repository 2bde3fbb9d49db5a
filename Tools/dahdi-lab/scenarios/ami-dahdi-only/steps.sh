#!/bin/sh
# dahdi-lab scenario "ami-dahdi-only": the box of the real chan_dahdi recording (two 8-channel spans wired back to
# back, its own system.conf and chan_dahdi.conf) with a running DAHDI-only Asterisk: the stand-in holds the
# channels chan_dahdi.conf lists, and the AMI replay server answers as the real Asterisk 22.10.1 of the chan_dahdi
# recording did (--behaviour dahdi-only): chan_dahdi's real DAHDIShowChannels/DAHDIShowStatus bytes, res_pjsip not
# loaded (every PJSIPShow* an unknown command, ModuleCheck "Module not loaded"). No pjsip.conf, no gateway list:
# check must say OK with no finding (no "upgrade Asterisk", no PJSIP finding).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
set -u

. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools, run_check, ami_replay

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=OK 2=OK" || ok=1
reference_tools || ok=1
ami_replay dahdi-only || ok=1
# shellcheck disable=SC2086
run_check $AMI_ARGS
if grep -rl "$AMI_SECRET" "$OUT" 2>/dev/null | grep -v ami-server; then echo "secret leaked"; ok=1; fi
exit $ok
