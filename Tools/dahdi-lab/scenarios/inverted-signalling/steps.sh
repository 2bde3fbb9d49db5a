#!/bin/sh
# dahdi-lab scenario "inverted-signalling": the kernel runs system.conf (healthy's); etc/dahdi/system.conf on
# disk has fxsks and fxoks swapped (edited, dahdi_cfg not re-run); chan_dahdi.conf agrees with the kernel.
# Both spans are OK: the fault is in the configuration files only.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg succeeded and dahdi_scan showed both spans OK.
set -u

. "$SCENARIO/common.sh" # configure_and_check

configure_and_check "1=OK 2=OK"
