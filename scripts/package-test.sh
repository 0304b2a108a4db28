#!/usr/bin/env bash
# Builds the .deb and exercises it in a clean Debian 12 root: install, run, upgrade, remove, purge;
# then boots that root under systemd in qemu with the same .deb (scripts/systemd-vm-test.sh).
# Usage: scripts/package-test.sh [--binary PATH]   (default: packaging/build-deb.sh's release build)
# Prints one "PASS name" / "FAIL name: why" line per check and ends with "N cases, M failed".
# The debootstrap root is cached under ${EDGEMLOPS_CACHE}/debootstrap-bookworm-<hash of the
# package list>; each run installs into a fresh copy of it, so the cache stays pristine.
# Needs root (chroot, dpkg); installs debootstrap through packaging/install-deps.sh if missing.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cache="${EDGEMLOPS_CACHE:-$HOME/.cache/edgemlops}"
binary_args=()
[[ "${1:-}" == "--binary" ]] && binary_args=(--binary "$2")

cases=0
bad=0
pass() { cases=$((cases + 1)); echo "PASS $1"; }
fail() { cases=$((cases + 1)); bad=$((bad + 1)); echo "FAIL $1${2:+: $2}"; }
check() { local name=$1; shift; if "$@" >"$work/last.log" 2>&1; then pass "$name"; else fail "$name" "$(tail -3 "$work/last.log" | tr '\n' ' ')"; fi; }
finish() { echo "$cases cases, $bad failed"; [[ $bad -eq 0 ]]; exit $?; }

if [[ $(id -u) -ne 0 ]]; then
    fail "package-test needs root" "chroot and dpkg need uid 0; run as root"
    finish
fi
command -v debootstrap >/dev/null && command -v lintian >/dev/null || packaging/install-deps.sh >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/edgemlops-pkgtest.XXXXXX")
chroot_dir="$work/root"
cleanup() {
    for m in proc dev sys; do umount -l "$chroot_dir/$m" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/EdgeAgent/AgentVersion.swift)
next="$version+1"
if deb=$(packaging/build-deb.sh "${binary_args[@]}" --version "$version" --out "$work/debs" 2>"$work/build.log"); then
    pass "build-deb $version"
else
    fail "build-deb $version" "$(tail -3 "$work/build.log" | tr '\n' ' ')"
    finish
fi
# The upgrade package reuses the binary just built; only the version differs.
binary="${binary_args[1]:-$root/.build/release/edgemlops}"
deb2=$(packaging/build-deb.sh --binary "$binary" --version "$next" --out "$work/debs" 2>>"$work/build.log") \
    && pass "build-deb $next (upgrade package)" || fail "build-deb $next (upgrade package)"

if lintian --no-tag-display-limit "$deb" >"$work/lintian.log" 2>&1 || ! grep -q '^E:' "$work/lintian.log"; then
    pass "lintian: no errors ($(grep -c '^W:' "$work/lintian.log") warnings)"
else
    fail "lintian: errors" "$(grep '^E:' "$work/lintian.log" | head -5 | tr '\n' ' ')"
fi
grep -E '^(E|W):' "$work/lintian.log" | sed 's/^/  lintian /'

# Runtime dependencies from the package's Depends: field (version constraints dropped).
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g' | grep -v '^$' | sort -u | paste -sd, -)
key=$(printf '%s' "$deps" | sha256sum | cut -c1-16)
base="$cache/debootstrap-bookworm-$key"
started=$(date +%s)
if [[ ! -f "$base/.complete" ]]; then
    rm -rf "$base"; mkdir -p "$base"
    if debootstrap --variant=minbase --include="$deps,systemd-sysv" bookworm "$base" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1; then
        touch "$base/.complete"
        pass "debootstrap bookworm (first run, $(( $(date +%s) - started ))s)"
    else
        fail "debootstrap bookworm from deb.debian.org" "network or mirror failure: $(tail -2 "$work/debootstrap.log" | tr '\n' ' ')"
        rm -rf "$base"
        finish
    fi
else
    echo "  using cached root $base"
fi
cp -a "$base" "$chroot_dir"
mount -t proc proc "$chroot_dir/proc"; mount --bind /dev "$chroot_dir/dev"
echo "  root ready in $(( $(date +%s) - started ))s"
in_root() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

