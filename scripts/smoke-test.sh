#!/usr/bin/env bash
# Proves that the slim runtime from scripts/build-runtime.sh runs the bot, with the JVM flags and the health
# check of the Dockerfile (read from it, so they cannot drift apart). Nothing leaves 127.0.0.1.
#
#   scripts/smoke-test.sh [JAR] [OUT]        (defaults: target/qcon-bot.jar, target)
#
# 1. console: `/qcon monzo` on OUT/runtime with the CDS archive OUT/app.jsa forced on (-Xshare:on fails if the
#    archive does not fit this runtime and jar);
# 2. TLS: a handshake on 127.0.0.1 with an EC certificate, TLS 1.3 and TLS 1.2 with ECDHE, on OUT/runtime;
# 3. server: start it, wait for GET /health 200 (at most 30 s), check /health and /metrics, run the Dockerfile's
#    HEALTHCHECK command, send SIGTERM, expect exit 0 or 143 within 10 s. Once with the archive and once
#    without; prints start-up times.
#
# RUNS=n repeats step 3 n times per variant and prints medians (docs/RUNTIME.md). RUNTIME=<java home> and
# CDS=<archive, or empty for none> test another runtime, e.g. RUNTIME=$JAVA_HOME CDS= for the full JDK, and
# JDK_JAVA_OPTIONS other JVM flags than the image's.
# Needs bash and a JDK's javac and keytool (for step 2); no curl.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=$(realpath -m "${1:-target/qcon-bot.jar}")
out=$(realpath -m "${2:-target}")
runtime=${RUNTIME:-$out/runtime}
archive=${CDS-$out/app.jsa}
runs=${RUNS:-1}
java=$runtime/bin/java
[[ -f $jar ]] || { echo "smoke-test: no jar at $jar" >&2; exit 2; }
[[ -x $java ]] || { echo "smoke-test: no java at $java; run scripts/build-runtime.sh first" >&2; exit 2; }
[[ -z $archive || -s $archive ]] || { echo "smoke-test: no CDS archive at $archive" >&2; exit 2; }

# The image's JVM flags (unless JDK_JAVA_OPTIONS is set, to try others) and health check, from the Dockerfile.
image_flags=$(sed -n 's/^ENV JDK_JAVA_OPTIONS="\(.*\)"$/\1/p' Dockerfile)
healthcheck=$(sed -n '/^HEALTHCHECK/,/CMD/s/^ *CMD //p' Dockerfile)
if [[ -z $image_flags || -z $healthcheck ]]; then
    echo "smoke-test: the Dockerfile lost its one-line ENV JDK_JAVA_OPTIONS or HEALTHCHECK" >&2
    exit 2
fi
export JDK_JAVA_OPTIONS=${JDK_JAVA_OPTIONS-$image_flags}
echo "smoke-test: $java, archive ${archive:-none}, JDK_JAVA_OPTIONS=$JDK_JAVA_OPTIONS"

work=$(mktemp -d)
bot_pid=
cleanup() {
    if [[ -n $bot_pid ]]; then kill -KILL "$bot_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
touch "$work/empty.env"
# An empty config file: a developer's config/qcon.env must not add Socket Mode or a digest channel here.
export QCON_CONFIG=$work/empty.env

fail() {
    echo "smoke-test: FAILED: $1" >&2
    if [[ -n ${2:-} && -f $2 ]]; then sed 's/^/    | /' "$2" >&2; fi
    exit 1
}

# --- 1. console ---------------------------------------------------------------------------------------------
cds_on=()
if [[ -n $archive ]]; then cds_on=(-Xshare:on "-XX:SharedArchiveFile=$archive"); fi
printf '/qcon monzo\nexit\n' | QCON_DB="$work/console.db" "$java" "${cds_on[@]}" -jar "$jar" console \
    >"$work/console.log" 2>&1 || fail "the console exited with status $?" "$work/console.log"
grep -q '== microservices at Monzo ==' "$work/console.log" \
    || fail "the console did not answer /qcon monzo" "$work/console.log"
echo "smoke-test: console ok"

# --- 2. TLS -------------------------------------------------------------------------------------------------
# slack.com is reached over TLS; the modules for it (jdk.crypto.ec) are ones jdeps cannot see. The network is
# not needed: a server and a client in one JVM, on 127.0.0.1, with a throw-away EC key.
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(realpath -m "$(command -v javac || echo /none/bin/javac)")")")}
[[ -x $jdk/bin/javac && -x $jdk/bin/keytool ]] || fail "no javac and keytool in $jdk; set JAVA_HOME to a JDK"
mkdir "$work/tls"
cat >"$work/tls/TlsCheck.java" <<'JAVA'
import java.io.FileInputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.*;

