#!/bin/sh
# record-tree.sh DEST: copy what a DAHDI reader looks at into a plain file tree under DEST.
# Lab-only; runs inside the dahdi-lab guest (in $BIN). Paths under DEST mirror the real ones:
#   DEST/sys/bus/dahdi_devices/devices/<dev>/<attr>
#   DEST/sys/bus/dahdi_spans/devices/span-N/<attr>
#   DEST/sys/bus/dahdi_spans/drivers/generic_lowlevel/master_span
#   DEST/sys/bus/dahdi_channels/devices/<chan>/<attr>      (<chan> like dahdi!chan!001!001)
#   DEST/sys/module/dahdi/version, DEST/sys/module/dahdi/parameters/*
#   DEST/proc/dahdi/*
# Only regular files readable by their owner are copied, byte for byte; symlinks, subdirectories
# (power/, span-N/ children, ...) and uevent are skipped. A file whose read fails (e.g. basechan of a
# span without channels gives ENODEV) is left out and noted in DEST/record-tree.log.
set -u
[ $# -eq 1 ] || {
	echo "usage: record-tree.sh DEST" >&2
	exit 2
}
DEST=$1
mkdir -p "$DEST" || exit 1
LOG=$DEST/record-tree.log
: >"$LOG"

# copy_file SRC DSTDIR
copy_file() {
	cf_name=${1##*/}
	# root may open any file, so look at the mode: skip files without the owner-read bit (write-only)
	case "$(stat -c %A "$1" 2>/dev/null)" in
	?r*) ;;
	*)
		echo "skipped (not readable): $1" >>"$LOG"
		return 0
		;;
	esac
	mkdir -p "$2"
	if ! cat "$1" >"$2/$cf_name" 2>>"$LOG"; then
		rm -f "$2/$cf_name"
		echo "read failed: $1" >>"$LOG"
	fi
}

# copy_attrs SRCDIR DSTDIR: the regular attribute files directly inside SRCDIR
copy_attrs() {
	mkdir -p "$2"
	for ca_f in "$1"/*; do
		[ -f "$ca_f" ] && [ ! -L "$ca_f" ] || continue
		[ "${ca_f##*/}" = uevent ] && continue
		copy_file "$ca_f" "$2"
	done
}

for bus in dahdi_devices dahdi_spans dahdi_channels; do
	[ -d "/sys/bus/$bus/devices" ] || {
		echo "absent: /sys/bus/$bus" >>"$LOG"
		continue
	}
	mkdir -p "$DEST/sys/bus/$bus/devices"
	for d in "/sys/bus/$bus/devices"/*; do
		[ -e "$d" ] || continue
		# the entries are symlinks into /sys/devices; record the device directory itself
		copy_attrs "$d/" "$DEST/sys/bus/$bus/devices/${d##*/}"
	done
done

drv=/sys/bus/dahdi_spans/drivers/generic_lowlevel
[ -f "$drv/master_span" ] && copy_file "$drv/master_span" "$DEST$drv"

if [ -d /sys/module/dahdi ]; then
	[ -f /sys/module/dahdi/version ] && copy_file /sys/module/dahdi/version "$DEST/sys/module/dahdi"
	[ -d /sys/module/dahdi/parameters ] && copy_attrs /sys/module/dahdi/parameters "$DEST/sys/module/dahdi/parameters"
else
	echo "absent: /sys/module/dahdi" >>"$LOG"
fi

if [ -d /proc/dahdi ]; then
	copy_attrs /proc/dahdi "$DEST/proc/dahdi"
else
	echo "absent: /proc/dahdi" >>"$LOG"
fi
exit 0
