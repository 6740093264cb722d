#!/usr/bin/env bash
# End-to-end load and start-up benchmark of qcon-bot (issue 6), against a minimal Bolt for Java app, a minimal
# Bolt for JavaScript app and a server that does nothing, all on 127.0.0.1. See docs/PERFORMANCE.md.
#
#   bench/run.sh
#
# Builds what it needs (bench/lib.sh: the jar, the jlinked runtime and CDS archive the image ships, the
# baselines, the load generator), waits (at most QUIET_WAIT s) for the 1-minute load average to fall below
# QUIET_LOAD, then runs every load target RUNS times at RATE requests/s, round-robin with the order rotated each
# round, each process started fresh; then every start-up target STARTUPS times, the same way. Raw results and a
# summary go to bench/results/<UTC time>/, logs to target/bench/logs/.
#
# Knobs (environment): RATE=300 RUNS=3 WARMUP=10 DURATION=30 STARTUPS=5 QUIET_LOAD=1.0 QUIET_WAIT=600
#   TARGETS="noop bolt-js bolt-java bot bot-help bot-c2 bot-heap128"
#   STARTUP_TARGETS="bolt-js bolt-java bot bot-jdk"   (also: bot-c2, bot-jdk-default, bot-readme, bot-readme-before)
#   An empty list skips that part: TARGETS="" runs start-ups only.
#   SKIP_BUILD=1 reuses what an earlier run built.
#   LOADGEN_ARGS="--slow 200 --idle 1000" adds load options to every load run (issue 11: slow and idle clients).
#   BEFORE=/path/to/a/built/checkout enables the target bot-before (name it in TARGETS and STARTUP_TARGETS), for a
#   before/after comparison of the bot in one run.
# The targets are described in bench/lib.sh (command_for). Needs JDK 17 with jmods, Maven, Node.js 18+ and npm.
# Every wait is bounded (a load run at most WARMUP+DURATION+90 s, a start-up 120 s); nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-300}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
STARTUPS=${STARTUPS:-5}
QUIET_LOAD=${QUIET_LOAD:-1.0}
QUIET_WAIT=${QUIET_WAIT:-600}
TARGETS=${TARGETS-"noop bolt-js bolt-java bot bot-help bot-c2 bot-heap128"}
STARTUP_TARGETS=${STARTUP_TARGETS-"bolt-js bolt-java bot bot-jdk"}

begun=$SECONDS
# shellcheck source=bench/lib.sh
source bench/lib.sh
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=bench/results/$stamp

build
mkdir -p "$results"
trap stop_fake_slack EXIT
start_fake_slack

# --- wait for a quiet machine (bounded) --------------------------------------------------------------------------
waited=0
while awk -v l="$(load1)" -v q="$QUIET_LOAD" 'BEGIN { exit !(l > q) }' && ((waited < QUIET_WAIT)); do
    if ((waited % 60 == 0)); then
        say "load average $(load1) > $QUIET_LOAD: waiting for a quieter machine (at most ${QUIET_WAIT}s in all)"
    fi
    sleep 10
    waited=$((waited + 10))
done
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpus: $(nproc) ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)); memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); kernel $(uname -r)"
    echo "java: $(java -version 2>&1 | head -1); the bot's runtime: jlinked from it, with its CDS archive"
    echo "bot JVM flags (the Dockerfile's JDK_JAVA_OPTIONS): $shipped_flags"
    echo "node: $(node --version); @slack/bolt $(node -p "require('./bench/bolt-js-baseline/node_modules/@slack/bolt/package.json').version" 2>/dev/null || echo '(not installed: no bolt-js target)')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (waited ${waited}s for the 1-minute one to fall below $QUIET_LOAD)"
    echo "load: $RATE requests/s, ${WARMUP}s warm-up + ${DURATION}s measured, $RUNS runs per target; start-up: $STARTUPS runs per target${LOADGEN_ARGS:+; load options: $LOADGEN_ARGS}"
} >"$results/machine.txt"
sed 's/^/    /' "$results/machine.txt"

# --- load: each target RUNS times, round-robin --------------------------------------------------------------------
read -r -a load_targets <<<"$TARGETS"
for ((run = 1; run <= RUNS; run++)); do
    n=${#load_targets[@]}
    for ((k = 0; k < n; k++)); do
        target=${load_targets[$(((k + run - 1) % n))]}
        port=$(free_port)
        command_for "$target" "$port" "$work/scratch/$target"
        say "load run $run/$RUNS: $target on port $port (load average $(load1))"
        env "${envs[@]}" timeout $((WARMUP + DURATION + 90)) java "${loadgen_jvm[@]}" -cp "$classes" LoadGen run \
            --target "$target" --run "$run" --port "$port" --secret "$secret" --rate "$RATE" \
            --warmup "$WARMUP" --duration "$DURATION" --error-marker "something went wrong on my side" \
            "${loadgen_extra[@]}" ${LOADGEN_ARGS:-} --csv "$results/load.csv" --log "$work/logs/$target-load-$run.log" -- "${cmd[@]}" \
            | sed 's/^/    /' || say "load run $run of $target FAILED (see $work/logs/$target-load-$run.log)"
        sleep 2
    done
done

# --- start-up: each target STARTUPS times, round-robin --------------------------------------------------------------
read -r -a startup_targets <<<"$STARTUP_TARGETS"
for ((run = 1; run <= STARTUPS; run++)); do
    n=${#startup_targets[@]}
    for ((k = 0; k < n; k++)); do
        target=${startup_targets[$(((k + run - 1) % n))]}
        port=$(free_port)
        command_for "$target" "$port" "$work/scratch/$target"
        env "${envs[@]}" timeout 120 java "${loadgen_jvm[@]}" -cp "$classes" LoadGen startup \
            --target "$target" --run "$run" --port "$port" --startup-csv "$results/startup.csv" \
            --log "$work/logs/$target-startup-$run.log" -- "${cmd[@]}" \
            | sed 's/^/    /' || say "start-up run $run of $target FAILED (see $work/logs/$target-startup-$run.log)"
        sleep 1
    done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg); bench/run.sh took $((SECONDS - begun)) s" >>"$results/machine.txt"
{
    echo "# bench/run.sh, $stamp"
    echo
    sed 's/^/    /' "$results/machine.txt"
    echo
    java -cp "$classes" LoadGen summarize --csv "$results/load.csv" --startup-csv "$results/startup.csv"
} >"$results/summary.md"
echo
cat "$results/summary.md"
say "done in $((SECONDS - begun)) s; raw results and summary.md in $results"
