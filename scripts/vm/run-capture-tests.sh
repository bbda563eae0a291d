#!/usr/bin/env bash
# The camera tests against a real V4L2 driver: boots the VM of run-in-vm.sh with vivid loaded
# as one webcam, runs the CaptureDeviceTests suite from the test bundle built here (directly,
# not through `swift test`, which is slow under emulation), then `kiosk devices`,
# `kiosk snapshot` and `kiosk doctor`'s camera check once, and brings their output back.
#
# Exit 0 when everything passed, 1 when something failed, 77 ("SKIPPED: …") when the VM
# cannot run on this machine. `make test` (scripts/test.sh) calls it after `swift test`.
#
# Environment: KIOSK_SCRATCH (the build folder, default .build), KIOSK_VM_OUTPUT (where the
# results go, default .build/capture-vm), and those of run-in-vm.sh.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
scratch=${KIOSK_SCRATCH:-$repo/.build}
out=${KIOSK_VM_OUTPUT:-$scratch/capture-vm}

loud_skip() {
    echo "" >&2
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    echo "SKIPPED: the camera tests against V4L2 (vivid in a VM) did not run: $*" >&2
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    exit 77
}

echo "== building the test bundle and kiosk ($scratch)"
build_log=$(mktemp)
if ! (cd "$repo" && swift build --build-tests --scratch-path "$scratch" > "$build_log" 2>&1); then
    grep -E 'error:' "$build_log" | sort -u | head -20
    tail -5 "$build_log"
    rm -f "$build_log"
    echo "the build failed: nothing to run in the VM" >&2
    exit 1
fi
rm -f "$build_log"
bin=$(cd "$repo" && swift build --scratch-path "$scratch" --show-bin-path)
bundle="$bin/PhotoKioskPackageTests.xctest"
[ -x "$bundle" ] && [ -x "$bin/kiosk" ] || { echo "no test bundle or kiosk in $bin" >&2; exit 1; }

mkdir -p "$out"
rm -f "$out"/{status,tests.txt,devices.txt,devices.json,snapshot.txt,snapshot.jpg,doctor.txt}
job=$(mktemp)
trap 'rm -f "$job"' EXIT
cat > "$job" <<JOB
cd /tmp
. /run/kiosk-vm/vm.env
status=0
echo "== CaptureDeviceTests in the VM (\$(uname -r), \$(cat /sys/class/video4linux/video0/name 2>/dev/null || echo 'no video0'))"
start=\$(date +%s.%N)
'$bundle' --testing-library swift-testing --filter VividCameraTests 2>&1 | tee /run/kiosk-vm/tests.txt
[ \${PIPESTATUS[0]} -eq 0 ] || status=1
echo "== tests took \$(echo "\$(date +%s.%N) - \$start" | bc) s"
# A run that skipped or found nothing has not tested anything.
grep -q 'Test run with [1-9][0-9]* tests' /run/kiosk-vm/tests.txt || { echo "!! no camera test ran"; status=1; }
if grep -q ' skipped' /run/kiosk-vm/tests.txt; then echo "!! camera tests were skipped"; status=1; fi
echo "== kiosk devices --controls (\$(date +%T.%N | cut -c1-12))"
'$bin/kiosk' devices --controls > /run/kiosk-vm/devices.txt 2>&1 || status=1
'$bin/kiosk' devices --controls --json > /run/kiosk-vm/devices.json 2>&1 || status=1
head -12 /run/kiosk-vm/devices.txt
echo "== kiosk snapshot (\$(date +%T.%N | cut -c1-12))"
'$bin/kiosk' snapshot -o /run/kiosk-vm/snapshot.jpg --warmup 1 2>&1 | tee /run/kiosk-vm/snapshot.txt
[ \${PIPESTATUS[0]} -eq 0 ] || status=1
# The doctor on the built-in settings (camera.source auto): the rest of the station (models,
# store, server) is not set up in the VM, so only its camera lines are judged: the real
# device found, streaming, its controls tried.
echo "== kiosk doctor (\$(date +%T.%N | cut -c1-12))"
'$bin/kiosk' doctor > /run/kiosk-vm/doctor.txt 2>&1
grep -i 'camera' /run/kiosk-vm/doctor.txt
grep -Eq 'camera /dev/video[0-9]+ \(.*\).*: streaming' /run/kiosk-vm/doctor.txt || { echo "!! kiosk doctor did not see the vivid camera streaming"; status=1; }
echo "== done (\$(date +%T.%N | cut -c1-12))"
exit \$status
JOB

echo "== booting the VM"
start=$(date +%s.%N)
"$(dirname "$0")/run-in-vm.sh" "$job" "$out"
rc=$?
echo "== capture VM finished in $(echo "$(date +%s.%N) - $start" | bc) s with status $rc; results in $out"
case $rc in
    0) echo "capture tests in the VM: PASSED" ;;
    77) loud_skip "the VM could not start here (see the message above)" ;;
    *) echo "capture tests in the VM: FAILED (see $out/tests.txt)"; exit 1 ;;
esac
