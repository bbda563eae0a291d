#!/usr/bin/env bash
# Soak of the station daemon (issue 16): the release `kiosk run` in tmux on a replayed camera
# that is unplugged on a schedule, a scripted operator and one student after another, syncing to
# a real kiosk-server that is stopped and started while it runs. Samples the station's memory
# (VmRSS) and open file descriptors from /proc every minute, and at the end checks that every
# capture is stored and synced: the server holds each photo once, by its SHA-256, and every
# session; the station's outbox is empty.
#
#   scripts/soak.sh [--minutes 30] [--server-every 180] [--server-down 30] [--unplug 45/4] [--work DIR]
#
#   KIOSK=path/to/kiosk   the binary (default .build/release/kiosk); kiosk-server is beside it
#
# Exit 0 when every check held, 1 when one failed, 77 when it cannot run here (says why).
set -uo pipefail
cd "$(dirname "$0")/.."

minutes=30 server_every=180 server_down=30 unplug=45/4 work=""
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) minutes=$2; shift 2 ;;
        --server-every) server_every=$2; shift 2 ;;
        --server-down) server_down=$2; shift 2 ;;
        --unplug) unplug=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        *) echo "usage: $0 [--minutes N] [--server-every SECONDS] [--server-down SECONDS] [--unplug EVERY/FOR] [--work DIR]"; exit 2 ;;
    esac
done

kiosk=${KIOSK:-.build/release/kiosk}
server="$(dirname "$kiosk")/kiosk-server"
faces="$("$(dirname "$0")/cache-dir.sh")/faces"
for tool in tmux convert sqlite3 sha256sum; do
    command -v "$tool" >/dev/null || { echo "skip: $tool is not installed"; exit 77; }
done
[ -f "$faces/biden.jpg" ] || { echo "skip: test photos missing; run scripts/fetch-test-data.sh"; exit 77; }
[ -x "$kiosk" ] && [ -x "$server" ] || { echo "FAIL: no $kiosk or $server (make build, or set KIOSK)"; exit 1; }

if [ -z "$work" ]; then work=$(mktemp -d); else mkdir -p "$work"; fi
log="$work/soak.log"
sock="kiosk-soak-$$"
tm() { tmux -L "$sock" "$@"; }
# The running server's pid is kept in a file: the background cycler restarts it.
cleanup() {
    tm kill-server 2>/dev/null
    [ -n "${cycler_pid:-}" ] && kill "$cycler_pid" 2>/dev/null
    [ -f "$work/server.pid" ] && kill "$(cat "$work/server.pid")" 2>/dev/null
}
trap cleanup EXIT
say() { echo "$(date -u +%H:%M:%S) $*" | tee -a "$log"; }
failures=0
fail() { say "FAIL: $*"; failures=$((failures + 1)); }

# The camera's view: Biden's portrait levelled and lit to the standard's face exposure (as in
# scripts/test-tmux.sh) on a grey wall, swaying a few pixels so the tracker sees a live person.
mkdir -p "$work/frames"
for i in 0 1 2 3 4 5 6 7; do
    dx=$(( (i < 4 ? i : 8 - i) * 2 )) dy=$(( i % 3 ))
    convert -quiet -size 1280x720 "xc:#80858c" \( "$faces/biden.jpg" -virtual-pixel edge -distort SRT "565,420 1 -13.1" -resize 75% -gamma 1.4 \) \
        -geometry +$((214 + dx))+$((14 + dy)) -composite "$work/frames/f$i.jpg"
done

# The roster: more students than a soak can serve, each photographed once.
students=600 given=(明 华 春 秋)
{
    echo "student_number,school,batch,name,id_tail"
    for n in $(seq 1 $students); do printf '20209%05d,北京大学,2024,李%s,%04d\n' "$n" "${given[n % 4]}" "$n"; done
} >"$work/roster.csv"

# The server: credentials for the station, the roster, and a port kept across restarts.
"$server" station add soak-1 --school 北京大学 --data "$work/server" --secret-file "$work/station.credentials" >/dev/null \
    && "$server" roster import "$work/roster.csv" --data "$work/server" >/dev/null || { echo "FAIL: kiosk-server could not set up"; exit 1; }
