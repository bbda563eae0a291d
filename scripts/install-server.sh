#!/usr/bin/env bash
# Installs the Photo Kiosk central server on this Debian 12 box, as root, from a built checkout:
#   swift build -c release --product kiosk-server && sudo scripts/install-server.sh
# Idempotent. Data in /var/lib/kiosk-server; port 8080 (edit /etc/photo-kiosk/server.json5 to change).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $(id -u) == 0 ]] || { echo "install-server.sh: run as root (sudo scripts/install-server.sh)" >&2; exit 2; }
binary=.build/release/kiosk-server
[[ -x $binary ]] || { echo "install-server.sh: $binary is missing: run 'swift build -c release --product kiosk-server' first" >&2; exit 2; }

install -m 755 "$binary" /usr/local/bin/kiosk-server
getent group kiosk-server >/dev/null || groupadd --system kiosk-server
id kiosk-server >/dev/null 2>&1 || useradd --system --gid kiosk-server --home-dir /var/lib/kiosk-server --shell /usr/sbin/nologin kiosk-server

install -d -m 755 /usr/local/share/doc/photo-kiosk
install -m 644 README.md /usr/local/share/doc/photo-kiosk/README.md
# The settings the unit names; an edited copy is never overwritten.
install -d -m 755 /etc/photo-kiosk
[[ -e /etc/photo-kiosk/server.json5 ]] || install -m 640 -g kiosk-server kiosk-config/server.json5 /etc/photo-kiosk/server.json5
install -m 644 systemd/kiosk-server.service /etc/systemd/system/kiosk-server.service
systemd-analyze verify /etc/systemd/system/kiosk-server.service
systemctl daemon-reload
systemctl enable --now kiosk-server.service
echo "install-server.sh: installed. Issue a station's credentials with:"
echo "  sudo -u kiosk-server kiosk-server station add NAME --school SCHOOL --secret-file FILE"
