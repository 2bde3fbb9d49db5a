#!/bin/sh
# dahdi-lab scenario "unconfigured": spans 1 and 2 exist, system.conf configures only span 1, so span 2 is
# UNCONFIGURED. etc/ agrees (chan_dahdi.conf has only span 1's channels).
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg succeeded and dahdi_scan showed span 1 OK and span 2 UNCONFIGURED.
set -u

. "$SCENARIO/common.sh" # configure_and_check

configure_and_check "1=OK 2=UNCONFIGURED"
