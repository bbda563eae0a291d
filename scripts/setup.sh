#!/usr/bin/env bash
# Installs the Debian packages the station builds and tests with, when they are missing.
# Safe to run again: it only calls apt-get when something is absent.
set -euo pipefail

packages=(
    pkg-config
    libv4l-dev            # camera (V4L2)
    libjpeg-dev           # JPEG codec (libjpeg-turbo on Debian)
    libpng-dev            # PNG reading
    libsqlite3-dev        # the station's local store (through GRDB)
    sqlite3               # the store's tests read the database with SQLite's own client
    libopencv-imgproc-dev # image operations, segmentation
    libopencv-dnn-dev     # the person network (ONNX) for segmentation without a plate
    libdlib-dev libblas-dev liblapack-dev # faces
    libdlib-data          # the 68-point landmark model
    g++                   # the faces benchmark builds its plain C++ dlib reference
    python3-pip           # scripts/fetch-test-data.sh downloads test data with pip
    python3-venv          # scripts/fetch-test-data.sh builds the matte evaluation set in its own venv
    libimage-exiftool-perl # tests read the photo's density back with exiftool
    tmux                  # the terminal screen test
    imagemagick           # the screen test builds its replay frames with convert
    libzbar-dev           # the collection code (QR) read from the webcam
    qrencode              # the code reader's tests make their QR codes with an independent encoder
    espeak-ng             # spoken prompts (Mandarin, English)
    udev                  # the camera rule's test reads it with udevadm
    systemd               # the unit files' test verifies them with systemd-analyze
    chromium              # the review page's browser test (scripts/test-review-page.sh) drives it headless
    postgresql            # the server's PostgreSQL tests start a throwaway server with its binaries (scripts/postgres-test-server.sh)
)

# The face and person models Debian does not ship are looked for in the station's model
# folder (FaceModels.stationFolder); on a development machine that folder is a link to the
# copies scripts/fetch-test-data.sh downloads into the test-data cache. A real folder there
# (a station's own install) is left alone.
station_models=/usr/local/share/photo-kiosk/models
cache_models="$("$(dirname "$0")/cache-dir.sh")/models"
link_models=false
[ -e "$station_models" ] || [ -L "$station_models" ] || link_models=true

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ "$link_models" = false ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: run as root or install sudo to install: ${missing[*]} ${station_models}" >&2; exit 1; }
    sudo=sudo
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "$link_models" = true ]; then
    echo "setup: linking $station_models to $cache_models" >&2
    $sudo mkdir -p "$(dirname "$station_models")"
    $sudo ln -s "$cache_models" "$station_models"
fi
