#!/usr/bin/env bash
# Runs `kiosk bench` (release build) and then times the same image operations with Pillow
# on the same input bytes, in the same run, and prints both side by side with the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="$(scripts/cache-dir.sh)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

.build/release/kiosk bench "$@"

# Pillow (and numpy, for the YUYV conversion Pillow lacks) go into the cache, not the system.
pydeps="$cache/bench-python"
if ! PYTHONPATH="$pydeps" python3 -c "import PIL, numpy" 2>/dev/null; then
    echo "bench: installing Pillow and numpy into $pydeps" >&2
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
        --target "$pydeps" "pillow==11.*" "numpy==2.*" >&2
fi
.build/release/kiosk bench image --json --inputs "$work" > "$work/kiosk.json"
PYTHONPATH="$pydeps" python3 scripts/bench_pillow.py "$work"
