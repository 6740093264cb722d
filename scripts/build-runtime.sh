#!/usr/bin/env bash
# Builds qcon-bot's slim Java runtime (jdeps + jlink) and its class-data-sharing archive (AppCDS).
#
#   scripts/build-runtime.sh [--only jlink|cds] [JAR] [OUT]
#
# JAR is the shaded jar (default target/qcon-bot.jar); the runtime goes to OUT/runtime, the archive to
# OUT/app.jsa and sqlite-jdbc's native library to OUT/native (OUT defaults to target). Both steps run unless --only picks one; the Dockerfile runs jlink in
# its build stage and cds in the image the bot runs in. Needs a full JDK 17 with jmods (JAVA_HOME, or the
# jlink on PATH) and bash; no curl. See docs/RUNTIME.md for what was measured.
#
# jlink: jdeps lists the modules the jar's classes refer to; we add the few that are only found at run time.
# cds:   runs the bot from JAR on OUT/runtime (or CDS_JAVA) as a server (temp database, a free port, Slack pointed at a port
#        where nothing listens), waits for GET /health, asks it a few times, stops it with SIGTERM; the JVM writes
#        the classes it loaded to OUT/app.jsa as it exits. The archive is only used with the runtime that made
#        it and the jar at the same path, size and time, so run this step where and as the bot will run.
set -euo pipefail
cd "$(dirname "$0")/.."

only=all
if [[ ${1:-} == --only ]]; then
    only=${2:?--only needs jlink or cds}
    shift 2
fi
case $only in all | jlink | cds) ;; *) echo "build-runtime: --only takes jlink or cds, not $only" >&2; exit 2 ;; esac
jar=$(realpath -m "${1:-target/qcon-bot.jar}")
out=$(realpath -m "${2:-target}")
runtime=$out/runtime
archive=$out/app.jsa
native=$out/native
[[ -f $jar ]] || { echo "build-runtime: no jar at $jar; run mvn -B -q -DskipTests package first" >&2; exit 2; }

# Modules that jdeps cannot see, because they are only reached through ServiceLoader, java.security's provider
# list or reflection; docs/RUNTIME.md says how each was checked.
runtime_only_modules=(
    jdk.crypto.ec    # SunEC: ECDHE key exchange and ECDSA for TLS; without it no handshake with slack.com
    jdk.unsupported  # sun.misc.Unsafe, which Gson (the Slack SDK's JSON) looks up by name to build objects
)

build_jlink() {
    local jdk
    jdk=${JAVA_HOME:-$(dirname "$(dirname "$(realpath "$(command -v jlink)")")")}
    [[ -d $jdk/jmods ]] || { echo "build-runtime: $jdk has no jmods; jlink needs a full JDK" >&2; exit 2; }
    echo "build-runtime: jdeps on $jar (JDK $jdk)"
    local found
    found=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$jar")
    local modules
    modules=$(printf '%s\n' "${found//,/$'\n'}" "${runtime_only_modules[@]}" | sort -u | paste -sd, -)
    echo "build-runtime: jdeps found $found; with the run-time-only ones: $modules"
    rm -rf "$runtime"
    # --generate-cds-archive writes the runtime's own base CDS archive (JDK classes), which the app archive
    # below extends. No --compress: it saves 26 MB on disk but adds 6 MB to the gzipped layer (docs/RUNTIME.md).
    "$jdk/bin/jlink" --add-modules "$modules" --output "$runtime" \
        --strip-debug --no-header-files --no-man-pages --generate-cds-archive
    # jlink writes a second base archive for heaps over 32 GB (no compressed oops); the bot never runs with one.
    rm -f "$runtime/lib/server/classes_nocoops.jsa"
    echo "build-runtime: runtime in $runtime ($(du -sh "$runtime" | cut -f1)), modules:"
    "$runtime/bin/java" --list-modules | sed 's/^/    /'
    extract_native "$jdk/bin"
}

# sqlite-jdbc's native library for this machine, taken out of the jar into OUT/native once, here: left in the jar,
# every start copies it to a temporary file before the first connection (about 100 ms of each start-up). The bot
# runs with -Dorg.sqlite.lib.path=OUT/native; without the file there, sqlite-jdbc takes it from the jar as before.
# $1: the bin folder of a full JDK (its jar tool).
extract_native() {
    local folder
    folder=$("$1/java" -cp "$jar" org.sqlite.util.OSInfo)
    rm -rf "$native"
    mkdir -p "$native/unpacked"
    (cd "$native/unpacked" && "$1/jar" xf "$jar" "org/sqlite/native/$folder/libsqlitejdbc.so")
    mv "$native/unpacked/org/sqlite/native/$folder/libsqlitejdbc.so" "$native/"
    rm -rf "$native/unpacked"
    echo "build-runtime: sqlite-jdbc's native library for $folder in $native"
}

