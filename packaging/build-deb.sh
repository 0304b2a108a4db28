#!/usr/bin/env bash
# Builds edgemlops_<version>_<arch>.deb for this machine's architecture.
# Usage: packaging/build-deb.sh [--version V] [--out DIR] [--binary PATH]
#   --version  package version (default: AgentVersion.current from Sources/EdgeAgent/AgentVersion.swift)
#   --out      output directory (default: .build/deb)
#   --binary   use an already built binary instead of running the release build (tests use this)
# The binary is built with --static-swift-stdlib so that only Debian libraries remain dynamic;
# Depends: is derived from them with dpkg-shlibdeps.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=""
out="$root/.build/deb"
binary=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --version) version=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        *) echo "build-deb: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
if [[ -z "$version" ]]; then
    version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/EdgeAgent/AgentVersion.swift)
    [[ -n "$version" ]] || { echo "build-deb: no version in Sources/EdgeAgent/AgentVersion.swift" >&2; exit 1; }
fi
arch=$(dpkg --print-architecture)

if [[ -z "$binary" ]]; then
    swift build -c release --static-swift-stdlib --product edgemlops >&2  # stdout carries only the .deb path
    binary="$root/.build/release/edgemlops"
fi
[[ -x "$binary" ]] || { echo "build-deb: binary '$binary' not found" >&2; exit 1; }

# Refuse a binary that still needs Swift runtime libraries: the target has no toolchain.
if ldd "$binary" | grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime|not found'; then
    echo "build-deb: $binary still links Swift runtime libraries:" >&2
    ldd "$binary" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|not found' >&2
    exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/edgemlops"
install -d -m 755 "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/etc/edgemlops/flows" \
    "$pkg/usr/share/edgemlops/models" "$pkg/usr/share/doc/edgemlops" \
    "$pkg/usr/lib/systemd/system" "$pkg/usr/lib/edgemlops/sm-plugins" "$pkg/etc/tedge/sm-plugins"

install -m 755 "$binary" "$pkg/usr/bin/edgemlops"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/edgemlops"

install -m 644 packaging/edgemlops.toml "$pkg/etc/edgemlops/edgemlops.toml"
for flow in flows/*.lua; do
    [[ -e "$flow" ]] && install -m 644 "$flow" "$pkg/etc/edgemlops/flows/"
done
# Bundled models keep their relative path under models/.
if [[ -d models ]]; then
    while IFS= read -r -d '' model; do
        install -D -m 644 "$model" "$pkg/usr/share/edgemlops/$model"
    done < <(find models -name '*.onnx' -print0)
fi
install -m 644 packaging/debian/edgemlops.service "$pkg/usr/lib/systemd/system/edgemlops.service"
# thin-edge looks up plugins in /etc/tedge/sm-plugins; the wrappers live in /usr/lib.
for plugin in edgemlops-model edgemlops-flow; do
    install -m 755 "packaging/sm-plugins/$plugin" "$pkg/usr/lib/edgemlops/sm-plugins/$plugin"
    ln -s "/usr/lib/edgemlops/sm-plugins/$plugin" "$pkg/etc/tedge/sm-plugins/$plugin"
done

install -m 644 packaging/debian/copyright "$pkg/usr/share/doc/edgemlops/copyright"
{
    echo "edgemlops ($version) stable; urgency=medium"
    echo
    echo "  * Release $version, built from $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
    echo
    echo " -- EdgeMLOps maintainers <maintainers@edgemlops.invalid>  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")"
} | gzip -9n > "$pkg/usr/share/doc/edgemlops/changelog.gz"

for script in postinst prerm postrm; do
    install -m 755 "packaging/debian/$script" "$pkg/DEBIAN/$script"
done
(cd "$pkg" && find etc/edgemlops -type f | sort | sed 's|^|/|') > "$pkg/DEBIAN/conffiles"
chmod 644 "$pkg/DEBIAN/conffiles"

# Depends from the libraries the binary actually needs.
mkdir -p "$stage/debian"
printf 'Source: edgemlops\n\nPackage: edgemlops\nArchitecture: any\n' > "$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O -e edgemlops/usr/bin/edgemlops 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n "$depends" ]] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)

(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 644 "$pkg/DEBIAN/md5sums"

cat > "$pkg/DEBIAN/control" <<CONTROL
Package: edgemlops
Version: $version
Architecture: $arch
Maintainer: EdgeMLOps maintainers <maintainers@edgemlops.invalid>
Installed-Size: $size
Depends: $depends, adduser
Recommends: mosquitto
Suggests: tedge
Section: misc
Priority: optional
Homepage: https://github.com/edgemlops/edgemlops
Description: edge machine-learning inspection agent
 EdgeMLOps captures images from V4L2 cameras, runs ONNX models on the CPU,
 evaluates Lua flows on the results and reports to thin-edge.io over MQTT.
 Models and flows are installed and rolled back through thin-edge.io
 software-management plugins.
CONTROL

mkdir -p "$out"
deb="$out/edgemlops_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
