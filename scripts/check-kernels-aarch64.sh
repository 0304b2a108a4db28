#!/usr/bin/env bash
# Cross-compiles CKernels and the C kernel tester for aarch64 and runs it under qemu-aarch64,
# once as a Cortex-A72 (Raspberry Pi 4: NEON, no dot product) and once as `-cpu max`
# (has dotprod, like the Pi 5's Cortex-A76), so the NEON and NEON-dot paths are checked
# against the scalar reference on an x86-64 host. Also builds and runs the tester natively.
# Needs: gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user (packaging/install-deps.sh).
# Usage: scripts/check-kernels-aarch64.sh [build-dir]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/.build/ckernels-tester"}
mkdir -p "$out"
sources=("$root"/Sources/CKernels/*.c "$root"/tools/ckernels-tester/*.c)
flags=(-std=gnu11 -O2 -Wall -Wextra -Werror -I "$root/Sources/CKernels/include" -I "$root/Sources/CKernels")

cc=${CC:-cc}
echo "== native ($($cc --version | head -1))"
"$cc" "${flags[@]}" "${sources[@]}" -lm -lpthread -o "$out/ck_tester-native"
"$out/ck_tester-native"

cross=${AARCH64_CC:-aarch64-linux-gnu-gcc}
if ! command -v "$cross" >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "check-kernels-aarch64: $cross or qemu-aarch64 missing (packaging/install-deps.sh installs them)" >&2
    exit 1
fi
# Baseline Armv8-A build: the dotprod kernel carries its own target attribute, so one binary
# serves both CPUs and the runtime dispatcher decides (as on a real Pi).
"$cross" "${flags[@]}" -mcpu=cortex-a72 -static "${sources[@]}" -lm -lpthread -o "$out/ck_tester-aarch64"
for cpu in cortex-a72 max; do
    echo "== qemu-aarch64 -cpu $cpu"
    qemu-aarch64 -cpu "$cpu" "$out/ck_tester-aarch64"
    echo "== qemu-aarch64 -cpu $cpu, EDGEMLOPS_ISA=neon"
    EDGEMLOPS_ISA=neon qemu-aarch64 -cpu "$cpu" "$out/ck_tester-aarch64" | head -1
done
