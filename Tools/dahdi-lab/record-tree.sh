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
# Skipped: symlinks (subsystem, driver, ddev), subdirectories (power/; span-N/ children become empty markers),
# uevent,
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

# an existing bus keeps its (maybe empty) devices/ directory, so "no spans" differs from "no bus"
set -- "$DEST"
for b in dahdi_devices dahdi_spans dahdi_channels; do
	if [ -d "/sys/bus/$b/devices" ]; then
		set -- "$@" "$DEST/sys/bus/$b/devices"
	else
		echo "absent: /sys/bus/$b" >>"$LOG"
	fi
done
mkdir -p "$@"
[ -d /sys/module/dahdi ] || echo "absent: /sys/module/dahdi" >>"$LOG"
[ -d /proc/dahdi ] || echo "absent: /proc/dahdi" >>"$LOG"

set --
for d in /sys/bus/dahdi_devices/devices/* /sys/bus/dahdi_spans/devices/* /sys/bus/dahdi_channels/devices/* \
	/sys/module/dahdi/parameters /proc/dahdi; do
	[ -d "$d" ] && set -- "$@" "$d/"
done

if [ $# -gt 0 ]; then
	find "$@" -mindepth 1 -maxdepth 1 -type f ! -name uevent \
		\( -perm -u=r -print -o -fprintf "$SKIPPED" 'skipped (not readable): %p\n' \) >"$LIST"
fi
for f in /sys/module/dahdi/version /sys/bus/dahdi_spans/drivers/generic_lowlevel/master_span; do
	[ -f "$f" ] && echo "$f" >>"$LIST"
done

if [ -s "$LIST" ]; then
	LC_ALL=C xargs -d '\n' cp --parents -t "$DEST" <"$LIST" 2>"$ERRS"
	if [ -s "$ERRS" ]; then
		# cp leaves an empty file behind when the read fails: remove it
		sed -n "s/^cp: error reading '\(.*\)': .*/\1/p" "$ERRS" | while IFS= read -r f; do
			rm -f "$DEST$f"
		done
		sed 's/^/read failed: /' "$ERRS" >>"$LOG"
	fi
	chmod -R u+w "$DEST"
fi
# Which device owns each span: on a real sysfs the span is a child of its device. Plain trees keep that as an
# empty span-N/ marker directory (with .keep so git keeps it) under the device, which SysfsDirectoryReader reads.
for s in /sys/bus/dahdi_spans/devices/span-*; do
	[ -e "$s" ] || continue
	dev=$(basename "$(dirname "$(readlink -f "$s")")")
	mkdir -p "$DEST/sys/bus/dahdi_devices/devices/$dev/$(basename "$s")" &&
		: >"$DEST/sys/bus/dahdi_devices/devices/$dev/$(basename "$s")/.keep"
done
[ -s "$SKIPPED" ] && cat "$SKIPPED" >>"$LOG"
rm -f "$LIST" "$ERRS" "$SKIPPED"
cp -R "$DEST/." "$FINAL/"
rc=$?
rm -rf "$DEST"
exit $rc
