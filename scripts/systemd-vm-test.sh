#!/usr/bin/env bash
# Runs the packaged agent under a real systemd: boots the Debian 12 debootstrap root of
# scripts/package-test.sh in qemu (systemd as PID 1, local mosquitto, the .deb installed) and
# checks the unit for real: Type=notify start, user/groups, measurements and health on the
# broker, the watchdog, reload, graceful stop, and that the hardening is in effect.
#
# Usage: scripts/systemd-vm-test.sh --deb PATH [--root DIR]
#   --deb PATH   the package under test (package-test.sh passes the one it built)
#   --root DIR   a Debian 12 root with systemd-sysv (default: package-test.sh's cached
#                ${EDGEMLOPS_CACHE}/debootstrap-bookworm-<key>, the key computed the same way)
# Prints one "PASS name" / "FAIL name: why" line per check and ends with
# "systemd-vm-test: N passed, M failed"; exits non-zero on any failure.
# Environment:
#   EDGEMLOPS_CACHE               cache (default ~/.cache/edgemlops): kernel, bookworm .debs, VM root
#   EDGEMLOPS_SKIP_SYSTEMD_TEST=1 skip, and say so
#   EDGEMLOPS_VM_TIMEOUT          seconds before the VM is killed (default 600)
#   EDGEMLOPS_VM_ACCEL            kvm or tcg (default: kvm when it works, else tcg)
# Needs root (chroot, dpkg in the copy of the root); never modifies the cached root.
set -uo pipefail

if [[ "${EDGEMLOPS_SKIP_SYSTEMD_TEST:-}" == 1 ]]; then
    echo "systemd-vm-test: SKIPPED (EDGEMLOPS_SKIP_SYSTEMD_TEST=1)"
    exit 0
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
cache="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}"
timeout_s=${EDGEMLOPS_VM_TIMEOUT:-600}
deb=""
base=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --deb) deb=$2; shift 2 ;;
        --root) base=$2; shift 2 ;;
        *) echo "usage: $0 --deb PATH [--root DIR]" >&2; exit 2 ;;
    esac
done

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
finish() { echo "systemd-vm-test: $passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit $?; }

[[ -f "$deb" ]] || { fail "systemd-vm-test --deb" "no package at '${deb}'"; finish; }
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
if [[ $(id -u) -ne 0 ]]; then
    fail "systemd-vm-test needs root" "chroot and dpkg need uid 0"
    finish
fi
for tool in qemu-system-x86_64 mke2fs busybox cpio dpkg-deb depmod modprobe chroot; do
    command -v "$tool" >/dev/null || { fail "tool $tool" "missing; run packaging/install-deps.sh"; finish; }
done

# The root package-test.sh caches: keyed by the package's Depends: field.
if [[ -z "$base" ]]; then
    deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep -v '^$' | sort -u | paste -sd, -)
    key=$(printf '%s' "$deps" | sha256sum | cut -c1-16)
    base="$cache/debootstrap-bookworm-$key"
    [[ -f "$base/.complete" ]] || { fail "debootstrap root $base" "not cached; run scripts/package-test.sh first or pass --root"; finish; }
fi
[[ -x "$base/lib/systemd/systemd" ]] || { fail "root $base" "has no /lib/systemd/systemd (needs systemd-sysv)"; finish; }

work=$(mktemp -d "${TMPDIR:-/tmp}/edgemlops-systemd-vm.XXXXXX")
mounted=()
cleanup() {
    for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)

# Runs a command in a chroot with proc, dev and (for apt) the host's resolver.
in_root() {
    local dir=$1; shift
    chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"
}
mount_root() {
    mount -t proc proc "$1/proc" && mounted=("$1/proc" "${mounted[@]}")
    mount --bind /dev "$1/dev" && mounted=("$1/dev" "${mounted[@]}")
}
umount_root() { umount -l "$1/proc" "$1/dev" 2>/dev/null; }

