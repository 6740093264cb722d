# Shared by bench/run.sh and bench/profile.sh (sourced, from the repository's root): what the targets are, how
# they are built and started. Nothing here sends a request; everything listens on or talks to 127.0.0.1.

work=$PWD/target/bench
classes=$work/classes
jar=$PWD/target/qcon-bot.jar
secret=bench-signing-secret-$RANDOM$RANDOM
# Only the flags we pass reach each JVM: not the launcher's environment variables.
unset JDK_JAVA_OPTIONS JAVA_TOOL_OPTIONS _JAVA_OPTIONS
loadgen_jvm=(-XX:+UseSerialGC -Xms64m -Xmx256m)
# JVM flags added to every Java target (bench/profile.sh adds JFR's); empty for measurements.
extra_jvm=()

say() { printf '[bench %3ds] %s\n' $((SECONDS - ${begun:-0})) "$*"; }
fail() { echo "bench: $*" >&2; exit 1; }

# True when a target run.sh will start is one of the arguments; always true when run.sh's target lists are not set
# (bench/profile.sh), so that everything is built.
wanted() {
    [[ -z ${TARGETS+set} || -z ${STARTUP_TARGETS+set} ]] && return 0
    local target
    for target in $TARGETS $STARTUP_TARGETS; do
        [[ " $* " == *" $target "* ]] && return 0
    done
    return 1
}