cp "$deb" "$deb2" "$chroot_dir/tmp/"
check "dpkg -i $(basename "$deb")" in_root dpkg -i "/tmp/$(basename "$deb")"
check "edgemlops --version" in_root sh -c "edgemlops --version | grep -F '$version'"
check "user edgemlops exists in group video" in_root sh -c 'id -nG edgemlops | grep -qw video'
check "state dirs owned by edgemlops" in_root sh -c 'for d in /var/lib/edgemlops /var/lib/edgemlops/models /var/lib/edgemlops/samples /var/cache/edgemlops; do [ "$(stat -c %U "$d")" = edgemlops ] || exit 1; done'
check "edgemlops doctor" in_root edgemlops doctor
check "edgemlops flow check /etc/edgemlops/flows/*.lua" in_root sh -c 'edgemlops flow check /etc/edgemlops/flows/*.lua'
check "sm-plugin edgemlops-model list" in_root /etc/tedge/sm-plugins/edgemlops-model list
check "sm-plugin edgemlops-flow list" in_root /etc/tedge/sm-plugins/edgemlops-flow list

model=$(in_root sh -c 'find /usr/share/edgemlops/models -name "*.onnx" | head -1')
if [[ -n "$model" ]]; then
    check "edgemlops model inspect bundled $(basename "$model")" in_root edgemlops model inspect "$model"
fi
# infer needs an input tensor that matches the model: a conformance model ships with one.
if models=$(scripts/conformance/make-models.sh 2>/dev/null); then
    src=$(ls "$models"/*.in0.npy | while read -r f; do n=${f%.in0.npy}; [[ -e $n.in1.npy ]] || { echo "$n"; break; }; done)
    mkdir -p "$chroot_dir/usr/share/edgemlops/models/test"
    cp "$src.onnx" "$src.in0.npy" "$chroot_dir/usr/share/edgemlops/models/test/"
    name=$(basename "$src")
    check "edgemlops infer (test-installed conformance model $name, none bundled with inputs)" \
        in_root edgemlops infer "/usr/share/edgemlops/models/test/$name.onnx" --tensor "/usr/share/edgemlops/models/test/$name.in0.npy" --output /tmp/out.npy
    rm -rf "$chroot_dir/usr/share/edgemlops/models/test"
else
    fail "edgemlops infer" "the conformance venv could not generate a model (scripts/conformance/make-models.sh)"
fi

# Upgrade: a locally edited conffile and state data must survive.
echo "# local edit" >>"$chroot_dir/etc/edgemlops/edgemlops.toml"
echo data >"$chroot_dir/var/lib/edgemlops/models/keep.txt"
check "upgrade to $next" in_root dpkg -i --force-confold "/tmp/$(basename "$deb2")"
check "upgrade: version is $next" in_root sh -c "dpkg-query -W -f='\${Version}' edgemlops | grep -qxF '$next'"
check "upgrade keeps the modified conffile" grep -q '^# local edit' "$chroot_dir/etc/edgemlops/edgemlops.toml"
check "upgrade keeps state data" test -f "$chroot_dir/var/lib/edgemlops/models/keep.txt"

check "dpkg --remove" in_root dpkg --remove edgemlops
check "remove deletes /usr/bin/edgemlops" test ! -e "$chroot_dir/usr/bin/edgemlops"
check "remove keeps state data" test -f "$chroot_dir/var/lib/edgemlops/models/keep.txt"
check "remove keeps config" test -f "$chroot_dir/etc/edgemlops/edgemlops.toml"

check "dpkg --purge" in_root dpkg --purge edgemlops
check "purge removes config" test ! -e "$chroot_dir/etc/edgemlops"
check "purge removes state" test ! -e "$chroot_dir/var/lib/edgemlops"
check "purge removes user edgemlops" in_root sh -c '! getent passwd edgemlops'

echo "  total time $(( $(date +%s) - started ))s"

# The same .deb under a real systemd in qemu (scripts/systemd-vm-test.sh); its checks count here.
# EDGEMLOPS_SKIP_SYSTEMD_TEST=1 skips it (the script says so).
scripts/systemd-vm-test.sh --deb "$deb" --root "$base" >"$work/systemd-vm.log" 2>&1
vm_status=$?
sed -E 's/^(PASS|FAIL) /\1 systemd-vm: /' "$work/systemd-vm.log"
if vm_line=$(grep -Eo '^systemd-vm-test: [0-9]+ passed, [0-9]+ failed' "$work/systemd-vm.log"); then
    vm_passed=$(awk '{print $2}' <<<"$vm_line"); vm_failed=$(awk '{print $4}' <<<"$vm_line")
    cases=$((cases + vm_passed + vm_failed)); bad=$((bad + vm_failed))
elif [[ $vm_status -ne 0 ]]; then
    fail "systemd-vm-test" "exited with status $vm_status"
fi
finish
