#!/bin/sh
# dahdi-lab scenario "ami-no-chan-dahdi": the healthy DAHDI box, and an Asterisk whose chan_dahdi is not loaded.
# Asterisk is not packaged in Debian, so the Asterisk is the AMI replay server of the tests
# (Tests/Fakes/ami_replay_server.py, shipped with `--data Tests/Fakes --data Tests/DoctorCoreTests/Fixtures/ami`),
# replaying bytes captured from a real Asterisk 22.10.1 and answering both DAHDI actions "Invalid/unknown command".
# check must join the layers: the kernel's configured channels, and an Asterisk that cannot use them.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
set -u

# chan_dahdi is not loaded in this Asterisk, so nothing holds the channels (no stand-in).
ASTERISK=no-chan-dahdi

. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools, run_check

ok=0
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=OK 2=OK" || ok=1
reference_tools || ok=1

# The fake Asterisk: it exits when its stdin closes, so a sleep holds stdin open for the length of the steps.
secret=lab-ami-secret-$$
(sleep 120) | AMI_REPLAY_USER=doctor AMI_REPLAY_SECRET=$secret \
	python3 "$LAB/data/Fakes/ami_replay_server.py" --fixtures "$LAB/data/ami" --behaviour no-chan-dahdi \
	>"$OUT/ami-server.txt" 2>"$OUT/ami-server.err" &
i=0
while ! grep -q '^PORT ' "$OUT/ami-server.txt" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || { echo "the AMI replay server did not start"; ok=1; break; }
	sleep 0.1
done
port=$(sed -n 's/^PORT //p' "$OUT/ami-server.txt")
umask 077
printf 'username = doctor\nsecret = %s\n' "$secret" >/tmp/ami.conf
run_check --ami-port "$port" --ami-credentials /tmp/ami.conf
# the secret must appear in no output
if grep -rl "$secret" "$OUT" 2>/dev/null | grep -v ami-server; then echo "secret leaked"; ok=1; fi
exit $ok