# 1. The VM root: the debootstrap root plus mosquitto, cached (built once from a copy).
#    Downloaded .debs stay in $cache/debs-bookworm so a rebuild needs no network.
vmbase="$cache/systemd-vm-$(basename "$base")"
if [[ ! -f "$vmbase/.complete" ]]; then
    rm -rf "$vmbase"
    cp -a "$base" "$vmbase"
    mkdir -p "$cache/debs-bookworm/partial"
    cp /etc/resolv.conf "$vmbase/etc/resolv.conf"
    # No daemon may start inside the chroot.
    printf '#!/bin/sh\nexit 101\n' >"$vmbase/usr/sbin/policy-rc.d"; chmod +x "$vmbase/usr/sbin/policy-rc.d"
    mount_root "$vmbase"
    mkdir -p "$vmbase/var/cache/apt/archives"
    mount --bind "$cache/debs-bookworm" "$vmbase/var/cache/apt/archives" && mounted=("$vmbase/var/cache/apt/archives" "${mounted[@]}")
    if in_root "$vmbase" apt-get update >"$work/apt.log" 2>&1 &&
        in_root "$vmbase" apt-get install -y --no-install-recommends mosquitto mosquitto-clients >>"$work/apt.log" 2>&1; then
        umount -l "$vmbase/var/cache/apt/archives"
        umount_root "$vmbase"
        rm -f "$vmbase/usr/sbin/policy-rc.d"
        touch "$vmbase/.complete"
        pass "VM root: mosquitto from deb.debian.org ($(( $(date +%s) - started ))s, cached in $vmbase)"
    else
        umount -l "$vmbase/var/cache/apt/archives"
        umount_root "$vmbase"
        fail "VM root: apt-get install mosquitto mosquitto-clients" "$(tail -2 "$work/apt.log" | tr '\n' ' ')"
        rm -rf "$vmbase"
        finish
    fi
else
    echo "  using cached VM root $vmbase"
fi

# 2. This run's root: a copy with the package installed the way a user installs it.
rootfs="$work/root"
cp -a "$vmbase" "$rootfs"
rm -f "$rootfs/.complete"
printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"; chmod +x "$rootfs/usr/sbin/policy-rc.d"
cp "$deb" "$rootfs/tmp/"
mount_root "$rootfs"
if in_root "$rootfs" dpkg -i "/tmp/$(basename "$deb")" >"$work/dpkg.log" 2>&1; then
    pass "dpkg -i $(basename "$deb") in the VM root"
else
    fail "dpkg -i $(basename "$deb") in the VM root" "$(tail -3 "$work/dpkg.log" | tr '\n' ' ')"
    finish
fi
umount_root "$rootfs"
rm -f "$rootfs/usr/sbin/policy-rc.d" "$rootfs/tmp/$(basename "$deb")"

echo vmtest >"$rootfs/etc/hostname"
: >"$rootfs/etc/fstab"
# No udev in a minbase root: the console getty would wait for a device unit that never appears.
ln -sf /dev/null "$rootfs/etc/systemd/system/serial-getty@ttyS0.service"
# A short watchdog, so that "still running after 3x WatchdogSec" takes seconds, not minutes.
mkdir -p "$rootfs/etc/systemd/system/edgemlops.service.d"
printf '[Service]\nWatchdogSec=4\n' >"$rootfs/etc/systemd/system/edgemlops.service.d/vmtest.conf"
install -m 0755 "$repo/scripts/systemd-vm-test/checks.sh" "$rootfs/usr/local/sbin/edgemlops-vmtest"
cat >"$rootfs/etc/systemd/system/edgemlops-vmtest.service" <<'UNIT'
[Unit]
Description=EdgeMLOps systemd VM test (checks, then power off)
After=edgemlops.service mosquitto.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/edgemlops-vmtest
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/edgemlops-vmtest.service "$rootfs/etc/systemd/system/multi-user.target.wants/edgemlops-vmtest.service"

# 3. Kernel and a busybox initramfs that loads virtio-blk + ext4 and switches to systemd.
kdeb=$(ls -t "$cache"/kernel/linux-image-*-amd64_*.deb 2>/dev/null | head -1)
[[ -n "$kdeb" ]] || { fail "kernel" "no linux-image .deb in $cache/kernel (scripts/vivid-vm-test.sh downloads it)"; finish; }
dpkg-deb -x "$kdeb" "$work/k"
kver=$(ls "$work/k/lib/modules" | head -1)
depmod -b "$work/k" "$kver"
initrd="$work/initrd"
mkdir -p "$initrd"/{bin,dev,proc,sys,newroot,modules}
cp "$(command -v busybox)" "$initrd/bin/busybox"
for m in virtio_pci virtio_blk crc32c_generic ext4; do
    modprobe -d "$work/k" -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ {print $2}' >"$work/modules.txt"
