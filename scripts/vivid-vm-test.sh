#!/usr/bin/env bash
# Integration test against a real V4L2 driver: boots Debian's amd64 kernel in qemu (TCG), loads
# the vivid virtual camera, and runs `edgemlops cameras` and `edgemlops capture` inside the VM.
#
# Checks: cameras lists vivid with its formats; 30 frames in YUYV and in NV12 whose pixels show
# vivid's 75% colour bars; a vivid-injected disconnect during capture is survived (outage counted,
# capture resumes and completes).
#
# Usage: scripts/vivid-vm-test.sh [path/to/edgemlops]   (default: .build/debug/edgemlops, built if missing)
# Environment:
#   EDGEMLOPS_CACHE          download cache (default ~/.cache/edgemlops); the kernel .deb is kept there
#   EDGEMLOPS_SKIP_VM_TEST=1 skip, and say so (the only way this test does not run)
#   EDGEMLOPS_VM_TIMEOUT     seconds before the VM is killed (default 300)
set -euo pipefail

if [[ -n "${EDGEMLOPS_SKIP_VM_TEST:-}" ]]; then
    echo "vivid-vm-test: SKIPPED (EDGEMLOPS_SKIP_VM_TEST is set)"
    exit 0
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$repo/.build/debug/edgemlops}
cache=${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}/kernel
timeout_s=${EDGEMLOPS_VM_TIMEOUT:-300}

for tool in qemu-system-x86_64 cpio busybox dpkg-deb apt-get gzip; do
    command -v "$tool" >/dev/null || { echo "vivid-vm-test: $tool missing; run packaging/install-deps.sh" >&2; exit 1; }
done
if [[ ! -x "$binary" ]]; then
    echo "vivid-vm-test: building edgemlops"
    (cd "$repo" && swift build --product edgemlops)
fi

# 1. The kernel package: whatever linux-image-amd64 currently points at, cached between runs.
mkdir -p "$cache"
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
deb=""
if [[ -n "$pkg" ]]; then
    deb=$(ls -t "$cache/${pkg}_"*.deb 2>/dev/null | head -1 || true)
    if [[ -z "$deb" ]]; then
        echo "vivid-vm-test: downloading $pkg into $cache"
        (cd "$cache" && apt-get download "$pkg" >/dev/null 2>&1) || echo "vivid-vm-test: download of $pkg failed"
        deb=$(ls -t "$cache/${pkg}_"*.deb 2>/dev/null | head -1 || true)
    fi
fi
# Offline or the archive moved on: any cached kernel will do.
[[ -n "$deb" ]] || deb=$(ls -t "$cache"/linux-image-*-amd64_*.deb 2>/dev/null | head -1 || true)
[[ -n "$deb" ]] || { echo "vivid-vm-test: no kernel package available" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/k"
kver=$(ls "$work/k/lib/modules" | head -1)
vmlinuz="$work/k/boot/vmlinuz-$kver"
echo "vivid-vm-test: kernel $kver from $(basename "$deb")"

# 2. initramfs: busybox, the vivid module chain (dependency order, verified), edgemlops + its libraries.
root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,modules}
cp "$(command -v busybox)" "$root/bin/busybox"
modules=(rc-core cec mc videodev v4l2-dv-timings v4l2-tpg videobuf2-common videobuf2-memops
    videobuf2-v4l2 videobuf2-vmalloc videobuf2-dma-contig vivid)
for m in "${modules[@]}"; do
    ko=$(find "$work/k/lib/modules/$kver" -name "$m.ko*" | head -1)
    [[ -n "$ko" ]] || { echo "vivid-vm-test: module $m not in $kver" >&2; exit 1; }
    case "$ko" in
        *.xz) xz -dc "$ko" >"$root/modules/$m.ko" ;;
        *.zst) zstd -dqc "$ko" >"$root/modules/$m.ko" ;;
        *) cp "$ko" "$root/modules/$m.ko" ;;
    esac
