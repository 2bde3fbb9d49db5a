#!/bin/sh
# dahdi-lab scenario "missing-channels": the kernel has 2 spans / 48 channels (system.conf); etc/dahdi/system.conf on disk also
# declares span 3 with channels 49-60, and chan_dahdi.conf has channel => 49-52.
# Both spans are OK: the fault is in the configuration files only.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg succeeded and dahdi_scan showed both spans OK.
set -u

. "$SCENARIO/common.sh" # configure_and_check

configure_and_check "1=OK 2=OK"
