#!/usr/bin/env bash
# Prepares what the camera-test VM boots: installs qemu, busybox-static, v4l-utils, kmod
# and cpio when missing, downloads Debian's kernel package (without installing it) into the
# cache, extracts the kernel as an ELF vmlinux (booted directly through PVH, which saves
# seconds under TCG), and builds a small busybox initramfs that loads virtio, 9p, overlay
# and vivid.
#
# Prints `KEY=value` lines for the caller (KERNEL, INITRD, KVER, VIVID_MODULE).
# Exit 77 with "SKIPPED: …" on stderr when something cannot be had on this machine.
set -euo pipefail

cache=${KIOSK_VM_CACHE:-$("$(dirname "$0")/../cache-dir.sh")/vm}
here=$(cd "$(dirname "$0")" && pwd)

skip() { echo "SKIPPED: $*" >&2; exit 77; }

# --- packages ---------------------------------------------------------------------------
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
have_tools() {
    command -v qemu-system-x86_64 >/dev/null && static_busybox && command -v v4l2-ctl >/dev/null \
        && command -v insmod >/dev/null && command -v cpio >/dev/null
}
if ! have_tools; then
    packages="qemu-system-x86 busybox-static v4l-utils kmod cpio"
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        skip "the VM needs the Debian packages $packages; install them as root (apt-get install $packages)"
    fi
    echo "installing $packages …" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages >&2 \
        || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages >&2; }; } \
        || skip "apt-get could not install $packages"
    have_tools || skip "the packages $packages did not provide qemu-system-x86_64, a static busybox, v4l2-ctl, insmod and cpio"
fi

# --- kernel ------------------------------------------------------------------------------
package=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$package" ] || skip "apt-cache names no kernel for linux-image-amd64 (is this Debian with its package lists?)"
kver=${package#linux-image-}
root="$cache/$package"
if [ ! -f "$root/boot/vmlinuz-$kver" ]; then
    mkdir -p "$cache"
    echo "downloading $package into $cache …" >&2
    (cd "$cache" && apt-get download -q "$package" >&2) || skip "apt-get download $package failed (no network?)"
    deb=$(ls "$cache/${package}_"*.deb | head -1)
    rm -rf "$root.partial"
    dpkg-deb -x "$deb" "$root.partial"
    mv "$root.partial" "$root"
    rm -f "$deb"
fi
modules="$root/lib/modules/$kver/kernel"

# The bzImage carries the ELF kernel compressed; find the stream that unpacks to an ELF.
vmlinux="$root/vmlinux"
if [ ! -s "$vmlinux" ]; then
    bz="$root/boot/vmlinuz-$kver"
    for magic in "fd377a585a00:xz -dc" "28b52ffd:zstd -dcq" "1f8b08:gzip -dc" "894c5a4f:lzop -dc" "425a68:bzip2 -dc"; do
        pattern=$(echo "${magic%%:*}" | sed 's/../\\x&/g')
        tool=${magic#*:}
        for offset in $(LC_ALL=C grep -aboP "$pattern" "$bz" 2>/dev/null | cut -d: -f1 | head -5); do
            tail -c +$((offset + 1)) "$bz" | $tool > "$vmlinux.tmp" 2>/dev/null || true
            if [ "$(head -c 4 "$vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then
                mv "$vmlinux.tmp" "$vmlinux"
                break 2
            fi
        done
    done
    rm -f "$vmlinux.tmp"
fi
kernel=$vmlinux
[ -s "$kernel" ] || kernel="$root/boot/vmlinuz-$kver"   # slower to boot, but boots

# --- initramfs ---------------------------------------------------------------------------
order="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_console
       9pnet 9pnet_virtio netfs fscache 9p overlay rc-core cec mc videodev videobuf2-common
       videobuf2-v4l2 videobuf2-memops videobuf2-vmalloc videobuf2-dma-contig v4l2-dv-timings
       v4l2-tpg vivid"
initrd="$root/initramfs.cpio.gz"
if [ ! -s "$initrd" ] || [ "$here/init.sh" -nt "$initrd" ] || [ "$0" -nt "$initrd" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work"/{bin,modules,proc,sys,dev,lower,upper,newroot,results}
    cp /bin/busybox "$work/bin/busybox"
    : > "$work/modules/order"
    for name in $order; do
        file=$(find "$modules" -name "$name.ko" -o -name "${name//-/_}.ko" | head -1)
        [ -n "$file" ] || continue     # built into this kernel
        cp "$file" "$work/modules/"
        basename "$file" .ko >> "$work/modules/order"
    done
    cp "$here/init.sh" "$work/init"
    chmod +x "$work/init"
    (cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
    mv "$initrd.tmp" "$initrd"
fi

echo "KERNEL=$kernel"
echo "INITRD=$initrd"
echo "KVER=$kver"
echo "VIVID_MODULE=$(find "$modules" -name vivid.ko | head -1)"
