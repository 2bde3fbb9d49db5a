#!/usr/bin/env bash
# record.sh PREFIX OUT [DAHDI_DOCTOR]: boots the dahdi-lab guest once per box (boxes/*) with the Asterisk installed
# under PREFIX, runs steps.sh there and leaves each box's outputs in OUT/<box> (the recorded control-socket bytes in
# OUT/<box>/console). With DAHDI_DOCTOR (a built dahdi-doctor), also runs `check` over the console and over AMI
# against the real Asterisk in each state (OUT/<box>/doctor), and `setup ami` end to end (OUT/<box>/setup).
# RECORD_BOXES="box ..." limits the run to those boxes. Lab tool, not CI: see README.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/../dahdi-lab
[ $# -ge 2 ] || { echo "usage: record.sh PREFIX OUT [DAHDI_DOCTOR]" >&2; exit 2; }
PREFIX=$(cd "$1" && pwd)
OUT=$2
DOCTOR=${3:-}
[ -x "$PREFIX/sbin/asterisk" ] || { echo "no $PREFIX/sbin/asterisk" >&2; exit 2; }
# Asterisk is built with BUILD_NATIVE: TCG's default CPU lacks the host's instructions.
export LAB_QEMU_CPU=${LAB_QEMU_CPU:-max}
mkdir -p "$OUT"
rc=0
for box in "$HERE"/boxes/*/; do
	name=$(basename "$box")
	# RECORD_BOXES="healthy-2spans" runs only the boxes named (default: all)
	case " ${RECORD_BOXES:-$name} " in *" $name "*) ;; *) continue ;; esac
	scen=$(mktemp -d)
	cp "$HERE/steps.sh" "$HERE/record-console.py" "$HERE/gw-register.xml" "$scen/"
	cp -L "$HERE/../scenarios/common.sh" "$scen/common.sh"
	cp -R "$HERE/asterisk" "$scen/asterisk"
	cp "$box"/* "$scen/"
	echo "$name" >"$scen/box"
	echo "$PREFIX" >"$scen/asterisk-prefix"
	args=()
	if [ -n "$DOCTOR" ]; then
		# the steps look for $BIN/dahdi-doctor (common.sh)
		mkdir -p "$scen.bin" && cp "$DOCTOR" "$scen.bin/dahdi-doctor"
		args=(--binary "$scen.bin/dahdi-doctor")
	fi
	"$LAB" run "$scen" --out "$OUT/$name" --timeout 1500 "${args[@]}" || rc=$?
	rm -rf "$scen" "$scen.bin"
done
exit $rc
