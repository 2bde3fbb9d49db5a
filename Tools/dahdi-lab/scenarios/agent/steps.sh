#!/bin/sh
# dahdi-lab scenario "agent": `dahdi-doctor agent` runs while the box changes under it, and the socket and the
# textfile must follow each change without the agent crashing:
#   1 healthy (two loc spans OK)          2 spans destroyed and recreated by dahdi_cfg into RED/YELLOW (how long
#                                           the report, health and textfile take to show RED: red_latency.py)
#   3 healthy again                       4 the whole DAHDI driver unloaded (rmmod, retried while busy)
#   5 the driver reloaded (hotplug)       6 the AMI peer (the replay server) killed
#   7 the textfile directory read-only, then writable again; /run read-only for a moment
#   8 a second agent on the live socket (refused), and one whose /run directory is read-only (refused)
#   9 SIGTERM: exit 0, socket removed, textfile still valid
# Each phase saves agent-N-*.{health,report,events,prom}; Tests/Lab/check_lab.py judges them.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
set -u

. "$SCENARIO/common.sh" # rec, wait_alarms, reference_tools

ok=0
SOCK=/run/dahdi-doctor/doctor.sock
TEXTFILES=/run/textfile
GET="python3 $SCENARIO/agent_get.py"
MODULES=/run/lab/dahdi

# snapshot N NAME: the agent's four endpoints and the textfile, as they are now.
snapshot() {
	$GET "$SOCK" /v1/health >"$OUT/agent-$1-$2.health" 2>&1
	$GET "$SOCK" /v1/report >"$OUT/agent-$1-$2.report" 2>&1
	$GET "$SOCK" /v1/events >"$OUT/agent-$1-$2.events" 2>&1
	cp "$TEXTFILES/dahdi_doctor.prom" "$OUT/agent-$1-$2.prom" 2>>"$OUT/agent-$1-$2.prom.err"
	kill -0 "$agent_pid" 2>/dev/null && echo alive >"$OUT/agent-$1-$2.alive" || echo dead >"$OUT/agent-$1-$2.alive"
	echo "snapshot $1 $2 $(head -1 "$OUT/agent-$1-$2.health")" | tee -a "$OUT/timings.txt"
}

# until_report [-v] GREP_PATTERN: poll /v1/report until it matches (with -v: until it no longer does), 30 s at
# most; the agent reads the kernel every second.
until_report() {
	u_not=no
	[ "$1" = -v ] && { u_not=yes; shift; }
	u_end=$(($(date +%s) + 30))
	while [ "$(date +%s)" -lt $u_end ]; do
		if $GET "$SOCK" /v1/report 2>/dev/null | grep -q "$1"; then
			[ $u_not = no ] && return 0
		else
			[ $u_not = yes ] && return 0
		fi
		sleep 0.2
	done
	echo "until_report: $([ $u_not = yes ] && echo still || echo no) '$1' after 30 s" | tee -a "$OUT/timings.txt"
	return 1
}

rec --merge dahdi_cfg dahdi_cfg.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=OK 2=OK" || ok=1
[ -n "$DOCTOR" ] || { echo "no dahdi-doctor binary"; exit 1; }

# The fake Asterisk (see ami-no-chan-dahdi): it sends real captured events after an events-on login.
secret=lab-ami-secret-$$
(sleep 600) | AMI_REPLAY_USER=doctor AMI_REPLAY_SECRET=$secret \
	python3 "$LAB/data/Fakes/ami_replay_server.py" --fixtures "$LAB/data/ami" --behaviour events \
	>"$OUT/ami-server.txt" 2>"$OUT/ami-server.err" &
ami_pid=$!
i=0
while ! grep -q '^PORT ' "$OUT/ami-server.txt" 2>/dev/null; do
	i=$((i + 1)); [ $i -le 100 ] || { echo "the AMI replay server did not start"; ok=1; break; }
	sleep 0.1
done
port=$(sed -n 's/^PORT //p' "$OUT/ami-server.txt")
umask 077
printf 'username = doctor\nsecret = %s\n' "$secret" >/tmp/ami.conf
umask 022

mkdir -p "$TEXTFILES" && mount -t tmpfs -o mode=755 tmpfs "$TEXTFILES"
"$DOCTOR" agent --etc-root "$SCENARIO/etc" --config /nonexistent/doctor.toml --socket "$SOCK" \
	--textfile-directory "$TEXTFILES" --interval 1 --rate-window 10 --ami-port "$port" --ami-credentials /tmp/ami.conf \
	--ami-resync 3600 >"$OUT/agent.stdout" 2>"$OUT/agent.log" &
agent_pid=$!
i=0
while ! $GET "$SOCK" /v1/health >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -le 150 ] || { echo "the agent did not start serving"; ok=1; break; }
	sleep 0.2
done
echo "agent serving after ~$((i / 5)) s" | tee -a "$OUT/timings.txt"
sleep 2
snapshot 1 healthy

# replace_spans CONF: destroy the loc spans (unloading dahdi_dynamic_loc takes its spans with it; dahdi_cfg cannot
# re-create a dynamic span whose address changed) and create them again from CONF.
replace_spans() {
	rmmod dahdi_dynamic_loc || ok=1
	insmod "$MODULES/dahdi_dynamic_loc.ko" || ok=1
}

# 2: the spans destroyed and recreated as a link whose span 1 receives nothing (RED) and span 2 gets the yellow flag.
replace_spans
rec --merge dahdi_cfg-red dahdi_cfg-red.txt dahdi_cfg -c "$SCENARIO/system-red-yellow.conf" -vv || ok=1
# dahdi_dynamic raises RED after 1 s without a peer: from the moment dahdi_scan shows it, the report, /v1/health and
# the textfile must follow within one --interval (plus a read), whichever tier reads it.
rec agent-red-latency agent-red-latency.txt python3 "$SCENARIO/red_latency.py" "$SOCK" "$TEXTFILES/dahdi_doctor.prom" \
	"$OUT/agent-red-latency.json" 60 || ok=1