done
cp "$binary" "$root/bin/edgemlops"
for lib in $(ldd "$binary" | awk '/=>/ && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    cp -L --parents "$lib" "$root/"
done

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in rc-core cec mc videodev v4l2-dv-timings v4l2-tpg videobuf2-common videobuf2-memops \
         videobuf2-v4l2 videobuf2-vmalloc videobuf2-dma-contig vivid; do
    insmod /modules/$m.ko || echo "VMTEST insmod $m failed"
done
sleep 1
echo "VMTEST begin"
echo "VMTEST-CAMERAS-BEGIN"
edgemlops cameras
echo "VMTEST cameras rc=$?"
edgemlops cameras --json > /tmp/cameras.json
echo "VMTEST cameras-json rc=$? bytes=$(wc -c < /tmp/cameras.json)"
echo "VMTEST-CAMERAS-END"
# The doctor must see the real device; no broker runs in the VM (a warning, not a failure).
EDGEMLOPS_STATE_DIR=/tmp/state edgemlops doctor --broker 127.0.0.1:9 > /tmp/doctor.txt 2>&1
echo "VMTEST doctor rc=$?"
sed 's/^/VMTEST doctor: /' /tmp/doctor.txt
# Capture 30 frames in two native formats and print the centre pixel of each colour bar
# (vivid draws 8 bars across the width; the middle row is clear of the on-screen text).
for fmt in yuyv nv12; do
    edgemlops capture --device /dev/video0 --format $fmt --size 640x480 --count 30 --encode ppm --out /tmp/$fmt
    echo "VMTEST capture $fmt rc=$? files=$(ls /tmp/$fmt | wc -l)"
    last=/tmp/$fmt/frame-0029.ppm
    for i in 0 1 2 3 4 5 6 7; do
        off=$(( 15 + (240 * 640 + i * 80 + 40) * 3 ))
        rgb=$(dd if=$last bs=1 skip=$off count=3 2>/dev/null | od -An -tu1)
        echo "VMTEST pixel $fmt $i $rgb"
    done
done
# Disconnect: vivid's "Disconnect" control unregisters the node until every handle closes.
edgemlops capture --device /dev/video0 --format yuyv --count 60 --fps 30 --encode ppm --out /tmp/disc > /tmp/disc.log 2>&1 &
pid=$!
sleep 2
edgemlops cameras --device /dev/video0 --set disconnect=1
echo "VMTEST set-disconnect rc=$?"
wait $pid
echo "VMTEST disconnect-capture rc=$? files=$(ls /tmp/disc | wc -l)"
sed 's/^/VMTEST disc: /' /tmp/disc.log
# Error-flagged buffer and fatal streaming error (vb2_queue_error → EIO): skipped, then restarted.
edgemlops capture --device /dev/video0 --format yuyv --count 60 --fps 30 --encode ppm --out /tmp/err > /tmp/err.log 2>&1 &
pid=$!
sleep 2
edgemlops cameras --device /dev/video0 --set inject_v4l2_buf_flag_error=1
sleep 1
edgemlops cameras --device /dev/video0 --set inject_fatal_streaming_error=1
echo "VMTEST set-errors rc=$?"
wait $pid
echo "VMTEST errors-capture rc=$? files=$(ls /tmp/err | wc -l)"
sed 's/^/VMTEST err: /' /tmp/err.log
# Bad input against a real driver: clear one-line errors, non-zero exit.
edgemlops capture --device /dev/video0 --format mjpeg --count 1 --out /tmp/bad 2>&1 | sed 's/^/VMTEST bad-format: /'
edgemlops capture --device /dev/video0 --format yuyv --size 100x100 --count 1 --out /tmp/bad 2>&1 | sed 's/^/VMTEST bad-size: /'
edgemlops capture --device /dev/video0 --control brightness=999 --count 1 --out /tmp/bad 2>&1 | sed 's/^/VMTEST bad-control: /'
edgemlops capture --device /dev/video-missing --count 1 --out /tmp/bad 2>&1 | sed 's/^/VMTEST bad-device: /'
echo "VMTEST end"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"

# 3. Boot (TCG: KVM is not available on the build hosts).
log="$work/console.log"
echo "vivid-vm-test: booting qemu (initramfs $(du -h "$work/initramfs.gz" | cut -f1))"
start=$(date +%s)
timeout "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 2 -nographic -no-reboot \
    -kernel "$vmlinuz" -initrd "$work/initramfs.gz" -append "console=ttyS0 panic=-1 quiet" >"$log" 2>&1 || true
echo "vivid-vm-test: VM ran $(( $(date +%s) - start )) s"
tr -d '\r' <"$log" >"$log.txt"
grep -a "VMTEST\|^/dev/video\|    " "$log.txt" | grep -av "^\[" || true

# 4. Checks on the console output.
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=$((fail + 1)); fi; }
out=$(cat "$log.txt")
check "VM finished the test script" 'grep -aq "VMTEST end" <<<"$out"'
cams=$(sed -n "/VMTEST-CAMERAS-BEGIN/,/VMTEST-CAMERAS-END/p" <<<"$out")
check "cameras lists vivid as a capture device" 'grep -aEq "^/dev/video0 +vivid .* yes" <<<"$cams"'
check "cameras lists YUYV and NV12 at 640x480" 'grep -aEq "^ +YUYV .*640x480" <<<"$cams" && grep -aEq "^ +NV12 .*640x480" <<<"$cams"'
check "doctor passes with vivid listed as a capture device" 'grep -aq "VMTEST doctor rc=0" <<<"$out" && grep -aEq "VMTEST doctor: camera +/dev/video0 +ok +vivid" <<<"$out"'
check "cameras --json" 'grep -aq "VMTEST cameras-json rc=0" <<<"$out"'
for fmt in yuyv nv12; do
    check "capture $fmt 30 frames" 'grep -aq "VMTEST capture $fmt rc=0 files=30" <<<"$out"'
    # 75% bars: white yellow cyan green magenta red blue black; each channel ~191 or ~0.
    expected=(111 110 011 010 101 100 001 000)
    for i in 0 1 2 3 4 5 6 7; do
        got=$(grep -a "VMTEST pixel $fmt $i " <<<"$out" | awk '{
            s = ""; for (k = 5; k <= 7; k++) { if ($k > 150 && $k < 230) s = s "1"; else if ($k < 40) s = s "0"; else s = s "?" } print s }')
        check "capture $fmt bar $i is ${expected[$i]}" '[[ "$got" == "${expected[$i]}" ]]'
    done
