#!/bin/busybox sh
# /init of the dahdi-lab initramfs (copied there by dahdi-lab; runs under busybox in the guest).
#
# Initramfs layout (made by dahdi-lab):
#   /bin/busybox          static busybox
#   /lab/kmod/*.ko        kernel modules for virtio + 9p, loaded in the order of /lab/kmod/order
#   /lab/dahdi/*.ko       DAHDI modules built from dahdi-source
#   /lab/dahdi/deps       "name dep1 dep2..." per DAHDI module (from modinfo)
#   /lab/kernel           the kernel version
# Shares (QEMU -virtfs): hostroot = host / (read-only), lab = the run's share (writable).

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /host /tmp
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

say() { echo "lab-init [$(cut -d' ' -f1 /proc/uptime)s]: $*"; }
die() {
	say "FATAL: $*"
	poweroff -f
	sleep 60
}

say "kernel $(uname -r), loading virtio/9p modules"
for m in $(cat /lab/kmod/order); do
	insmod "/lab/kmod/$m.ko" || die "insmod $m failed"
done

H=/host
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose hostroot "$H" || die "cannot mount the host root (9p tag hostroot)"
mount -t proc proc "$H/proc" || die "mount $H/proc"
mount -t sysfs sysfs "$H/sys" || die "mount $H/sys"
mount -t devtmpfs devtmpfs "$H/dev" || die "mount $H/dev"
mkdir -p "$H/dev/pts" && mount -t devpts devpts "$H/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$H/tmp" || die "mount $H/tmp"
mount -t tmpfs -o mode=755 tmpfs "$H/run" || die "mount $H/run"
# The DAHDI modules where the steps can reach them, for scenarios that unload and reload the driver.
mkdir -p "$H/run/lab/dahdi" && cp /lab/dahdi/* "$H/run/lab/dahdi/" || die "copy the modules to $H/run/lab/dahdi"
mkdir -p "$H/run/lock" "$H/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$H/dev/shm" || die "mount $H/dev/shm"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 lab "$H/mnt" || die "cannot mount the lab share (9p tag lab) on $H/mnt"

L=$H/mnt
OUT=$L/out
[ -d "$OUT" ] || die "lab share has no out/ directory"
MODLOG=$OUT/modules.log
: >"$MODLOG"

# load_mod NAME [PARAM=VALUE...]: DAHDI module with its dependencies first; one log line per insmod.
load_mod() {
	lm_name=$1
	shift
	if grep -q "^$lm_name " /proc/modules; then
		echo "skip $lm_name (already loaded)" >>"$MODLOG"
		return 0
	fi
	if [ ! -f "/lab/dahdi/$lm_name.ko" ]; then
		echo "rc=1 $lm_name${*:+ $*}" >>"$MODLOG"
		echo "  no module $lm_name.ko in the lab initramfs (have: $(cd /lab/dahdi && echo *.ko))" >>"$MODLOG"
		return 1
	fi
	for lm_dep in $(sed -n "s/^$lm_name //p" /lab/dahdi/deps); do
		grep -q "^$lm_dep " /proc/modules || load_mod "$lm_dep"
	done
	lm_err=$(insmod "/lab/dahdi/$lm_name.ko" "$@" 2>&1)
	lm_rc=$?
	echo "rc=$lm_rc $lm_name${*:+ $*}" >>"$MODLOG"
	[ -z "$lm_err" ] || echo "$lm_err" | sed 's/^/  /' >>"$MODLOG"
	return $lm_rc
}

if [ -f "$L/scenario/modules" ]; then
	say "loading DAHDI modules from scenario/modules"
	sed -e 's/#.*//' "$L/scenario/modules" >/tmp/modules.list
else
	say "loading the default DAHDI modules"
	printf '%s\n' 'dahdi auto_assign_spans=1' dahdi_dynamic dahdi_dynamic_loc dahdi_echocan_mg2 >/tmp/modules.list
fi
while read -r line; do
	set -- $line
	[ $# -gt 0 ] || continue
	load_mod "$@" || say "module load failed: $line"
done </tmp/modules.list
[ -s "$MODLOG" ] || echo "# no DAHDI module listed" >"$MODLOG"
cp /proc/modules "$OUT/modules.loaded"

# Loopback up, as on any real box: steps may run local servers (a fake Asterisk's AMI) and connect to 127.0.0.1.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null || say "could not bring lo up"

say "running scenario steps"
chroot "$H" /bin/sh /mnt/lab-run.sh
say "steps finished (rc $(cat "$OUT/steps.rc" 2>/dev/null || echo missing))"

dmesg >"$OUT/dmesg.txt" 2>&1
sync
umount "$H/mnt" 2>/dev/null
say "power off"
poweroff -f
sleep 60