public class TlsCheck {
    public static void main(String[] args) throws Exception {
        TrustManagerFactory system = TrustManagerFactory.getInstance("PKIX");
        system.init((KeyStore) null); // the runtime's own cacerts, which Slack's certificate chains up to
        int authorities = ((X509TrustManager) system.getTrustManagers()[0]).getAcceptedIssuers().length;
        long ecdhe = Arrays.stream(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites())
                .filter(suite -> suite.contains("_ECDHE_")).count();
        System.out.println("trusted CAs " + authorities + ", default ECDHE suites " + ecdhe);

        char[] password = args[1].toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = new FileInputStream(args[0])) {
            keys.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        String[][] cases = {{"TLSv1.3", "TLS_AES_128_GCM_SHA256"}, {"TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}};
        try (var server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 2, loopback)) {
            Thread echo = new Thread(() -> {
                for (int i = 0; i < cases.length; i++) {
                    try (var socket = server.accept()) {
                        socket.getOutputStream().write(socket.getInputStream().read());
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }
            });
            echo.start();
            for (String[] tls : cases) {
                try (var socket = (SSLSocket) context.getSocketFactory().createSocket(loopback, server.getLocalPort())) {
                    socket.setEnabledProtocols(new String[] {tls[0]});
                    socket.setEnabledCipherSuites(new String[] {tls[1]});
                    socket.getOutputStream().write(42);
                    if (socket.getInputStream().read() != 42) {
                        throw new IllegalStateException("no echo over " + tls[0]);
                    }
                    SSLSession session = socket.getSession();
                    System.out.println("handshake " + session.getProtocol() + " " + session.getCipherSuite());
                }
            }
            echo.join();
        }
        if (authorities < 50 || ecdhe == 0) {
            throw new IllegalStateException("too few CA certificates, or no ECDHE cipher suites");
        }
    }
}
JAVA
"$jdk/bin/keytool" -genkeypair -keyalg EC -groupname secp256r1 -dname CN=localhost -validity 2 -alias smoke \
    -storetype PKCS12 -keystore "$work/tls/keys.p12" -storepass smoketest >"$work/tls/keytool.log" 2>&1 \
    || fail "keytool could not make a key" "$work/tls/keytool.log"
"$jdk/bin/javac" --release 17 -d "$work/tls" "$work/tls/TlsCheck.java"
"$java" -cp "$work/tls" TlsCheck "$work/tls/keys.p12" smoketest >"$work/tls.log" 2>&1 \
    || fail "TLS does not work on this runtime" "$work/tls.log"
echo "smoke-test: tls ok ($(grep -v '^NOTE: Picked up' "$work/tls.log" | paste -sd';' | sed 's/;/; /g'))"

# --- 3. server ----------------------------------------------------------------------------------------------
health_ok() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
        read -r -t 5 _ code _ <&3 && [[ $code == 200 ]]
    ) 2>/dev/null
}

# The whole answer (status line, headers, body) to GET $2 from 127.0.0.1:$1.
http_get() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$1"
        printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
        timeout 5 cat <&3
    )
}

# A port below the kernel's range for outgoing connections (any of those may be taken at any moment) that
# nothing listens on. Another process may still take it first; serve_once then tries another.
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

now_ms() {
    local ns
    ns=$(date +%s%N)
    echo $((ns / 1000000))
}

