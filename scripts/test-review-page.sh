#!/usr/bin/env bash
# The review page in a real browser: a kiosk-server on loopback with two uploaded sessions,
# headless Chromium (Debian's, scripts/setup.sh installs it) opens /review as a reviewer,
# rejects one session through the page's form, and checks the list and the station's
# roster afterwards. Screenshots go to $REVIEW_SHOTS (default: a temporary folder, printed).
# Exits 77 when Chromium is missing. KIOSK_SERVER names the binary (default .build/debug).
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "test-review-page: chromium is not installed (scripts/setup.sh installs it)" >&2; exit 77; }
server=${KIOSK_SERVER:-.build/debug/kiosk-server}
[ -x "$server" ] || swift build --product kiosk-server >/dev/null
work=$(mktemp -d)
shots=${REVIEW_SHOTS:-$work/shots}
mkdir -p "$shots"
pid=""
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; [ -n "${REVIEW_SHOTS:-}" ] || rm -rf "$work"; }
trap cleanup EXIT

data=$work/data
printf 'student_number,school,batch,name,id_tail\nN0001,North High,2025,张三明,123X\nN0002,North High,2025,欧阳春华,0001\n' > "$work/roster.csv"
"$server" roster import "$work/roster.csv" --data "$data" >/dev/null
station=$("$server" station add hall-1 --school "North High" --data "$data" --secret-file "$work/secret")
printf 'correct horse battery\n' > "$work/password"
"$server" reviewer add li.wei --password-file "$work/password" --data "$data" >/dev/null

"$server" serve --data "$data" --port 0 > "$work/serve.out" 2> "$work/serve.log" &
pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "test-review-page: kiosk-server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# Two photos: a light-blue backdrop with a head and shoulders, as ImageMagick draws them.
for n in 1 2; do
    convert -size 480x640 xc:'#b4d2f0' -fill '#e8c4a0' -draw "ellipse 240,260 $((80 + n * 8)),105 0,360" \
        -fill '#303040' -draw 'rectangle 90,470 390,640' -quality 90 "$work/photo$n.jpg"
done
rejected=$(python3 scripts/review-page/station.py "$url" "$station" "$work/secret" N0001 "$work/photo1.jpg")
kept=$(python3 scripts/review-page/station.py "$url" "$station" "$work/secret" N0002 "$work/photo2.jpg")

python3 scripts/review-page/browser.py "$chromium" "$url/review" li.wei 'correct horse battery' "$rejected" "$kept" "$shots"

# What the browser's POST changed, read from outside: the list and the station's roster.
listed=$("$server" review list --data "$data")
grep -q "$kept" <<<"$listed" && ! grep -q "$rejected" <<<"$listed" \
    || { echo "FAILED: review list after the browser's decision: $listed" >&2; exit 1; }
row=$(python3 scripts/review-page/station.py --roster "$url" "$station" "$work/secret" N0001)
grep -q '"retakeOwed": true' <<<"$row" && grep -q '"review": "rejected"' <<<"$row" \
    || { echo "FAILED: the station's roster row of N0001: $row" >&2; exit 1; }
echo "ok: the rejection reached the station's roster (retake owed)"
echo "screenshots: $shots/review-before.png $shots/review-after.png"
