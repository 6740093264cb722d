# Build: Maven on JDK 17, dependencies cached in their own layer.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

# Run: a stock JRE for now (a jlink runtime comes with the shipping issue), as a non-root user,
# with the database on a volume.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /app qcon && mkdir -p /data && chown qcon /data
WORKDIR /app
COPY --from=build /src/target/qcon-bot.jar /app/qcon-bot.jar
COPY config/notes /app/config/notes
ENV QCON_DB=/data/qcon.db \
    QCON_NOTES=/app/config/notes \
    PORT=3000
VOLUME /data
USER qcon
EXPOSE 3000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Dfile.encoding=UTF-8", "-jar", "/app/qcon-bot.jar"]