wait_alarms "1=RED 2=YEL" || ok=1
until_report span-red-alarm || ok=1
snapshot 2 red

# 3: back to the wired pair.
replace_spans
rec --merge dahdi_cfg-ok dahdi_cfg-ok.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=OK 2=OK" || ok=1
until_report -v span-red-alarm || ok=1
snapshot 3 healthy-again

# 4: unload every DAHDI module while the agent reads /dev/dahdi/ctl every second. rmmod fails with EBUSY while a
# read holds the control device open, so retry: the race is the point.
for m in dahdi_dynamic_loc dahdi_dynamic dahdi_echocan_mg2 dahdi; do
	i=0
	until rmmod "$m" 2>>"$OUT/rmmod.err"; do
		i=$((i + 1)); [ $i -le 50 ] || { echo "rmmod $m kept failing"; ok=1; break; }
		sleep 0.1
	done
	echo "rmmod $m after $i retries" | tee -a "$OUT/timings.txt"
done
grep -q '^dahdi ' /proc/modules && { echo "dahdi still loaded"; ok=1; }
until_report 'driver-not-loaded\|control-device-missing\|no-dahdi' || ok=1
snapshot 4 unloaded

# 5: load it again (dependencies first, as modprobe would) and configure: the agent hears the uevents.
insmod "$MODULES/dahdi.ko" auto_assign_spans=1 && insmod "$MODULES/dahdi_dynamic.ko" &&
	insmod "$MODULES/dahdi_dynamic_loc.ko" && insmod "$MODULES/dahdi_echocan_mg2.ko" || { echo "reload failed"; ok=1; }
rec --merge dahdi_cfg-reload dahdi_cfg-reload.txt dahdi_cfg -c "$SCENARIO/system.conf" -vv || ok=1
wait_alarms "1=OK 2=OK" || ok=1
until_report -v 'driver-not-loaded\|control-device-missing\|no-dahdi' || ok=1
until_report '"spans" : 2' || ok=1
snapshot 5 reloaded

# 6: Asterisk goes away.
kill "$ami_pid" 2>/dev/null; pkill -f ami_replay_server.py 2>/dev/null
i=0
while ! $GET "$SOCK" /v1/report 2>/dev/null | python3 -c 'import json,sys; r=json.loads(sys.stdin.read().split("\n",1)[1]); sys.exit(0 if any(s["name"]=="ami" and not s["available"] for s in r["sources"]) else 1)'; do
	i=$((i + 1)); [ $i -le 100 ] || { echo "AMI never reported unavailable"; ok=1; break; }
	sleep 0.2
done
snapshot 6 ami-gone

# 7: the textfile directory turns read-only (a full or remounted /var/lib): the agent keeps serving, says so once,
# and the last textfile stays whole; writable again, it writes again.
mount -o remount,ro "$TEXTFILES"
# The agent writes the textfile only when the report changes (or once a minute): channel 1 goes off-hook for 4 s
# (its peer, channel 25, reads off-hook in GET_PARAMS: a fast-tier change), so there is something to write, now
# and again when the hook drops.
dahdi-hook 1 offhook 4 >"$OUT/agent-7-hook.txt" 2>&1 &
sleep 3
cp "$TEXTFILES/dahdi_doctor.prom" "$OUT/agent-7-readonly.prom"
$GET "$SOCK" /v1/health >"$OUT/agent-7-readonly.health" 2>&1
mount -o remount,rw "$TEXTFILES"
# /run itself read-only while the agent serves from it: the bound socket keeps answering.
mount -o remount,ro /run
$GET "$SOCK" /v1/health >"$OUT/agent-7-run-readonly.health" 2>&1
mount -o remount,rw /run
sleep 3
snapshot 7 writable-again

# 8: a second agent must never steal the live socket; one that cannot create its socket directory must say why.
rec agent-second agent-second.txt "$DOCTOR" agent --no-ami --etc-root "$SCENARIO/etc" --config /nonexistent/doctor.toml \
	--socket "$SOCK" --interval 1
mkdir -p /run/readonly && mount -t tmpfs -o ro tmpfs /run/readonly
rec agent-readonly-run agent-readonly-run.txt "$DOCTOR" agent --no-ami --etc-root "$SCENARIO/etc" \
	--config /nonexistent/doctor.toml --socket /run/readonly/dahdi-doctor/doctor.sock --interval 1
$GET "$SOCK" /v1/health >"$OUT/agent-8-after-intruders.health" 2>&1

# 9: SIGTERM.
t0=$(date +%s%N)
kill -TERM "$agent_pid"
wait "$agent_pid"
echo "$?" >"$OUT/agent.rc"
echo "agent stopped in $((($(date +%s%N) - t0) / 1000000)) ms" | tee -a "$OUT/timings.txt"
[ -e "$SOCK" ] && echo present >"$OUT/agent-socket-after-stop.txt" || echo absent >"$OUT/agent-socket-after-stop.txt"
cp "$TEXTFILES/dahdi_doctor.prom" "$OUT/agent-9-final.prom"
if command -v promtool >/dev/null; then
	for f in "$OUT"/agent-*.prom; do
		promtool check metrics <"$f" >"$f.promtool" 2>&1
		echo "$?" >"$f.promtool.rc"
	done
fi
if grep -rl "$secret" "$OUT" 2>/dev/null | grep -v ami-server; then echo "secret leaked"; ok=1; fi
exit $ok
