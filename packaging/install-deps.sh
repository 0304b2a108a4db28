#!/usr/bin/env bash
# Installs the Debian packages EdgeMLOps needs to build and test.
# Idempotent: does nothing (and says so) when every package is already present.
# Usage: packaging/install-deps.sh [--runtime-only]
set -euo pipefail

build_deps=(
    pkg-config
    liblua5.4-dev
    libmosquitto-dev
    libv4l-dev
    libturbojpeg0-dev
    zlib1g-dev      # PNG encoding in EdgeVision (synthetic dataset, captures)
    libsodium-dev   # Ed25519 signatures and SHA-256 of model bundles (EdgeOps)
    libsqlite3-dev  # the connector's durable outbox (CSQLite)
)
test_deps=(
    mosquitto       # a real broker for the MQTT integration tests
    mosquitto-clients
    openssl         # certificates for the TLS tests
    python3-venv    # the ONNX Runtime conformance environment
    gcc-aarch64-linux-gnu   # cross-compile CKernels' NEON paths on x86-64 (scripts/check-kernels-aarch64.sh)
    libc6-dev-arm64-cross   # aarch64 libc headers for that cross build
    qemu-user               # run the aarch64 kernel tester (qemu-aarch64)
    qemu-system-x86         # boot Debian's kernel with the vivid camera (scripts/vivid-vm-test.sh)
    busybox-static          # the VM's userland
    cpio                    # pack the VM's initramfs
    lintian                 # checks the .deb (packaging/build-deb.sh, scripts/package-test.sh)
    debootstrap             # the Debian 12 root scripts/package-test.sh installs the .deb into
    e2fsprogs               # mke2fs -d: the ext4 disk of scripts/systemd-vm-test.sh
    kmod                    # depmod/modprobe: the initramfs module list of scripts/systemd-vm-test.sh
)

wanted=("${build_deps[@]}")
if [[ "${1:-}" != "--runtime-only" ]]; then
    wanted+=("${test_deps[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#wanted[@]} packages present, nothing to do"
    exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo)
    else
        echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
        exit 1
    fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
