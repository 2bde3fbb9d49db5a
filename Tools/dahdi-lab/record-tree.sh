#!/bin/sh
# record-tree.sh DEST: copy what a DAHDI reader looks at into a plain file tree under DEST.
# Lab-only; runs inside the dahdi-lab guest (from $BIN). Paths under DEST mirror the real ones:
#   DEST/sys/bus/dahdi_devices/devices/<dev>/<attr>
#   DEST/sys/bus/dahdi_spans/devices/span-N/<attr>
#   DEST/sys/bus/dahdi_spans/drivers/generic_lowlevel/master_span
#   DEST/sys/bus/dahdi_channels/devices/<chan>/<attr>      (<chan> like dahdi!chan!001!001)
#   DEST/sys/module/dahdi/version, DEST/sys/module/dahdi/parameters/*
#   DEST/proc/dahdi/*
# Copied: regular files directly in those directories whose owner-read bit is set, byte for byte.
# Skipped: symlinks (subsystem, driver, ddev), subdirectories (power/, span-N/ children), uevent,
# write-only attributes (listed in DEST/record-tree.log). A file whose read fails (basechan of a span
# without channels gives ENODEV) is left out and its error noted in DEST/record-tree.log.
# Under TCG every process costs 50-80 ms and every file operation on the 9p share costs a few ms, so
# this uses a fixed handful of processes and builds the tree in a tmpfs staging directory first.
set -u
[ $# -eq 1 ] || {
	echo "usage: record-tree.sh DEST" >&2
	exit 2
}
FINAL=$1
mkdir -p "$FINAL" || exit 1
DEST=$(mktemp -d "${TMPDIR:-/tmp}/record-tree.XXXXXX") || exit 1
LOG=$DEST/record-tree.log
LIST=$DEST/.record-tree.list
ERRS=$DEST/.record-tree.err
SKIPPED=$DEST/.record-tree.skipped
: >"$LOG"
: >"$LIST"
: >"$ERRS"
: >"$SKIPPED"

set --
for d in /sys/bus/dahdi_devices/devices/* /sys/bus/dahdi_spans/devices/* /sys/bus/dahdi_channels/devices/* \
	/sys/module/dahdi/parameters /proc/dahdi; do
	[ -d "$d" ] && set -- "$@" "$d/"
done
for b in dahdi_devices dahdi_spans dahdi_channels; do
	[ -d "/sys/bus/$b" ] || echo "absent: /sys/bus/$b" >>"$LOG"
done
[ -d /sys/module/dahdi ] || echo "absent: /sys/module/dahdi" >>"$LOG"
[ -d /proc/dahdi ] || echo "absent: /proc/dahdi" >>"$LOG"

if [ $# -gt 0 ]; then
	find "$@" -mindepth 1 -maxdepth 1 -type f ! -name uevent \
		\( -perm -u=r -print -o -fprintf "$SKIPPED" 'skipped (not readable): %p\n' \) >"$LIST"
fi
for f in /sys/module/dahdi/version /sys/bus/dahdi_spans/drivers/generic_lowlevel/master_span; do
	[ -f "$f" ] && echo "$f" >>"$LIST"
done

if [ -s "$LIST" ]; then
	xargs -d '\n' cp --parents -t "$DEST" <"$LIST" 2>"$ERRS"
	if [ -s "$ERRS" ]; then
		# cp leaves an empty file behind when the read fails: remove it
		sed -n "s/^cp: error reading '\(.*\)': .*/\1/p" "$ERRS" | while IFS= read -r f; do
			rm -f "$DEST$f"
		done
		sed 's/^/read failed: /' "$ERRS" >>"$LOG"
	fi
	chmod -R u+w "$DEST"
fi
[ -s "$SKIPPED" ] && cat "$SKIPPED" >>"$LOG"
rm -f "$LIST" "$ERRS" "$SKIPPED"
cp -R "$DEST/." "$FINAL/"
rc=$?
rm -rf "$DEST"
exit $rc
