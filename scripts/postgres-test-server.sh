#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests and the load benchmark: a new cluster in a
# temporary folder, listening on a free loopback port only, with a superuser `kiosk` whose
# password is in a file only the caller can read.
#
#   eval "$(scripts/postgres-test-server.sh start)"   # exports the two variables below
#   scripts/postgres-test-server.sh stop               # stops it and removes the folder
#
# start prints
#   export KIOSK_TEST_POSTGRES_URL=postgres://kiosk@127.0.0.1:PORT/postgres?sslmode=disable
#   export KIOSK_TEST_POSTGRES_PASSWORD_FILE=FOLDER/password
#   export KIOSK_TEST_POSTGRES_FOLDER=FOLDER
# stop takes the folder from KIOSK_TEST_POSTGRES_FOLDER (or as its second argument).
#
# The server runs as the unprivileged `postgres` user Debian's package makes (initdb refuses
# to run as root, and CI runs as root); run by another user, it runs as that user. Debian's
# binaries: /usr/lib/postgresql/15/bin (apt-get install postgresql; scripts/setup.sh does).
set -euo pipefail

bin=${POSTGRES_BIN:-/usr/lib/postgresql/15/bin}

as_server() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    [ -x "$bin/initdb" ] || { echo "postgres-test-server: $bin/initdb is missing: apt-get install postgresql (scripts/setup.sh)" >&2; exit 1; }
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "postgres-test-server: running as root and there is no postgres user to run the server as: apt-get install postgresql makes it" >&2
        exit 1
    fi
    local folder password port
    folder=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-postgres-XXXXXX")
    chmod 755 "$folder"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$folder"; fi
    password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    # The caller's copy of the password, the caller's alone; the server's copy goes after initdb.
    (umask 077; printf '%s\n' "$password" >"$folder/password")
    # The password goes through a pipe, not a command line other users could read.
    printf '%s\n' "$password" | as_server bash -c 'umask 077; cat >"$1"' _ "$folder/initdb-password"
    as_server "$bin/initdb" -D "$folder/data" -U kiosk --pwfile="$folder/initdb-password" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$folder/initdb.log" 2>&1 \
        || { cat "$folder/initdb.log" >&2; exit 1; }
    rm -f "$folder/initdb-password"
    # A free port: the kernel picks one for a socket we close at once (a race with another
    # program taking it in between is possible but unlikely; pg_ctl then fails loudly).
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # Loopback TCP only, no Unix socket in a shared folder; room for the tests' parallel stores.
    as_server "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=300" start >/dev/null \
        || { cat "$folder/server.log" >&2; exit 1; }
    echo "export KIOSK_TEST_POSTGRES_URL='postgres://kiosk@127.0.0.1:$port/postgres?sslmode=disable'"
    echo "export KIOSK_TEST_POSTGRES_PASSWORD_FILE='$folder/password'"
    echo "export KIOSK_TEST_POSTGRES_FOLDER='$folder'"
}

stop() {
    local folder=${1:-${KIOSK_TEST_POSTGRES_FOLDER:-}}
    [ -n "$folder" ] || { echo "postgres-test-server: stop needs the folder start printed (KIOSK_TEST_POSTGRES_FOLDER)" >&2; exit 1; }
    case "$folder" in */kiosk-postgres-*) ;; *) echo "postgres-test-server: $folder is not a folder start made" >&2; exit 1 ;; esac
    if [ -d "$folder/data" ]; then
        as_server "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$folder"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start|stop [FOLDER]" >&2; exit 64 ;;
esac
