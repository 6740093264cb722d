#!/usr/bin/env bash
# Claims a second sustained (issue 14): the bot on SQLite, one replica on PostgreSQL, and two replicas on one
# PostgreSQL database, each RUNS times, round-robin; bench/Claims.java drives them (one writer per action item, each
# in a closed loop). Needs POSTGRES_URL (a JDBC URL with ?user=, as scripts/test-postgres.sh prints) and what
# bench/run.sh built (SKIP_BUILD=1 reuses it). Results: bench/results/claims-<UTC time>.txt; nothing leaves 127.0.0.1.
#   RUNS=3 DURATION=20 WARMUP=5 POSTGRES_URL=... bash bench/claims.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
begun=$SECONDS
# shellcheck source=bench/lib.sh
source bench/lib.sh
[[ -n ${POSTGRES_URL:-} ]] || fail "set POSTGRES_URL (eval \"\$(bash scripts/test-postgres.sh start)\"; POSTGRES_URL=\$QCON_TEST_POSTGRES_URL)"
build
javac -d "$classes" bench/Claims.java
out=bench/results/claims-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p bench/results
trap 'stop_fake_slack; kill "${pids[@]}" 2>/dev/null || true' EXIT
start_fake_slack
pids=()

# Starts a bot of TARGET, waits (at most 60 s) for /health; its port in $started.
start_bot() {
    local target=$1 name=$2 port
    port=$(free_port)
    command_for "$target" "$port" "$work/scratch/claims-$name"
    env "${envs[@]}" "${cmd[@]}" >"$work/logs/claims-$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 600); do
        curl -sf "http://127.0.0.1:$port/health" >/dev/null && { started=$port; return; }
        sleep 0.1
    done
    fail "$name did not become healthy; see $work/logs/claims-$name.log"
}

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cpus: $(nproc); $RUNS runs of ${WARMUP}s + ${DURATION}s each"
    echo "bot JVM flags: $shipped_flags; PostgreSQL $(psql --version | awk '{print $3}') on the same machine, fsync=off"
} | tee "$out"
for ((run = 1; run <= RUNS; run++)); do
    for setup in sqlite pg-1 pg-2; do
        pids=()
        case $setup in
            sqlite) start_bot bot sqlite; ports=$started ;;
            pg-1) SHARED_SCHEMA="claims_${run}_1_$$" start_bot bot-pg pg1a; ports=$started ;;
            pg-2) SHARED_SCHEMA="claims_${run}_2_$$" start_bot bot-pg pg2a; ports=$started
                  SHARED_SCHEMA="claims_${run}_2_$$" start_bot bot-pg pg2b; ports=$ports,$started ;;
        esac
        say "run $run: $setup on $ports (load average $(load1))"
        line=$(timeout $((WARMUP + DURATION + 60)) java -cp "$classes" Claims --ports "$ports" --secret "$secret" \
            --duration "$DURATION" --warmup "$WARMUP")
        echo "run=$run setup=$setup $line" | tee -a "$out"
        kill "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
        sleep 2
    done
done
say "done in $((SECONDS - begun)) s; results in $out"
