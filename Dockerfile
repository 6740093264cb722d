# qcon-bot on a slim jlinked Java runtime with a class-data-sharing archive. Every choice below, and what it was
# measured at, is in docs/RUNTIME.md. CI runs the same scripts (scripts/build-runtime.sh, scripts/smoke-test.sh),
# and the smoke test reads this file's JDK_JAVA_OPTIONS and HEALTHCHECK lines, so keep each on one line.

# Build: Maven on Temurin JDK 17, which has the jmods jlink needs; dependencies cached in their own layer.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package
# The runtime: the modules jdeps finds in the jar plus the few only loaded at run time, nothing else.
COPY scripts/build-runtime.sh scripts/
RUN bash scripts/build-runtime.sh --only jlink target/qcon-bot.jar /opt/qcon

# Run: Debian slim, for glibc (the JDK and sqlite-jdbc's native library are built for it) and bash (the health
# check); no JDK, no Maven, no package cache.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /opt/qcon --no-create-home --shell /usr/sbin/nologin qcon \
    && mkdir /data && chown qcon:qcon /data
COPY --from=build /opt/qcon/runtime /opt/qcon/runtime
COPY --from=build /opt/qcon/native /opt/qcon/native
COPY --from=build /src/target/qcon-bot.jar /opt/qcon/qcon-bot.jar
COPY config/notes /opt/qcon/config/notes
WORKDIR /opt/qcon
ENV LANG=C.UTF-8 \
    QCON_DB=/data/qcon.db \
    QCON_NOTES=/opt/qcon/config/notes \
    PORT=3000
# The java launcher reads this; override it with `docker run -e JDK_JAVA_OPTIONS=...` (docs/RUNTIME.md).
ENV JDK_JAVA_OPTIONS="-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"
# The CDS archive is made here, by the runtime, flags and jar path the bot runs with: it is only valid for those.
COPY scripts/build-runtime.sh /tmp/build-runtime.sh
RUN bash /tmp/build-runtime.sh --only cds /opt/qcon/qcon-bot.jar /opt/qcon && rm -rf /tmp/*
VOLUME /data
USER qcon
EXPOSE 3000
# No curl in the image: bash's /dev/tcp asks GET /health and wants a 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/"${QCON_MANAGEMENT_PORT:-${PORT:-3000}}" && printf "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && read -r -t 4 _ code _ <&3 && [ "$code" = 200 ]'
# Exec form: java is PID 1 and gets docker stop's SIGTERM itself; the bot's shutdown hook then stops cleanly.
# org.sqlite.lib.path: sqlite-jdbc's native library, taken out of the jar at build time rather than at every start.
ENTRYPOINT ["/opt/qcon/runtime/bin/java", "-XX:SharedArchiveFile=/opt/qcon/app.jsa", "-Dorg.sqlite.lib.path=/opt/qcon/native", "-jar", "/opt/qcon/qcon-bot.jar"]
