#!/bin/sh
# dahdi-lab scenario "chan-dahdi-mismatch": system.conf as in "healthy" (applied and on disk); etc/asterisk/dahdi-channels.conf
# gives channels 9-12 (fxoks) signalling=fxs_ks.
# Both spans are OK: the fault is in the configuration files only.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg succeeded and dahdi_scan showed both spans OK.
set -u

. "$SCENARIO/common.sh" # configure_and_check

configure_and_check "1=OK 2=OK"