# Starts the server with the given extra JVM flags and sets $startup_ms (process start to the first 200 from
# /health), $cpu_ms and $rss_mb (CPU time used and resident memory then) and $stop_ms (SIGTERM to exit).
# Checks /health, /metrics, the Dockerfile's HEALTHCHECK command and a clean SIGTERM.
serve_once() {
    local port log start waited status attempt
    for ((attempt = 1; ; attempt++)); do
        port=$(free_port) || fail "no free port found"
        log=$work/server-$port.log
        start=$(now_ms)
        env SLACK_BOT_TOKEN=xoxb-smoke SLACK_SIGNING_SECRET=smoke SLACK_API_URL=http://127.0.0.1:9/api/ \
            PORT="$port" QCON_DB="$work/server-$port.db" "$java" "$@" -jar "$jar" >"$log" 2>&1 &
        bot_pid=$!
        waited=0
        until health_ok "$port"; do
            if ! kill -0 "$bot_pid" 2>/dev/null; then
                status=0
                wait "$bot_pid" || status=$?
                bot_pid=
                break
            fi
            ((waited < 1500)) || fail "GET /health did not answer 200 within 30 s" "$log"
            sleep 0.02
            waited=$((waited + 1))
        done
        [[ -z $bot_pid ]] || break
        if ((attempt < 3)) && grep -q 'Address already in use' "$log"; then
            echo "smoke-test: port $port was taken meanwhile; trying another"
            continue
        fi
        fail "the server exited with status $status before GET /health answered 200" "$log"
    done
    startup_ms=$(($(now_ms) - start))
    rss_mb=$(awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$bot_pid/status")
    # user + system CPU time so far (fields 14 and 15, in clock ticks): less affected by a busy machine.
    cpu_ms=$(awk -v tick="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / tick }' "/proc/$bot_pid/stat")
    local body
    body=$(http_get "$port" /health)
    [[ $body == *'"status":"ok"'* ]] || fail "GET /health said: $body" "$log"
    # process_cpu_usage comes from com.sun.management, which Micrometer looks up by reflection (jdk.management).
    body=$(http_get "$port" /metrics)
    [[ $body == *process_cpu_usage* ]] || fail "GET /metrics has no process_cpu_usage: ${body:0:300}" "$log"
    PORT=$port sh -c "$healthcheck" || fail "the Dockerfile's HEALTHCHECK command failed against the bot" "$log"
    # The sentence model loads once the bot answers: on this runtime (its modules, the model's native libraries) it
    # must get to "ready"; "failed" says why. SIGTERM then comes with the model loaded.
    for ((waited = 0; waited < 1500; waited++)); do
        body=$(http_get "$port" /health)
        [[ $body == *'"meaning":{"state":"ready"'* ]] && break
        [[ $body == *'"meaning":{"state":"failed"'* ]] && fail "search by meaning failed on this runtime: $body" "$log"
        sleep 0.02
    done
    [[ $body == *'"meaning":{"state":"ready"'* ]] || fail "search by meaning was not ready within 30 s: $body" "$log"
    start=$(now_ms)
    kill -TERM "$bot_pid"
    for ((waited = 0; waited < 500; waited++)); do
        kill -0 "$bot_pid" 2>/dev/null || break
        sleep 0.02
    done
    stop_ms=$(($(now_ms) - start))
    kill -0 "$bot_pid" 2>/dev/null && fail "the server was still running 10 s after SIGTERM" "$log"
    status=0
    wait "$bot_pid" || status=$?
    bot_pid=
    [[ $status -eq 0 || $status -eq 143 ]] || fail "the server exited with status $status after SIGTERM" "$log"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d", m }'
}

variants=()
if [[ -n $archive ]]; then variants+=("app CDS archive|-XX:SharedArchiveFile=$archive"); fi
variants+=("no app archive (JDK classes only)|")
if ((runs > 1)); then variants+=("no CDS at all|-Xshare:off"); fi
declare -A times cpus rsss stops
# Variants take turns, so a busy moment on the machine costs each of them alike.
for ((run = 0; run < runs; run++)); do
    for variant in "${variants[@]}"; do
        # shellcheck disable=SC2086 # the flags are one flag or none
        serve_once ${variant#*|}
        times[$variant]+="$startup_ms "
        cpus[$variant]+="$cpu_ms "
        rsss[$variant]+="$rss_mb "
        stops[$variant]+="$stop_ms "
    done
done
for variant in "${variants[@]}"; do
    read -r -a t <<<"${times[$variant]}"
    read -r -a c <<<"${cpus[$variant]}"
    read -r -a r <<<"${rsss[$variant]}"
    read -r -a x <<<"${stops[$variant]}"
    echo "smoke-test: server ok, ${variant%%|*}: start-up to /health 200 median $(printf '%s\n' "${t[@]}" | median) ms" \
        "(runs: ${t[*]}), CPU $(printf '%s\n' "${c[@]}" | median) ms, RSS $(printf '%s\n' "${r[@]}" | median) MB;" \
        "/metrics, health check and the model ok; SIGTERM to exit $(printf '%s\n' "${x[@]}" | median) ms"
done
# The README's server command: scripts/qcon-bot, on the JDK that runs this script, with a copy of the jar so its
# archive is made afresh: the first start trains it, the second uses it.
launcher_start() {
    local port log start waited
    port=$(free_port) || fail "no free port found"
    log=$work/launcher-$port.log
    start=$(now_ms)
    env SLACK_BOT_TOKEN=xoxb-smoke SLACK_SIGNING_SECRET=smoke SLACK_API_URL=http://127.0.0.1:9/api/ PORT="$port" \
        QCON_DB="$work/launcher-$port.db" QCON_JAR="$work/launcher/qcon-bot.jar" bash scripts/qcon-bot >"$log" 2>&1 &
    bot_pid=$!
    for ((waited = 0; waited < 3000; waited++)); do
        health_ok "$port" && break
        kill -0 "$bot_pid" 2>/dev/null || fail "scripts/qcon-bot exited before GET /health answered 200" "$log"
        sleep 0.02
    done
    health_ok "$port" || fail "scripts/qcon-bot did not answer GET /health within 60 s" "$log"
    launcher_ms=$(($(now_ms) - start))
    kill -TERM "$bot_pid"
    wait "$bot_pid" || true
    bot_pid=
}
mkdir -p "$work/launcher"
cp "$jar" "$work/launcher/qcon-bot.jar"
launcher_start
first_ms=$launcher_ms
[[ -s $work/launcher/cds/app.jsa ]] || fail "scripts/qcon-bot's first start made no archive" "$work/launcher/cds-training.log"
launcher_start
echo "smoke-test: scripts/qcon-bot ok: first start (with the training run) $first_ms ms, then $launcher_ms ms with its archive"

echo "smoke-test: all ok"