done
check "disconnect injected" 'grep -aq "VMTEST set-disconnect rc=0" <<<"$out"'
check "capture survived disconnect" 'grep -aq "VMTEST disconnect-capture rc=0 files=60" <<<"$out"'
check "outage reported and cleared" 'grep -aq "VMTEST disc: recovered" <<<"$out" && grep -aq "VMTEST disc: .*outages=[1-9]" <<<"$out"'
check "injected errors set" 'grep -aq "VMTEST set-errors rc=0" <<<"$out"'
check "capture survived injected errors" 'grep -aq "VMTEST errors-capture rc=0 files=60" <<<"$out"'
check "error-flagged frame skipped, stream restarted" 'grep -aEq "VMTEST err: captured .*corrupt=[1-9].*restarts=[1-9]" <<<"$out"'
check "unsupported format lists the offers" 'grep -aq "VMTEST bad-format: .*format MJPG not offered; device offers YUYV" <<<"$out"'
check "unsupported size lists the sizes" 'grep -aq "VMTEST bad-size: .*size 100x100 not offered for YUYV.*sizes: 320x180" <<<"$out"'
check "control out of range names the range" 'grep -aq "VMTEST bad-control: .*brightness=999 outside 0...255" <<<"$out"'
check "missing device is named" 'grep -aq "VMTEST bad-device: .*/dev/video-missing: open failed (noDevice)" <<<"$out"'
if [[ $fail -ne 0 ]]; then
    echo "vivid-vm-test: $fail checks FAILED (console log follows)"
    tail -n 80 "$log.txt"
    exit 1
fi
echo "vivid-vm-test: all checks passed"
