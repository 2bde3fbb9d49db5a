#!/bin/sh
# dahdi-lab scenario "demo" (Tools/demo): a box with several real faults at once:
#  - span 1 RED and span 2 YELLOW (the two ends of one broken link; see red-yellow/system.conf),
#  - chan_dahdi.conf asking fxs_ks on channels 9-12, which DAHDI runs as fxoks,
#  - system.conf on disk declaring channels 49-52 that no span provides, and an echo canceller never attached,
#  - /etc/dahdi/modules listing wctdm24xxp, which is not loaded.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
set -u

. "$SCENARIO/common.sh" # configure_and_check

configure_and_check "1=RED 2=YEL"