start_server() {
    "$server" serve --data "$work/server" --port "${port:-0}" >"$work/server.out" 2>>"$work/server.err" &
    echo $! >"$work/server.pid"
    for _ in $(seq 40); do grep -q "^listening on" "$work/server.out" 2>/dev/null && break; sleep 0.25; done
    address=$(sed -n 's/^listening on //p' "$work/server.out")
    [ -n "$address" ] || { fail "kiosk-server did not start: $(tail -2 "$work/server.err")"; return 1; }
    port=${address##*:}
}
start_server || exit 1
say "kiosk-server on $address (pid $(cat "$work/server.pid"))"

printf '{ sync: { server: "%s", credentialsFile: "%s", probeSeconds: 2 } }\n' "$address" "$work/station.credentials" >"$work/station.json5"
"$kiosk" roster import "$work/roster.csv" --store "$work/store" >/dev/null || { echo "FAIL: kiosk roster import failed"; exit 1; }

tm new-session -d -s hold "sleep 100000"
tm new-session -d -s kiosk -x 120 -y 36 \
    "COLORTERM=truecolor $kiosk run --config $work/station.json5 --source replay:$work/frames@15,unplug=$unplug --store $work/store 2>$work/kiosk.err; echo \"exit=\$?\" >$work/kiosk.rc; sleep 100000"
. scripts/lib/tmux-screen.sh

wait_for "工作人员登录" 30 || { fail "no operator sign-in screen"; screen; exit 1; }
pid=$(pgrep -P "$(tm display -p -t kiosk '#{pane_pid}')" -x kiosk) || { fail "kiosk run not found"; exit 1; }
type_slowly op-soak; tm send-keys -t kiosk Enter

# /proc figures of the station: resident memory, its peak, open descriptors.
sample() {
    local rss hwm fds
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    fds=$(ls "/proc/$pid/fd" | wc -l)
    echo "$(date -u +%H:%M:%S),$SECONDS,$rss,$hwm,$fds,$sessions" >>"$work/samples.csv"
    echo "$rss $hwm $fds"
}
echo "time,seconds,rss_kb,hwm_kb,fds,sessions" >"$work/samples.csv"

# The server goes away for $server_down seconds every $server_every seconds, in the background.
(
    while sleep "$server_every"; do
        kill "$(cat "$work/server.pid")"; echo "$(date -u +%H:%M:%S) server stopped" >>"$log"
        sleep "$server_down"
        start_server && echo "$(date -u +%H:%M:%S) server started again" >>"$log"
    done
) &
cycler_pid=$!

# One student: identify (number, tail, the code typed in the third field), confirm, the live
# picture until the guidance takes the photo (c, the operator's capture, if it has not after
# 10 s), accept, pay cash, and back to the start. Returns 1 when a screen never came.
serve_student() {
    local n=$1 number tail
    number=$(printf '20209%05d' "$n") tail=$(printf '%04d' "$n")
    wait_for "按回车开始拍照" 20 || return 1
    tm send-keys -t kiosk Enter
    type_slowly "$number"; tm send-keys -t kiosk Enter
    type_slowly "$tail"; tm send-keys -t kiosk Enter
    type_slowly "SOAK-CODE-$n"; tm send-keys -t kiosk Enter
    wait_for "请核对" 15 || return 1
    tm send-keys -t kiosk Enter
    local deadline=$((SECONDS + 120)) pressed=$((SECONDS + 10))
    local shown
    until shown=$(screen); grep -qE "照片合格|照片有|照片不合格" <<<"$shown"; do
        [ $SECONDS -lt $deadline ] || return 1
        # The unplugged camera on the live screen, counted once each time it appears.
        if grep -qF "摄像头未连接" <<<"$shown"; then
            [ "$unplugged" = yes ] || unplugged_seen=$((unplugged_seen + 1))
            unplugged=yes
        else
            unplugged=no
        fi
        if [ $SECONDS -ge $pressed ]; then tm send-keys -t kiosk c; pressed=$((SECONDS + 5)); fi
        sleep 0.3
    done
    sleep 0.5
    if screen | grep -qF "照片不合格"; then tm send-keys -t kiosk Escape; failed_photos=$((failed_photos + 1)); return 0; fi
    if screen | grep -qF "照片有"; then tm send-keys -t kiosk y; else tm send-keys -t kiosk Enter; fi
    wait_for "请缴费" 15 || return 1
    tm send-keys -t kiosk Enter
    wait_for "照片已保存" 15 || return 1
    sessions=$((sessions + 1))
    tm send-keys -t kiosk Enter
}

sessions=0 failed_photos=0 stuck=0 unplugged_seen=0 unplugged=no
end=$((SECONDS + minutes * 60))
n=0
while [ $SECONDS -lt $end ]; do
    n=$((n + 1))
    [ $n -le $students ] || break
    if ! serve_student "$n"; then
        stuck=$((stuck + 1))
        say "student $n: a screen did not come; back to the start ($(screen | grep -v '^\s*$' | tail -3 | tr -s ' ' | tr '\n' '|'))"
        # Esc goes back one screen at a time; on the start screen it would start a student.
        for _ in 1 2 3; do screen | grep -qF "按回车开始拍照" && break; tm send-keys -t kiosk Escape; sleep 2; done
    fi
    # The first figures once a session has warmed everything up; then one a minute.
    if [ -z "${first:-}" ] && [ $sessions -ge 1 ]; then
        first=$(sample); last_minute=$((SECONDS / 60)); say "start: rss/peak/fds $first after $sessions session(s)"
    fi
    if [ -n "${first:-}" ] && [ $((SECONDS / 60)) != "$last_minute" ]; then last_minute=$((SECONDS / 60)); [ -d "/proc/$pid" ] && sample >/dev/null; fi
    [ -d "/proc/$pid" ] || { fail "kiosk run ended by itself: $(cat "$work/kiosk.rc" "$work/kiosk.err" 2>/dev/null | tail -3)"; break; }
done
last=$(sample)
say "end: rss/peak/fds $last after $sessions session(s)"

# The server up for good, then every session out of the outbox.
kill "$cycler_pid" 2>/dev/null; wait "$cycler_pid" 2>/dev/null
kill -0 "$(cat "$work/server.pid")" 2>/dev/null || { start_server; say "server started for the end"; }
db="$work/store/station.sqlite"
for _ in $(seq 120); do
    [ "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE sentAt IS NULL")" = 0 ] && break
    sleep 1
done
waiting=$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE sentAt IS NULL")
final=$(sample)
# q quits on the start screen only (any other key there starts a student).
wait_for "按回车开始拍照" 2 || { tm send-keys -t kiosk Escape; wait_for "按回车开始拍照" 10; }
tm send-keys -t kiosk q
for _ in $(seq 60); do [ -f "$work/kiosk.rc" ] && break; sleep 0.5; done
say "station: $(screen | grep -F "kiosk run:" | tr -s ' ')"
grep -q "exit=0" "$work/kiosk.rc" 2>/dev/null || fail "q: kiosk run did not exit 0 ($(cat "$work/kiosk.rc" "$work/kiosk.err" 2>/dev/null | tail -3))"

# Every capture stored (a spec photo per session, its file by its hash) and on the server once.
central="$work/server/central.sqlite"
stored=$(sqlite3 "$db" "SELECT count(*) FROM session")
[ "$stored" = "$sessions" ] || fail "the station holds $stored sessions, the script saw $sessions receipts"
missing=0 twice=0 corrupt=0
for hash in $(sqlite3 "$db" "SELECT sha256 FROM photo WHERE kind = 'spec'"); do
    [ "$(sha256sum <"$work/store/photos/$hash.jpg" | cut -c1-64)" = "$hash" ] || corrupt=$((corrupt + 1))
    rows=$(sqlite3 "$central" "SELECT count(*) FROM photo WHERE sha256 = '$hash'")
    blob="$work/server/blobs/${hash:0:2}/$hash.jpg"
    if [ "$rows" = 0 ] || [ ! -f "$blob" ]; then missing=$((missing + 1)); elif [ "$rows" != 1 ]; then twice=$((twice + 1)); fi
    [ -f "$blob" ] && [ "$(sha256sum <"$blob" | cut -c1-64)" != "$hash" ] && corrupt=$((corrupt + 1))
done
records=$(sqlite3 "$central" "SELECT count(*) FROM record")
[ "$missing" = 0 ] || fail "$missing photo(s) not on the server"
[ "$twice" = 0 ] || fail "$twice photo(s) on the server more than once"
[ "$corrupt" = 0 ] || fail "$corrupt photo file(s) whose bytes do not hash to their name"
[ "$records" = "$stored" ] || fail "the server has $records session records, the station $stored"
[ "$waiting" = 0 ] || fail "$waiting outbox entries still waiting at the end"
reconnects=$(grep -c "server started again" "$log")

read -r rss0 hwm0 fds0 <<<"${first:-0 0 0}"
read -r rss1 hwm1 fds1 <<<"$final"
say "soak: $minutes min, $sessions sessions saved, $failed_photos failing photo(s) retaken, $stuck student(s) stuck and sent back"
say "soak: kiosk-server stopped and started $reconnects time(s); camera unplugged every ${unplug%/*} s for ${unplug#*/} s, shown unplugged on the live screen $unplugged_seen time(s)"
say "soak: station RSS $((rss0 / 1024)) MB -> $((rss1 / 1024)) MB (peak $((hwm1 / 1024)) MB), open fds $fds0 -> $fds1"
# A single figure depends on the screen it was taken on; the minute samples show a trend.
say "soak: per-minute samples: $(awk -F, 'NR > 1 { n++; r[n] = int($3 / 1024); f[n] = $5 }
    END { lo = hi = r[1]; flo = fhi = f[1]
          for (i = 1; i <= n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i]; if (f[i] < flo) flo = f[i]; if (f[i] > fhi) fhi = f[i] }
          printf "%d, RSS %d-%d MB, fds %d-%d", n, lo, hi, flo, fhi }' "$work/samples.csv")"
say "soak: server has $records records and every photo once by hash; outbox waiting $waiting"
say "soak: samples in $work/samples.csv, log in $log"
if [ $failures -gt 0 ]; then say "soak: $failures failure(s)"; exit 1; fi
say "soak: passed"