: >"$initrd/modules/order"
while read -r ko; do
    cp "$ko" "$initrd/modules/"
    basename "$ko" >>"$initrd/modules/order"
done <"$work/modules.txt"
cat >"$initrd/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
grep -q edgemlops.probe /proc/cmdline && { echo VMPROBE; poweroff -f; }
while read -r ko; do insmod /modules/$ko 2>/dev/null; done </modules/order
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.5; done
mount -t ext4 -o rw /dev/vda /newroot || { echo "VMTEST FAIL mount root: /dev/vda"; poweroff -f; }
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /lib/systemd/systemd
INIT
chmod +x "$initrd/init"
(cd "$initrd" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

# 4. The disk: ext4 made from the directory (no loop mount needed), sized with headroom.
size_mb=$(( $(du -sm "$rootfs" | cut -f1) + 512 ))
if mke2fs -q -t ext4 -d "$rootfs" -L vmroot "$work/root.img" "${size_mb}M" >"$work/mke2fs.log" 2>&1; then
    echo "  root image ${size_mb} MB ready in $(( $(date +%s) - started ))s"
else
    fail "mke2fs -d root image" "$(tail -2 "$work/mke2fs.log" | tr '\n' ' ')"
    finish
fi
rm -rf "$rootfs"

# 5. Boot: KVM when /dev/kvm works, else TCG (several times slower, same checks).
boot() {
    local accel=$1 cpu=host
    [[ $accel == tcg ]] && cpu=max
    timeout "$timeout_s" qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -m 1024 -smp 2 \
        -nographic -no-reboot -kernel "$work/k/boot/vmlinuz-$kver" -initrd "$work/initrd.gz" \
        -drive "file=$work/root.img,format=raw,if=virtio" -nic none \
        -append "console=ttyS0 panic=-1 quiet systemd.show_status=0 systemd.unified_cgroup_hierarchy=1" \
        >"$work/console.log" 2>&1
}
accel=${EDGEMLOPS_VM_ACCEL:-}
if [[ -z "$accel" ]]; then
    # /dev/kvm can exist and still not run a guest (nested virtualisation without support: the
    # kernel hangs silently), so the probe is a real boot of this kernel and initramfs that stops
    # right after the kernel hands over to /init.
    accel=tcg
    if [[ -w /dev/kvm ]] && timeout 15 qemu-system-x86_64 -accel kvm -cpu host -m 256 -nographic -no-reboot \
            -kernel "$work/k/boot/vmlinuz-$kver" -initrd "$work/initrd.gz" -nic none \
            -append "console=ttyS0 panic=-1 quiet edgemlops.probe" 2>/dev/null </dev/null | grep -q VMPROBE; then
        accel=kvm
    fi
fi
echo "  booting qemu (-accel $accel, timeout ${timeout_s}s)"
vm_start=$(date +%s)
boot "$accel"
vm_end=$(date +%s)
tr -d '\r' <"$work/console.log" >"$work/console.txt"
echo "  VM ran $(( vm_end - vm_start ))s with -accel $accel"

if grep -q '^VMTEST begin' "$work/console.txt"; then
    pass "boot to multi-user under systemd (-accel $accel)"
else
    fail "boot to multi-user under systemd (-accel $accel)" "no VMTEST begin; console: $(tail -5 "$work/console.txt" | tr '\n' ' ')"
fi
grep '^VMTEST info ' "$work/console.txt" | sed 's/^VMTEST info /  /'
while read -r line; do
    case "$line" in
        "VMTEST PASS "*) pass "${line#VMTEST PASS }" ;;
        "VMTEST FAIL "*) fail "${line#VMTEST FAIL }" ;;  # already "name: why"
    esac
done < <(grep -E '^VMTEST (PASS|FAIL) ' "$work/console.txt")
if grep -q '^VMTEST end' "$work/console.txt"; then
    pass "VM test script ran to the end and powered off"
else
    fail "VM test script ran to the end" "timed out after ${timeout_s}s or crashed; console tail: $(tail -5 "$work/console.txt" | tr '\n' ' ')"
fi
if [[ $failed -gt 0 ]]; then
    echo "  journal of edgemlops.service (last lines):"
    grep '^VMTEST journal ' "$work/console.txt" | sed 's/^VMTEST journal /    /' | tail -40
fi
echo "  total time $(( $(date +%s) - started ))s"
finish
