#!/bin/sh
# dahdi-lab scenario "red-yellow": span 1 receives nothing (RED), span 2 receives span 1's yellow-alarm flag
# (YELLOW); see system.conf for how the loc addresses do it. etc/ is healthy's configuration.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if dahdi_cfg succeeded and dahdi_scan showed span 1 RED and span 2 YEL.
set -u

. "$SCENARIO/common.sh" # configure_and_check

configure_and_check "1=RED 2=YEL"