# Exit status 0 when GET /health on 127.0.0.1:$1 answers 200. Plain bash, like the Dockerfile's HEALTHCHECK.
health_ok() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
        read -r -t 5 _ code _ <&3 && [[ $code == 200 ]]
    ) 2>/dev/null
}

# A port below the kernel's range for outgoing connections (any of those may be taken at any moment) that
# nothing listens on. Another process may still take it first; the training run then tries another.
free_port() {
    local low port tries
    { read -r low _ </proc/sys/net/ipv4/ip_local_port_range; } 2>/dev/null || low=32768
    for ((tries = 0; tries < 50; tries++)); do
        port=$((10000 + RANDOM % (low - 10000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

bot_pid=
work=
cleanup() {
    if [[ -n $bot_pid ]]; then kill -KILL "$bot_pid" 2>/dev/null || true; fi
    if [[ -n $work ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

build_cds() {
    # CDS_JAVA: train on another java (scripts/qcon-bot trains on the JDK it runs the jar with); else the runtime.
    local java=${CDS_JAVA:-$runtime/bin/java}
    [[ -n ${CDS_JAVA:-} || -x $java ]] || { echo "build-runtime: no runtime at $runtime; run the jlink step first" >&2; exit 2; }
    local port status waited attempt bin
    mkdir -p "$(dirname "$archive")"
    bin=$(dirname "$(realpath "$(command -v "$java")")")
    if [[ -x $bin/jar ]]; then
        extract_native "$bin"
    fi
    local lib_path=()
    if [[ -s $native/libsqlitejdbc.so ]]; then
        lib_path=(-Dorg.sqlite.lib.path="$native")
    fi
    work=$(mktemp -d)
    touch "$work/empty.env"
    for ((attempt = 1; ; attempt++)); do
        port=$(free_port) || { echo "build-runtime: no free port found" >&2; exit 1; }
        rm -f "$archive"
        echo "build-runtime: training run for $archive (port $port)"
        # QCON_CONFIG: an empty file, so a developer's config/qcon.env cannot add Socket Mode or a digest
        # channel. JDK_JAVA_OPTIONS, if set (the Dockerfile sets it), is read by the java launcher: we train with
        # the flags the bot runs with.
        env SLACK_BOT_TOKEN=xoxb-training SLACK_SIGNING_SECRET=training SLACK_API_URL=http://127.0.0.1:9/api/ \
            QCON_CONFIG="$work/empty.env" PORT="$port" QCON_DB="$work/qcon-$attempt.db" \
            "$java" -XX:ArchiveClassesAtExit="$archive" "${lib_path[@]}" -jar "$jar" >"$work/bot.log" 2>&1 &
        bot_pid=$!
        waited=0
        until health_ok "$port"; do
            if ! kill -0 "$bot_pid" 2>/dev/null; then
                wait "$bot_pid" || true
                bot_pid=
                break
            fi
            if ((waited >= 1500)); then
                echo "build-runtime: the bot did not answer GET /health within 30 s; its log:" >&2
                cat "$work/bot.log" >&2
                exit 1
            fi
            sleep 0.02
            waited=$((waited + 1))
        done
        [[ -z $bot_pid ]] || break
        if ((attempt < 3)) && grep -q 'Address already in use' "$work/bot.log"; then
            echo "build-runtime: port $port was taken meanwhile; trying another"
            continue
        fi
        echo "build-runtime: the bot stopped before GET /health answered 200; its log:" >&2
        cat "$work/bot.log" >&2
        exit 1
    done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        health_ok "$port" || true
    done
    # A request without a signature: loads the code that turns it away (401).
    (
        exec 3<>"/dev/tcp/127.0.0.1/$port"
        printf 'POST /slack/events HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' >&3
        read -r -t 5 _ <&3
    ) 2>/dev/null || true
    kill -TERM "$bot_pid"
    status=0
    wait "$bot_pid" || status=$?
    bot_pid=
    if [[ $status -ne 0 && $status -ne 143 ]] || [[ ! -s $archive ]]; then
        echo "build-runtime: the training run ended with status $status and no archive; its log:" >&2
        cat "$work/bot.log" >&2
        exit 1
    fi
    echo "build-runtime: CDS archive $archive ($(du -sh "$archive" | cut -f1))"
}

if [[ $only == all || $only == jlink ]]; then
    SECONDS=0
    build_jlink
    echo "build-runtime: jlink step took $SECONDS s"
fi
if [[ $only == all || $only == cds ]]; then
    SECONDS=0
    build_cds
    echo "build-runtime: cds step took $SECONDS s"
fi
