#!/bin/sh
# dahdi-lab steps for record.sh (not a CI scenario): a real Asterisk on the real DAHDI driver, its control socket
# recorded in each state. record.sh copies this directory with the box's files (system.conf, chan_dahdi.conf,
# alarms, box) and the install prefix (asterisk-prefix) into a scenario. Runs in the guest with LAB, SCENARIO, OUT,
# BIN set; see ../README.md. Every recorded file lands in $OUT/console; dahdi-doctor's own runs (when passed with
# --binary) in $OUT/doctor.
set -u
ASTERISK=real # no dahdi-hold stand-in: the real chan_dahdi holds the channels
. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools

PREFIX=$(cat "$SCENARIO/asterisk-prefix")
BOX=$(cat "$SCENARIO/box")
AST="$PREFIX/sbin/asterisk -C /tmp/ast/etc/asterisk.conf"
CTL=/tmp/ast/run/asterisk.ctl
REC="python3 $SCENARIO/record-console.py --socket $CTL --out $OUT/console"
ok=0

rx() { $AST -rx "$1"; }
note() { echo "$(date -u +%FT%TZ) $*" | tee -a "$OUT/timeline.txt"; }

# The commands dahdi-doctor's console reader sends (AsteriskConsoleReading.firstCommands and the details it asks for
# on this lab's objects), and `core show uptime seconds`.
PJSIP="pjsip show endpoints|pjsip show contacts|pjsip show aors|pjsip show registrations|pjsip show registration trunk-provider|pjsip show aor agent1000|pjsip show aor gateway-fxo-1|pjsip show aor gateway-fxo-2|pjsip show aor trunk-provider"
CORE="core show version|core show uptime seconds|module show like chan_sip.so|module show like res_pjsip.so|module show like chan_dahdi.so"
DAHDI="dahdi show channels|dahdi show status"
record() { # record SUFFIX LIST
	note "record $1"
	r_suffix=$1
	(set -f; IFS='|'; set -- $2; IFS=' '; $REC --suffix "$r_suffix" "$@") >>"$OUT/record.txt" 2>&1 || ok=1
}

# doctor NAME [OPTIONS]: dahdi-doctor check against the real Asterisk (console when no AMI option is given).
doctor() {
	[ -n "$DOCTOR" ] || return 0
	d_name=$1
	shift
	mkdir -p "$OUT/doctor"
	note "doctor $d_name"
	"$DOCTOR" check --json --etc-root /tmp/etcroot --config /tmp/none.toml --no-gateways \
		--gateway-endpoint gateway-fxo-1 --gateway-endpoint gateway-fxo-2 \
		--save-observation "$OUT/doctor/$d_name.observation.json" "$@" \
		>"$OUT/doctor/$d_name.json" 2>"$OUT/doctor/$d_name.err"
	echo $? >"$OUT/doctor/$d_name.rc"
}
both() { # console and AMI in the same state
	doctor "console$1"
	doctor "ami$1" --ami-port 5038 --ami-credentials /tmp/ami.conf
}

# wait_for CMD PATTERN SECONDS: until `asterisk -rx CMD` prints a line matching PATTERN.
wait_for() {
	w_i=0
	while ! rx "$1" 2>/dev/null | grep -q "$2"; do
		w_i=$((w_i + 1))
		[ $w_i -le $(($3 * 2)) ] || { note "gave up waiting for '$2' in '$1'"; ok=1; return 1; }
		sleep 0.5
	done
	note "'$1' shows '$2'"
}

# --- DAHDI
rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "$(cat "$SCENARIO/alarms")" 1500 8000 || ok=1
rec dahdi_scan dahdi_scan.txt dahdi_scan

