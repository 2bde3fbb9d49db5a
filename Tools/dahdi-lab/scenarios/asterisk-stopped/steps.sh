#!/bin/sh
# dahdi-lab scenario "asterisk-stopped": the healthy box (two wired spans, chan_dahdi.conf agreeing), but Asterisk is
# not running: no stand-in holds the channels chan_dahdi.conf lists, so the kernel shows every one closed (in use:
# no). No AMI either (nothing to ask). check must say CRITICAL dahdi-channels-not-held, from the kernel alone;
# the spans stay OK (dynamic spans never raise NOTOPEN).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
set -u

ASTERISK=stopped
. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools, run_check

configure_and_check "1=OK 2=OK"
exit $?
