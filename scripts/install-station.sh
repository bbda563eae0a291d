#!/usr/bin/env bash
# Installs a Photo Kiosk station on this Debian 12 box, as root, from a built checkout:
#   swift build -c release --product kiosk && sudo scripts/install-station.sh
# Idempotent: run it again after an update. It installs the Debian packages the station
# needs, the program, the face models, the station user, the udev rule, the settings (kept
# when present) and the systemd unit, then starts the station on tty1.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $(id -u) == 0 ]] || { echo "install-station.sh: run as root (sudo scripts/install-station.sh)" >&2; exit 2; }
binary=.build/release/kiosk
[[ -x $binary ]] || { echo "install-station.sh: $binary is missing: run 'swift build -c release --product kiosk' first" >&2; exit 2; }

scripts/setup.sh
scripts/fetch-test-data.sh --quiet
install -m 755 "$binary" /usr/local/bin/kiosk

# The face and person models as real files: the service runs with ProtectHome=yes, so the
# link setup.sh makes to root's download cache would not resolve for it.
models=/usr/local/share/photo-kiosk/models
if [[ -L $models ]]; then
    cached=$(readlink -f "$models")
    rm "$models"
    install -d -m 755 "$models"
    install -m 644 "$cached"/* "$models"/
fi

# The station user: no login, in group video for the camera.
getent group kiosk >/dev/null || groupadd --system kiosk
id kiosk >/dev/null 2>&1 || useradd --system --gid kiosk --groups video --home-dir /var/lib/photo-kiosk --shell /usr/sbin/nologin kiosk
usermod -aG video kiosk

# The camera rule (any USB camera; pin one with `kiosk install udev --model … -o …`).
if [[ ! -e /etc/udev/rules.d/70-kiosk-camera.rules ]]; then
    /usr/local/bin/kiosk install udev -o /etc/udev/rules.d/70-kiosk-camera.rules
fi
udevadm control --reload || true
udevadm trigger --subsystem-match=video4linux --subsystem-match=usb || true

# Settings: the commented example, never over an operator's file.
install -d -m 750 -g kiosk /etc/photo-kiosk
[[ -e /etc/photo-kiosk/station.json5 ]] || install -m 640 -g kiosk kiosk-config/station.json5 /etc/photo-kiosk/station.json5
/usr/local/bin/kiosk config check /etc/photo-kiosk/station.json5

install -d -m 755 /usr/local/share/doc/photo-kiosk
install -m 644 README.md /usr/local/share/doc/photo-kiosk/README.md
install -m 644 systemd/photo-kiosk.service /etc/systemd/system/photo-kiosk.service
systemd-analyze verify /etc/systemd/system/photo-kiosk.service
systemctl daemon-reload
systemctl enable --now photo-kiosk.service
systemctl --no-pager status photo-kiosk.service || true
echo "install-station.sh: installed; the station runs on tty1. 'journalctl -u photo-kiosk' shows its log, 'kiosk doctor' what is wrong."