# --- Asterisk: configs into tmpfs with a random secret for every auth object and the AMI user
umask 022
mkdir -p /tmp/ast/etc /tmp/ast/run /tmp/ast/log /tmp/ast/lib /tmp/ast/spool /tmp/ast/cache /tmp/etcroot/dahdi
SECRET=lab-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
for f in "$SCENARIO"/asterisk/*; do
	name=$(basename "$f" .in)
	sed -e "s#@PREFIX@#$PREFIX#g" -e "s#@SECRET@#$SECRET#g" "$f" >"/tmp/ast/etc/$name"
done
cp "$SCENARIO/chan_dahdi.conf" /tmp/ast/etc/chan_dahdi.conf
# a box may bring its own module list (no-pjsip: a DAHDI-only Asterisk)
[ -f "$SCENARIO/modules.conf" ] && cp "$SCENARIO/modules.conf" /tmp/ast/etc/modules.conf
cp "$SCENARIO/system.conf" /tmp/etcroot/dahdi/system.conf
ln -s /tmp/ast/etc /tmp/etcroot/asterisk
: >/tmp/none.toml
(umask 077; printf 'username = doctor\nsecret = %s\n' "$SECRET" >/tmp/ami.conf)
# The AMI secret may appear in no recorded file; every output is searched for it at the end.

note "asterisk start"
if ! $AST -g >"$OUT/asterisk-start.txt" 2>&1; then
	# e.g. "Illegal instruction": an Asterisk built with BUILD_NATIVE on a host whose CPU TCG cannot emulate
	note "asterisk did not start: $(cat "$OUT/asterisk-start.txt")"
	exit 1
fi
i=0
until [ -S $CTL ] && rx "core waitfullybooted" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 600 ] || { note "Asterisk did not boot"; cp /tmp/ast/log/messages.log "$OUT/" 2>/dev/null; exit 1; }
	sleep 0.5
done
note "asterisk fully booted"
rx "module show" >"$OUT/module-show.txt" 2>&1

if [ "$BOX" = healthy-2spans ]; then
	# Fresh: nothing registered yet.
	record .no-gateway-registered "$CORE|$PJSIP|$DAHDI"
	both .no-gateway-registered

	# gateway-fxo-1 registers (sipp on 127.0.0.1:5062) and answers qualify; the trunk's registration has failed.
	cd /tmp && sipp 127.0.0.1:5060 -sf "$SCENARIO/gw-register.xml" -s gateway-fxo-1 -au gateway-fxo-1 -ap "$SECRET" \
		-i 127.0.0.1 -p 5062 -m 1 -aa -bg >"$OUT/sipp.txt" 2>&1
	cd "$SCENARIO" || exit 1
	sipp_pid=$(sed -n 's/.*PID=\[\([0-9]*\)\].*/\1/p' "$OUT/sipp.txt" | head -n 1)
	note "sipp pid $sipp_pid"
	wait_for "pjsip show contacts" "gateway-fxo-1/.*Avail" 90
	wait_for "pjsip show registrations" "Rejected" 90
	record "" "$CORE|$PJSIP|$DAHDI"
	both ""

	# The gateway dies without un-REGISTER: the binding stays, qualify fails.
	[ -n "$sipp_pid" ] && kill -9 "$sipp_pid"
	note "sipp killed"
	wait_for "pjsip show contacts" "gateway-fxo-1/.*Unavail" 60
	record .gateway-unreachable "$PJSIP"
	both .gateway-unreachable

	# A reload moves the last reload time.
	sleep 2
	rx "module reload chan_dahdi.so" >"$OUT/module-reload.txt" 2>&1
	sleep 1
	record .after-module-reload "core show uptime seconds"

	# No DAHDI device (as when the driver goes away under a running Asterisk).
	mv /dev/dahdi/ctl /dev/dahdi/ctl.away && record .no-dahdi "dahdi show status"
	mv /dev/dahdi/ctl.away /dev/dahdi/ctl

	# chan_dahdi not loaded.
	rx "module unload chan_dahdi.so" >"$OUT/module-unload.txt" 2>&1
	record .no-chan-dahdi "module show like chan_dahdi.so|$DAHDI"
	both .no-chan-dahdi
else
	record ".$BOX" "$CORE|$PJSIP|$DAHDI"
	both ".$BOX"
fi

# setup_round plain|freepbx: `dahdi-doctor setup ami` against the real Asterisk (manager reload through its binary
# with -C, login test), a plain `check` that then finds the credentials under --etc-root and reads over AMI, a second
# setup (nothing to change), --undo, and the configuration compared with a copy taken before. freepbx: manager.conf
# includes a manager_custom.conf that does not exist (Asterisk then refuses manager.conf), which setup creates.
setup_round() {
	s_name=$1
	mkdir -p "$OUT/setup"
	note "setup ami ($s_name)"
	if [ "$s_name" = freepbx ]; then
		printf '#include manager_custom.conf\n' >>/tmp/ast/etc/manager.conf
		rx "manager reload" >"$OUT/setup/$s_name.reload-before.txt" 2>&1
	fi
	rm -rf /tmp/etc-before && cp -a /tmp/ast/etc /tmp/etc-before
	"$DOCTOR" setup ami --etc-root /tmp/etcroot --config /tmp/none.toml --asterisk-binary "$PREFIX/sbin/asterisk" \
		>"$OUT/setup/$s_name.first.txt" 2>&1
	echo $? >"$OUT/setup/$s_name.first.rc"
	s_secret=$(sed -n 's/^secret = //p' /tmp/etcroot/dahdi-doctor/ami.conf 2>/dev/null)
	doctor "setup-$s_name"
	"$DOCTOR" setup ami --etc-root /tmp/etcroot --config /tmp/none.toml --asterisk-binary "$PREFIX/sbin/asterisk" \
		>"$OUT/setup/$s_name.second.txt" 2>&1
	echo $? >"$OUT/setup/$s_name.second.rc"
	"$DOCTOR" setup ami --undo --etc-root /tmp/etcroot --config /tmp/none.toml --asterisk-binary "$PREFIX/sbin/asterisk" \
		>"$OUT/setup/$s_name.undo.txt" 2>&1
	echo $? >"$OUT/setup/$s_name.undo.rc"
	diff -r /tmp/etc-before /tmp/ast/etc >"$OUT/setup/$s_name.diff-after-undo.txt" 2>&1
	echo $? >"$OUT/setup/$s_name.diff.rc"
	ls -la /tmp/etcroot >"$OUT/setup/$s_name.etcroot-after-undo.txt" 2>&1
	if [ -n "$s_secret" ] && grep -rl "$s_secret" "$OUT" 2>/dev/null; then note "setup's secret is in an output"; ok=1; fi
}
if [ "$BOX" = healthy-2spans ] && [ -n "$DOCTOR" ]; then
	setup_round plain
	setup_round freepbx
fi

rx "core stop now" >/dev/null 2>&1
sleep 2
cp /tmp/ast/log/messages.log "$OUT/messages.log" 2>/dev/null
if grep -rl "$SECRET" "$OUT" 2>/dev/null; then note "the secret is in an output"; ok=1; fi
exit $ok