# Builds the jar, the runtime and CDS archive the image ships (scripts/build-runtime.sh), the Bolt baselines and
# the harness, into target/ and target/bench/: each only when a target needs it. With SKIP_BUILD=1, only what is
# missing.
build() {
    local tool
    for tool in java javac mvn node npm; do
        command -v "$tool" >/dev/null || fail "needs $tool on PATH"
    done
    mkdir -p "$work/logs"
    # The flags the image runs the bot with, read from the Dockerfile as scripts/smoke-test.sh does.
    shipped_flags=$(sed -n 's/^ENV JDK_JAVA_OPTIONS="\(.*\)"$/\1/p' Dockerfile 2>/dev/null || true)
    [[ -n $shipped_flags ]] || fail "no ENV JDK_JAVA_OPTIONS line in the Dockerfile to read the bot's JVM flags from"
    read -r -a shipped <<<"$shipped_flags"

    if [[ ${SKIP_BUILD:-0} != 1 || ! -f $jar ]]; then
        say "building target/qcon-bot.jar"
        mvn -B -q -Dstyle.color=never -DskipTests package >"$work/logs/mvn-package.log" 2>&1 \
            || { cat "$work/logs/mvn-package.log" >&2; fail "mvn package failed"; }
    fi
    if wanted bot bot-help bot-c2 bot-heap128 bot-pg \
        && [[ ${SKIP_BUILD:-0} != 1 || ! -x $work/runtime/bin/java || ! -s $work/app.jsa || $jar -nt $work/app.jsa ]]; then
        say "building the shipped runtime (jlink) and its CDS archive, with JDK_JAVA_OPTIONS=$shipped_flags"
        JDK_JAVA_OPTIONS=$shipped_flags bash scripts/build-runtime.sh "$jar" "$work" >"$work/logs/build-runtime.log" 2>&1 \
            || { cat "$work/logs/build-runtime.log" >&2; fail "scripts/build-runtime.sh failed"; }
    fi
    if wanted bolt-js && [[ ${SKIP_BUILD:-0} != 1 || ! -d bench/bolt-js-baseline/node_modules ]]; then
        say "npm ci in bench/bolt-js-baseline"
        (cd bench/bolt-js-baseline && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
    if [[ ${SKIP_BUILD:-0} != 1 || ! -s $work/bolt-java.classpath ]]; then
        say "classpath for bench/bolt-java-baseline (mvn dependency:build-classpath)"
        mvn -B -q -Dstyle.color=never -f bench/bolt-java-baseline/pom.xml dependency:build-classpath \
            -Dmdep.outputFile="$work/bolt-java.classpath" >"$work/logs/mvn-classpath.log" 2>&1 \
            || { cat "$work/logs/mvn-classpath.log" >&2; fail "mvn dependency:build-classpath failed"; }
    fi
    if wanted bot-readme && [[ ${SKIP_BUILD:-0} != 1 || ! -s target/cds/app.jsa || $jar -nt target/cds/app.jsa ]]; then
        say "training scripts/qcon-bot's class-data archive (target/cds/app.jsa), as its first start would"
        JDK_JAVA_OPTIONS=$shipped_flags CDS_JAVA=java bash scripts/build-runtime.sh --only cds "$jar" target/cds \
            >"$work/logs/readme-cds.log" 2>&1 || { cat "$work/logs/readme-cds.log" >&2; fail "training the launcher's archive failed"; }
    fi
    bolt_cp=$(cat "$work/bolt-java.classpath")
    rm -rf "$classes" "$work/bolt-java-classes"
    javac -d "$classes" bench/LoadGen.java bench/NoopServer.java bench/JfrTop.java
    javac -cp "$bolt_cp" -d "$work/bolt-java-classes" bench/bolt-java-baseline/BoltBaseline.java
}

# A port nothing listens on, in 20000-31999: below Linux's ephemeral range (32768-60999), so no client socket of
# this machine holds it.
free_port() {
    local port tries
    for ((tries = 0; tries < 50; tries++)); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    fail "no free port found"
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# Sets cmd (the command) and envs (its environment) for a target on a port; the bot gets a fresh database in
# scratch. Targets:
#   noop             bench/NoopServer.java: answers 200 "ok", nothing else (the harness's floor)
#   bolt-js          bench/bolt-js-baseline/app.js: Bolt for JavaScript 5, default HTTPReceiver
#   bolt-java        bench/bolt-java-baseline/BoltBaseline.java: Bolt for Java 1.51, default JVM flags
#   bot              as the image runs it: the jlinked runtime, its CDS archive, the Dockerfile's JDK_JAVA_OPTIONS
#   bot-lexical      the bot as the image runs it with QCON_SEMANTIC=off: no model, search by words alone (issue 22)
#   bot-help         the bot as the image runs it, but every request is "/qcon help": a fixed answer, no search,
#                    through the same HTTP, signature check, Bolt, logging and metrics (the cost of the plumbing)
#   bot-c2           the same with both JIT compilers (-XX:TieredStopAtLevel=4; the image runs C1 only)
#   bot-heap128      the same with a 128 MB heap limit (-Xmx128m) instead of the image's
#   bot-jdk          the Dockerfile's flags on the full JDK, no CDS archive
#   bot-jdk-default  the full JDK with no flags at all, as the Bolt Java baseline runs
#   bot-readme       the README's server command, scripts/qcon-bot: the full JDK with the image's flags and the
#                    archive its first start makes (trained by build, as a first start would)
#   bot-pg           the bot as the image runs it, on PostgreSQL (issue 14): POSTGRES_URL, a JDBC URL with ?user=,
#                    e.g. the one scripts/test-postgres.sh prints; each run gets a new schema
#   bot-before       the bot of another checkout, as the image runs it, for a before/after in one run: BEFORE names
#                    that checkout, with its target/qcon-bot.jar and target/bench/{runtime,app.jsa} already built
#   bot-readme-before  that checkout's scripts/qcon-bot with its jar, and the archive its first start made
#                    (target/cds/app.jsa, already trained)
command_for() {
    local target=$1 port=$2 scratch=$3
    # extra LoadGen options for this target (bot-help's fixed text)
    loadgen_extra=()
    envs=(SLACK_BOT_TOKEN=xoxb-bench SLACK_SIGNING_SECRET="$secret" SLACK_API_URL="http://127.0.0.1:$slack_port/api/"
        PORT="$port" LANG=C.UTF-8)
    local bot_env=(QCON_CONFIG="$scratch/empty.env" QCON_DB="$scratch/qcon.db" QCON_NOTES=config/notes)
    local shipped_java=("$work/runtime/bin/java" "-XX:SharedArchiveFile=$work/app.jsa" "-Dorg.sqlite.lib.path=$work/native"
        "${shipped[@]}")
    rm -rf "$scratch" && mkdir -p "$scratch" && touch "$scratch/empty.env"
    case $target in
        noop) cmd=(java "${extra_jvm[@]}" -cp "$classes" NoopServer "$port") ;;
        bolt-js) cmd=(node bench/bolt-js-baseline/app.js) ;;
        bolt-java) cmd=(java "${extra_jvm[@]}" -cp "$work/bolt-java-classes:$bolt_cp" BoltBaseline) ;;
        bot) envs+=("${bot_env[@]}"); cmd=("${shipped_java[@]}" "${extra_jvm[@]}" -jar "$jar") ;;
        bot-lexical) envs+=("${bot_env[@]}" QCON_SEMANTIC=off); cmd=("${shipped_java[@]}" "${extra_jvm[@]}" -jar "$jar") ;;
        bot-help) envs+=("${bot_env[@]}"); cmd=("${shipped_java[@]}" "${extra_jvm[@]}" -jar "$jar")
            loadgen_extra=(--texts help) ;;
        bot-c2) envs+=("${bot_env[@]}")
            cmd=("${shipped_java[@]}" -XX:TieredStopAtLevel=4 "${extra_jvm[@]}" -jar "$jar") ;;
        bot-heap128) envs+=("${bot_env[@]}")
            cmd=("${shipped_java[@]}" -Xmx128m "${extra_jvm[@]}" -jar "$jar") ;;
        bot-jdk) envs+=("${bot_env[@]}"); cmd=(java "${shipped[@]}" "${extra_jvm[@]}" -jar "$jar") ;;
        bot-jdk-default) envs+=("${bot_env[@]}"); cmd=(java "${extra_jvm[@]}" -jar "$jar") ;;
        bot-readme) envs+=("${bot_env[@]}" QCON_JAR="$jar"); cmd=(bash scripts/qcon-bot) ;;
        bot-readme-before) [[ -n ${BEFORE:-} && -s $BEFORE/target/cds/app.jsa ]] || fail "bot-readme-before needs BEFORE (a built checkout)"
            envs+=("${bot_env[@]}" QCON_JAR="$BEFORE/target/qcon-bot.jar"); cmd=(bash "$BEFORE/scripts/qcon-bot") ;;
        bot-pg) [[ -n ${POSTGRES_URL:-} ]] || fail "bot-pg needs POSTGRES_URL (eval \"\$(bash scripts/test-postgres.sh start)\"; POSTGRES_URL=\$QCON_TEST_POSTGRES_URL)"
            # a new schema for each run; SHARED_SCHEMA names one for several replicas of one run (bench/claims.sh)
            local schema=${SHARED_SCHEMA:-"bench_${RANDOM}_$$"}
            psql -q -h 127.0.0.1 -p "$(sed -E 's#.*://[^:/]+:([0-9]+)/.*#\1#' <<<"$POSTGRES_URL")" -U qcon -d qcon \
                -c "CREATE SCHEMA IF NOT EXISTS $schema" >/dev/null || fail "cannot create a schema for bot-pg"
            envs+=("${bot_env[@]}" QCON_DB="$POSTGRES_URL&currentSchema=$schema")
            cmd=("${shipped_java[@]}" "${extra_jvm[@]}" -jar "$jar") ;;
        bot-before) [[ -n ${BEFORE:-} && -s $BEFORE/target/bench/app.jsa ]] || fail "bot-before needs BEFORE (a built checkout)"
            envs+=("${bot_env[@]}")
            cmd=("$BEFORE/target/bench/runtime/bin/java" "-XX:SharedArchiveFile=$BEFORE/target/bench/app.jsa" "${shipped[@]}"
                "${extra_jvm[@]}" -jar "$BEFORE/target/qcon-bot.jar") ;;
        *) fail "unknown target $target" ;;
    esac
}

# The fake Slack Web API that answers auth.test for the bot and both Bolt apps; not measured.
slack_pid=
start_fake_slack() {
    local i
    slack_port=$(free_port)
    java -XX:+UseSerialGC -Xmx64m -cp "$classes" NoopServer "$slack_port" --slack >"$work/logs/fake-slack.log" 2>&1 &
    slack_pid=$!
    for ((i = 0; i < 200; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$slack_port") 2>/dev/null && return 0
        sleep 0.05
    done
    fail "the fake Slack API did not start"
}

stop_fake_slack() {
    if [[ -n $slack_pid ]]; then kill "$slack_pid" 2>/dev/null || true; fi
}
