#!/bin/sh
# dahdi-lab scenario "modules-other-kernel": the box is configured for DAHDI (etc/ as in driver-not-loaded) and no
# DAHDI module is loaded. An injected root (--fs-root) holds the module tree of a box after a kernel update
# without rebuilt modules: dahdi.ko under /lib/modules/<old kernel>/updates/dkms, none for the running kernel,
# no headers for it, and DKMS's tree with dahdi built and installed for the old kernel only. A second root has
# the modules built for a newer kernel than the running one: a reboot is pending.
# Runs in the guest with LAB, SCENARIO, OUT and BIN set; see ../../README.md.
# Exit status: 0 if the driver is indeed absent (no /dev/dahdi/ctl).
set -u

. "$SCENARIO/common.sh" # rec, run_check

running=$(cat /proc/sys/kernel/osrelease)
old=5.10.0-30-amd64
# The next ABI of the running kernel (6.1.0-57-amd64 -> 6.1.0-58-amd64).
newer=$(echo "$running" | awk -F- '{ $2 = $2 + 1; print }' OFS=-)
echo "running=$running old=$old newer=$newer" >"$OUT/kernels.txt"

root=/tmp/updated-root
mkdir -p "$root/lib/modules/$old/updates/dkms" "$root/lib/modules/$old/build" "$root/lib/modules/$running/kernel" \
	"$root/var/lib/dkms/dahdi/3.1.0/$old/x86_64/module" "$root/var/lib/dkms/dahdi/3.1.0/source"
for m in dahdi dahdi_dynamic dahdi_dynamic_loc dahdi_echocan_mg2; do
	: >"$root/lib/modules/$old/updates/dkms/$m.ko"
	: >"$root/var/lib/dkms/dahdi/3.1.0/$old/x86_64/module/$m.ko"
done
ln -s "3.1.0/$old/x86_64" "$root/var/lib/dkms/dahdi/kernel-$old-x86_64"

reboot=/tmp/reboot-root
mkdir -p "$reboot/lib/modules/$newer/updates/dkms" "$reboot/lib/modules/$running/kernel" "$reboot/run"
: >"$reboot/lib/modules/$newer/updates/dkms/dahdi.ko"
echo '*** System restart required ***' >"$reboot/run/reboot-required"
echo "linux-image-$newer" >"$reboot/run/reboot-required.pkgs"

ok=0
rec --merge modprobe modprobe.txt modprobe -n -v dahdi
run_check --fs-root "$root"
if [ -n "$DOCTOR" ]; then
	rec check-reboot check-reboot.json "$DOCTOR" check --json --etc-root "$SCENARIO/etc" --fs-root "$reboot"
	rec check-real check-real.json "$DOCTOR" check --json --etc-root "$SCENARIO/etc"
fi
[ -e /dev/dahdi/ctl ] && ok=1
exit $ok
