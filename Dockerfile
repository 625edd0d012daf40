# syntax=docker/dockerfile:1
# Multi-stage build of the filestore service: Maven build on JDK 25, run on a JDK 25 runtime.
# Used by docker-compose.yml (docker compose up --build).

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
# Node.js bundles the web interface during the build (api/src/main/webui, esbuild).
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY . .
# The cache mount keeps ~/.m2 between builds (BuildKit, the default builder of current Docker).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -DskipTests package \
 && cp api/target/filestore.jar /filestore.jar

FROM eclipse-temurin:25-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system filestore \
 && useradd --system --gid filestore --home-dir /data --shell /usr/sbin/nologin filestore \
 && mkdir -p /data /app \
 && chown filestore:filestore /data
COPY --from=build /filestore.jar /app/filestore.jar
ENV FILESTORE_DATA_DIR=/data \
    SERVER_PORT=8080 \
    JAVA_OPTS=""
VOLUME ["/data"]
EXPOSE 8080
USER filestore
WORKDIR /data
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=6 \
  CMD curl -fsS "http://127.0.0.1:${SERVER_PORT}/actuator/health" >/dev/null || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/filestore.jar \"$@\"", "filestore"]
