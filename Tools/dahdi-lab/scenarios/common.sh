# Shared steps for dahdi-lab scenarios. Each scenario has a symlink common.sh -> ../common.sh (dahdi-lab copies
# the scenario with cp -RL, so the guest gets a plain file) and sources it: . "$SCENARIO/common.sh"
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../README.md. POSIX sh (dash), set -u safe.

# DOCTOR: the dahdi-doctor passed with --binary, copied to tmpfs first: under TCG a 28 MB binary starts in about
# 0.4 s from tmpfs but 0.7 s (1.7 s the first time) from the 9p share, and a scenario runs it up to 7 times.
# Empty when no dahdi-doctor was passed.
DOCTOR=
if [ -x "$BIN/dahdi-doctor" ]; then
	DOCTOR=$BIN/dahdi-doctor
	mkdir -p /tmp/bin && cp "$BIN/dahdi-doctor" /tmp/bin/dahdi-doctor && DOCTOR=/tmp/bin/dahdi-doctor
fi

# rec [--merge] NAME FILE CMD...: stdout to $OUT/FILE, stderr to $OUT/NAME.err (or into FILE with
# --merge), exit status to $OUT/NAME.rc, wall time to $OUT/timings.txt. Returns the command's status.
rec() {
	r_merge=no
	[ "$1" = --merge ] && { r_merge=yes; shift; }
	r_name=$1 r_file=$2
	shift 2
	r_t0=$(date +%s%N)
	if [ $r_merge = yes ]; then "$@" >"$OUT/$r_file" 2>&1; else "$@" >"$OUT/$r_file" 2>"$OUT/$r_name.err"; fi
	r_rc=$?
	r_ms=$((($(date +%s%N) - r_t0) / 1000000))
	echo "$r_rc" >"$OUT/$r_name.rc"
	[ -s "$OUT/$r_name.err" ] || rm -f "$OUT/$r_name.err"
	echo "$r_name rc=$r_rc ${r_ms}ms" | tee -a "$OUT/timings.txt"
	return $r_rc
}

# span_alarms: one "N=ALARMS" word per span, as dahdi_scan prints them (e.g. "1=RED 2=YEL").
span_alarms() {
	dahdi_scan 2>/dev/null | awk -F= '/^\[[0-9]+\]$/ { n = substr($0, 2, length($0) - 2) } $1 == "alarms" { printf "%s%s=%s", sep, n, $2; sep = " " }'
}

# wait_alarms EXPECTED [MIN_MS [MAX_MS]]: poll dahdi_scan every 0.2 s until the span alarms read exactly EXPECTED
# (e.g. "1=RED 2=YEL") and at least MIN_MS (default 1500) have passed since the call, so a span that will go RED
# (dahdi_dynamic raises RED after 1 s without receiving anything) has done so. Gives up after MAX_MS (default
# 6000). The timeline goes to $OUT/wait-alarms.txt. Returns 0 when EXPECTED was reached, 1 otherwise.
wait_alarms() {
	w_expected=$1 w_min=${2:-1500} w_max=${3:-6000}
	w_t0=$(date +%s%N)
	: >"$OUT/wait-alarms.txt"
	while :; do
		w_now=$(span_alarms)
		w_ms=$((($(date +%s%N) - w_t0) / 1000000))
		echo "${w_ms}ms $w_now" >>"$OUT/wait-alarms.txt"
		if [ "$w_now" = "$w_expected" ] && [ $w_ms -ge "$w_min" ]; then
			echo "wait_alarms: '$w_expected' after ${w_ms}ms" | tee -a "$OUT/timings.txt"
			return 0
		fi
		if [ $w_ms -ge "$w_max" ]; then
			echo "wait_alarms: gave up after ${w_ms}ms: expected '$w_expected', dahdi_scan shows '$w_now'" | tee -a "$OUT/timings.txt"
			return 1
		fi
		sleep 0.2
	done
}

# reference_tools [CHANNELS]: dahdi_scan, lsdahdi, /proc/dahdi and raw DAHDI_GET_PARAMS of CHANNELS
# (default 1-48). Returns non-zero if dahdi_scan or lsdahdi failed.
reference_tools() {
	rt_ok=0
	rec dahdi_scan dahdi_scan.txt dahdi_scan || rt_ok=1
	rec lsdahdi lsdahdi.txt lsdahdi || rt_ok=1
	cat /proc/dahdi/* >"$OUT/proc-dahdi.txt" 2>&1
	rec params params.txt dahdi-params ${1:-$(seq 1 48)}
	return $rt_ok
}

# run_check: `dahdi-doctor check` against the scenario's etc/ tree, as JSON (saving the observation), text and
# nagios; then the saved observation replayed (check-replay.json must report the same findings).
# run_check [EXTRA CHECK OPTIONS...]: check in its three formats (extra options go to each), then the replay.
# The lab's stand-in for a running Asterisk: dahdi-hold (helpers/dahdi-hold.c) opens every channel chan_dahdi.conf
# lists, as chan_dahdi does while Asterisk runs, so the kernel shows them in use. run_check holds them while it
# runs unless the scenario sets ASTERISK=stopped (Asterisk not running) before calling it. Channels the kernel
# refuses are skipped (dahdi-hold prints "skip N").
ASTERISK=${ASTERISK:-running}
STANDIN_PID=

# chan_dahdi_channels: the channel => / dahdichan = ranges of the scenario's chan_dahdi.conf and its include.
chan_dahdi_channels() {
	cat "$SCENARIO/etc/asterisk/chan_dahdi.conf" "$SCENARIO/etc/asterisk/dahdi-channels.conf" 2>/dev/null |
		sed -n 's/;.*//; s/^[[:space:]]*\(channel\|dahdichan\)[[:space:]]*=>\{0,1\}[[:space:]]*//p' | tr ',' '\n' |
		tr -d ' \t\r' | grep -E '^[0-9]+(-[0-9]+)?$' | tr '\n' ' '
}

