#!/bin/busybox sh
# /init of the camera-test VM: load the drivers, lay a writable overlay over the host's root
# (shared read-only over 9p), run the job from the shared results folder in it, power off.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev
for m in $($bb cat /modules/order); do
    [ "$m" = vivid ] || $bb insmod /modules/$m.ko || echo "init: could not load $m"
done
# vivid as one webcam: a single capture node with one webcam input.
options=$($bb sed -n 's/.*kiosk.vivid=\([^ ]*\).*/\1/p' /proc/cmdline | $bb tr , ' ')
$bb insmod /modules/vivid.ko $options || echo "init: could not load vivid"

$bb mount -t 9p -o trans=virtio,version=9p2000.L,cache=loose,msize=512000,ro hostroot /lower
$bb mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /results
$bb mount -t tmpfs -o size=1024m tmpfs /upper
$bb mkdir -p /upper/data /upper/work
$bb mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot
for fs in proc sys dev; do $bb mount --bind /$fs /newroot/$fs; done
$bb mkdir -p /newroot/dev/pts /newroot/run/kiosk-vm
$bb mount -t devpts devpts /newroot/dev/pts
# /tmp stays the host's (writes land in the overlay's tmpfs): a checkout under /tmp, as CI's
# clone may be, must be visible in the guest.
$bb mount --bind /results /newroot/run/kiosk-vm

echo booted > /results/booted
HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    $bb chroot /newroot /bin/bash /run/kiosk-vm/job.sh
echo $? > /results/status
$bb sync
$bb poweroff -f
