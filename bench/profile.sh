#!/usr/bin/env bash
# Profiles one target under the same load as bench/run.sh, for docs/PERFORMANCE.md:
#
#   bench/profile.sh [TARGET]          (default bot; any target of bench/lib.sh's command_for)
#
# One run (RATE=300, WARMUP=10, DURATION=30) with, for Java targets, a JFR recording (settings=profile) and native
# memory tracking (the bot on the full JDK with the image's flags, as its slim runtime has no JFR). Prints the target's CPU per request by thread (/proc/PID/task, which includes native code such
# as SQLite's), the JVM's native memory summary at the end of the load, its heap and the JFR CPU samples summarised
# by bench/JfrTop.java. Output also goes to target/bench/profile-TARGET.txt; the recording to
# target/bench/profile-TARGET.jfr. Builds only what is missing (SKIP_BUILD=1 unless set).
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-bot}
RATE=${RATE:-300}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
SKIP_BUILD=${SKIP_BUILD:-1}

begun=$SECONDS
# shellcheck source=bench/lib.sh
source bench/lib.sh
build
trap stop_fake_slack EXIT
start_fake_slack

recording=$work/profile-$target.jfr
report=$work/profile-$target.txt
rm -f "$recording"
at_end="echo; echo '== RSS'; grep -E 'VmHWM|VmRSS' /proc/{pid}/status"
if [[ $target != bolt-js ]]; then
    extra_jvm=("-XX:StartFlightRecording=filename=$recording,settings=profile,dumponexit=true"
        -XX:NativeMemoryTracking=summary)
    at_end+="; echo; echo '== jcmd VM.native_memory summary'; jcmd {pid} VM.native_memory summary | grep -E '^(Total|-)' | sed 's/ *(malloc=.*//'"
    at_end+="; echo; echo '== jcmd GC.heap_info'; jcmd {pid} GC.heap_info | tail -n +2"
fi
# The image's slim runtime has no jdk.jfr module: profile the bot on the full JDK, with the same flags.
run_as=$target
case $target in
    bot) run_as=bot-jdk ;;
    bot-help) run_as=bot-jdk ;;
    bot-c2) run_as=bot-jdk; extra_jvm+=(-XX:TieredStopAtLevel=4) ;;
esac
port=$(free_port)
command_for "$run_as" "$port" "$work/scratch/profile-$target"
[[ $target != bot-help ]] || loadgen_extra=(--texts help)
say "profiling $target: $RATE requests/s, ${WARMUP}s warm-up + ${DURATION}s; load average $(load1)"
{
    env "${envs[@]}" timeout $((WARMUP + DURATION + 120)) java "${loadgen_jvm[@]}" -cp "$classes" LoadGen run \
        --target "$target" --port "$port" --secret "$secret" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" \
        --error-marker "something went wrong on my side" --threads true "${loadgen_extra[@]}" ${LOADGEN_ARGS:-} --at-end "$at_end" \
        --log "$work/logs/$target-profile.log" -- "${cmd[@]}"
    if [[ -s $recording ]]; then
        echo
        echo "== JFR CPU samples (Java code only; native time is in the per-thread line above)"
        java -cp "$classes" JfrTop "$recording" 15
    fi
} 2>&1 | tee "$report"
say "done: $report"