# standin_start / standin_stop: hold (and release) the chan_dahdi.conf channels; waits up to 30 s for "ready".
standin_start() {
	[ "$ASTERISK" = running ] || return 0
	st_channels=$(chan_dahdi_channels)
	[ -n "$st_channels" ] || return 0
	command -v dahdi-hold >/dev/null 2>&1 || { echo "dahdi-hold is not on PATH: no stand-in Asterisk" | tee -a "$OUT/timings.txt"; return 1; }
	# shellcheck disable=SC2086
	dahdi-hold 600 $st_channels >"$OUT/standin.txt" 2>"$OUT/standin.err" &
	STANDIN_PID=$!
	st_i=0
	while ! grep -q '^ready' "$OUT/standin.txt" 2>/dev/null; do
		kill -0 "$STANDIN_PID" 2>/dev/null || break
		st_i=$((st_i + 1))
		[ $st_i -le 300 ] || break
		sleep 0.1
	done
	grep -q '^ready' "$OUT/standin.txt" 2>/dev/null && { echo "stand-in Asterisk: $(cat "$OUT/standin.txt")" | tee -a "$OUT/timings.txt"; return 0; }
	echo "stand-in Asterisk did not get ready: $(cat "$OUT/standin.err" 2>/dev/null)" | tee -a "$OUT/timings.txt"
	return 1
}

standin_stop() {
	[ -n "$STANDIN_PID" ] || return 0
	kill -TERM "$STANDIN_PID" 2>/dev/null
	wait "$STANDIN_PID" 2>/dev/null
	STANDIN_PID=
}

# ami_replay BEHAVIOUR: start the tests' AMI replay server (real Asterisk 22.10.1 bytes; shipped with
# --data Tests/Fakes --data Tests/DoctorCoreTests/Fixtures/ami) for 300 s, write /tmp/ami.conf and set AMI_ARGS
# for run_check. Returns 1 when it did not start within 30 s.
AMI_ARGS=
ami_replay() {
	ar_secret=lab-ami-secret-$$
	(sleep 300) | AMI_REPLAY_USER=doctor AMI_REPLAY_SECRET=$ar_secret \
		python3 "$LAB/data/Fakes/ami_replay_server.py" --fixtures "$LAB/data/ami" --behaviour "$1" \
		>"$OUT/ami-server.txt" 2>"$OUT/ami-server.err" &
	ar_i=0
	while ! grep -q '^PORT ' "$OUT/ami-server.txt" 2>/dev/null; do
		ar_i=$((ar_i + 1))
		[ $ar_i -le 300 ] || { echo "the AMI replay server did not start"; return 1; }
		sleep 0.1
	done
	(umask 077 && printf 'username = doctor\nsecret = %s\n' "$ar_secret" >/tmp/ami.conf)
	AMI_ARGS="--ami-port $(sed -n 's/^PORT //p' "$OUT/ami-server.txt") --ami-credentials /tmp/ami.conf"
	AMI_SECRET=$ar_secret
	return 0
}

run_check() {
	[ -n "$DOCTOR" ] || return 0
	standin_start
	rec check check.json "$DOCTOR" check --json --etc-root "$SCENARIO/etc" \
		--save-observation "$OUT/observation.json" "$@"
	rec check-text check.txt "$DOCTOR" check --no-color --etc-root "$SCENARIO/etc" "$@"
	rec check-nagios check-nagios.txt "$DOCTOR" check --format nagios --etc-root "$SCENARIO/etc" "$@"
	rec check-replay check-replay.json "$DOCTOR" check --json --observation "$OUT/observation.json"
	standin_stop
	return 0
}

# configure_and_check ALARMS: the usual scenario: apply $SCENARIO/system.conf with dahdi_cfg, wait until dahdi_scan
# shows ALARMS (e.g. "1=RED 2=YEL"), run the reference tools, then dahdi-doctor check. Returns 0 if the reference
# steps succeeded (run_check records its own exit status in check.rc).
configure_and_check() {
	cc_ok=0
	rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || cc_ok=1
	wait_alarms "$1" || cc_ok=1
	reference_tools || cc_ok=1
	run_check
	return $cc_ok
}
