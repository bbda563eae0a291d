#!/usr/bin/env bash
# Runs a bash script as root inside a small VM whose kernel has V4L2 and vivid, with this
# machine's whole file system visible (read-only, under a throw-away writable overlay), so
# that binaries built here run there unchanged.
#
#   scripts/vm/run-in-vm.sh JOB.sh [OUTPUT_DIR]
#
# The job's output streams to this terminal; files it writes to /run/kiosk-vm in the guest
# land in OUTPUT_DIR (default: a fresh temporary folder, printed at the end). The exit status
# is the job's. Exit 77 ("SKIPPED: …") when the VM cannot be started here.
#
# Environment: KIOSK_VM_CACHE (kernel cache, default vm/ in the test-data cache, scripts/cache-dir.sh),
# KIOSK_VM_ACCEL (kvm or tcg; default: kvm only when a plain kvm_intel/kvm_amd is loaded),
# KIOSK_VIVID_OPTIONS (vivid's module options), KIOSK_VM_TIMEOUT (seconds, default 300).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
job=${1:?usage: run-in-vm.sh JOB.sh [OUTPUT_DIR]}
out=${2:-$(mktemp -d /tmp/kiosk-vm.XXXXXX)}
vivid_options=${KIOSK_VIVID_OPTIONS:-n_devs=1 node_types=0x1 num_inputs=1 input_types=0x0}

prepared=$("$here/prepare.sh")
rc=$?
[ $rc -eq 0 ] || exit $rc
eval "$prepared"

# /dev/kvm can be a PVM-only device that cannot run a stock kernel (qemu aborts or hangs);
# use it only when a standard KVM module is loaded and the PVM one is not.
accel=${KIOSK_VM_ACCEL:-}
if [ -z "$accel" ]; then
    accel=tcg
    if [ -w /dev/kvm ] && grep -qE '^kvm_(intel|amd) ' /proc/modules 2>/dev/null \
        && ! grep -q '^kvm_pvm ' /proc/modules 2>/dev/null; then
        accel=kvm
    fi
fi
if [ "$accel" = kvm ]; then cpu=host; else cpu=max; fi

mkdir -p "$out"
rm -f "$out/status" "$out/booted"
cp "$job" "$out/job.sh"
# What the job may need to reload vivid; it can source /run/kiosk-vm/vm.env.
printf "export KIOSK_VIVID_MODULE='%s'\nexport KIOSK_VIVID_OPTIONS='%s'\n" "$VIVID_MODULE" "$vivid_options" > "$out/vm.env"

start=$(date +%s.%N)
# One vCPU is faster than two under TCG here; 2 GB leave room for the overlay's tmpfs.
timeout --foreground "${KIOSK_VM_TIMEOUT:-300}" qemu-system-x86_64 \
    -accel "$accel" -cpu "$cpu" -smp 1 -m 2048 \
    -kernel "$KERNEL" -initrd "$INITRD" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 kiosk.vivid=${vivid_options// /,}" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs local,path="$out",mount_tag=results,security_model=none,multidevs=remap \
    -nic none -display none -no-reboot -serial stdio -monitor none < /dev/null
qemu_rc=$?
end=$(date +%s.%N)
echo "kiosk-vm: VM ran $(echo "$end - $start" | bc 2>/dev/null || echo "?") s ($accel); outputs in $out" >&2

if [ ! -s "$out/status" ]; then
    # qemu refusing to start (no accelerator it can use, a kernel it cannot load) exits non-zero
    # at once: no VM can run here, a skip. A VM that started and then panicked, rebooted or hung
    # before the job's marker (qemu exit 0 with -no-reboot, or the time-out) is broken: a failure.
    if [ ! -e "$out/booted" ] && [ $qemu_rc -ne 0 ] && [ $qemu_rc -ne 124 ]; then
        echo "SKIPPED: qemu could not start a VM here (qemu exit $qemu_rc, accelerator $accel); see its message above" >&2
        exit 77
    fi
    [ -e "$out/booted" ] || echo "kiosk-vm: the VM started but broke before the job began (qemu exit $qemu_rc)" >&2
    [ $qemu_rc -eq 124 ] && echo "kiosk-vm: the VM timed out after ${KIOSK_VM_TIMEOUT:-300} s" >&2
    echo "kiosk-vm: the job did not finish (qemu exit $qemu_rc)" >&2
    exit 1
fi
exit "$(cat "$out/status")"
