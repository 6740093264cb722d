#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests that need one and prints the line to enable them:
#   eval "$(bash scripts/test-postgres.sh start)"   # exports QCON_TEST_POSTGRES_URL
#   bash scripts/test-postgres.sh bounce 4   # down for 4 s, then up again (an outage, for a test)
#   bash scripts/test-postgres.sh stop
# Installs PostgreSQL from Debian's packages when it is missing. The cluster lives in a temporary folder, on a free
# port, on 127.0.0.1 only, owned by the postgres user (initdb refuses root); nothing of the machine's own
# PostgreSQL is touched.
set -euo pipefail

STATE=${QCON_TEST_POSTGRES_DIR:-/tmp/qcon-test-postgres}

bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    echo "$found"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-start}" in
start)
    if [ -z "$(bin)" ]; then
        echo "Installing PostgreSQL from Debian's packages" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    BIN=$(bin)
    if [ -f "$STATE/data/postmaster.pid" ]; then
        as_owner "$BIN/pg_ctl" -D "$STATE/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$STATE"
    mkdir -p "$STATE"
    [ "$(id -u)" = 0 ] && chown postgres "$STATE"
    # a port nothing listens on, below Linux's ephemeral range (32768-60999)
    for _ in $(seq 50); do
        PORT=$((20000 + RANDOM % 12000))
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
    done
    as_owner "$BIN/initdb" -D "$STATE/data" -U qcon --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_owner "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/log" -w -t 30 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -k $STATE -c max_connections=200 -c fsync=off" start >/dev/null
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U qcon qcon
    echo "$PORT" > "$STATE/port"
    echo "export QCON_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:$PORT/qcon?user=qcon"
    ;;
bounce)
    # Stops the server for ${2:-4} seconds and starts it again on the same port: a database outage, for the tests.
    PORT=$(cat "$STATE/port")
    as_owner "$(bin)/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null
    sleep "${2:-4}"
    as_owner "$(bin)/pg_ctl" -D "$STATE/data" -l "$STATE/log" -w -t 30 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -k $STATE -c max_connections=200 -c fsync=off" start >/dev/null
    ;;
stop)
    if [ -f "$STATE/data/postmaster.pid" ]; then
        as_owner "$(bin)/pg_ctl" -D "$STATE/data" -m fast stop >/dev/null
    fi
    ;;
*)
    echo "usage: $0 start|bounce [SECONDS]|stop" >&2
    exit 64
    ;;
esac
