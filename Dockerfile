# syntax=docker/dockerfile:1
#
# fks-execution image: nuniesmith/fks:execution-<version> (and the moving tag nuniesmith/fks:execution).
#
#   docker build -t nuniesmith/fks:execution-0.1.0 -t nuniesmith/fks:execution .
#
# Stage 1 builds the shaded jar with Maven; stage 2 is a JRE-only runtime that holds nothing but
# the jar. The tests are not run here: CI runs them (.ci/run) before the image is built.
# Pin both base images by digest for production builds (see docs/K8S_DEPLOYMENT_GUIDE.md).

ARG MAVEN_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy

FROM ${MAVEN_IMAGE} AS build
WORKDIR /build
# Dependencies first, so a source-only change reuses this layer.
COPY pom.xml ./
RUN --mount=type=cache,target=/root/.m2 mvn -B -q dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package \
    && test -f target/fks-execution.jar

FROM ${RUNTIME_IMAGE} AS runtime
LABEL org.opencontainers.image.title="fks-execution" \
      org.opencontainers.image.description="FKS execution service: TradingView webhooks in, exchange orders out" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.source="https://github.com/nuniesmith/fks"

# A fixed numeric UID/GID (not a name) so Kubernetes can verify runAsNonRoot and the
# manifests can state runAsUser 10001. No home directory, no login shell.
RUN groupadd --system --gid 10001 fks \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin fks \
    && mkdir -p /app /data \
    && chown 10001:10001 /data

# The jar is owned by root and only readable by the service user: it cannot rewrite itself.
COPY --from=build --chown=root:root --chmod=0444 /build/target/fks-execution.jar /app/fks-execution.jar

# Application class-data archive (AppCDS): one training start of the service in this very image
# (same JRE, same jar path) records the classes it loads, and every start reads them from the archive
# instead of loading and verifying them again: start to /ready about twice as fast (docs/benchmarks.md).
# The training start uses a throwaway secret and DATA_DIR, deleted afterwards; the image keeps neither.
RUN DATA_DIR=/tmp/cds-training WEBHOOK_SECRET=cds-training-only-0123456789 HTTP_PORT=18000 METRICS_PORT=18090 \
       java -XX:-UsePerfData -XX:ArchiveClassesAtExit=/app/fks-execution.jsa -jar /app/fks-execution.jar serve --exit-when-ready \
    && rm -rf /tmp/cds-training \
    && chmod 0444 /app/fks-execution.jsa

# The root filesystem is mounted read-only in Kubernetes; /tmp (JVM temp files, hsperfdata) and
# /data (DATA_DIR) are emptyDir volumes there. For `docker run --read-only` add
# `--tmpfs /tmp --tmpfs /data:uid=10001`.
ENV DATA_DIR=/data \
    HTTP_PORT=8000 \
    METRICS_PORT=9090

# Memory sized against the Deployment's request (512Mi), not its limit: a JVM keeps the heap it has
# committed, so a heap sized from the limit (the old MaxRAMPercentage=75 / InitialRAMPercentage=50)
# committed 512 MiB at start and kept every pod above the request for good. The service's live data
# is a few MB (plus at most ORDER_QUEUE_CAPACITY queued orders): the heap starts at 96 MiB (a fixed
# 32 MiB young generation: shorter young pauses than 64 MiB, and a larger old generation to start with, so
# fewer full collections at light load; see the guide) and may grow to 256 MiB; metaspace, JIT code cache and direct buffers have ceilings too, so the JVM's whole
# footprint stays under the request and far under the 1Gi limit. SerialGC is what the JVM picks for
# one CPU anyway (the CPU limit), named so a larger node does not switch the sizing to G1; it gives
# heap back after a full collection when more than 40 % of it is free. docs/K8S_DEPLOYMENT_GUIDE.md
# explains, ContainerMemoryBudgetTest measures it under load with exactly these flags.
# On OOM the JVM exits and Kubernetes restarts the pod instead of leaving a half-working process
# behind. The flags are in ENTRYPOINT rather than JAVA_TOOL_OPTIONS, which would print a "Picked up"
# line into the JSON log stream; extra flags can still be given through JAVA_TOOL_OPTIONS.
USER 10001:10001
WORKDIR /app
# 8000: webhook, orders, admin, /health, /ready, /metrics; 9090: /metrics only (Prometheus).
EXPOSE 8000 9090
# exec form: java is PID 1 and receives SIGTERM directly, so the service drains before it exits.
ENTRYPOINT ["java", "-Xms96m", "-Xmx256m", "-Xmn32m", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=20", \
            "-XX:MaxHeapFreeRatio=40", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", \
            "-XX:MaxDirectMemorySize=64m", "-XX:+ExitOnOutOfMemoryError", \
            "-XX:SharedArchiveFile=/app/fks-execution.jsa", \
            "-Djava.io.tmpdir=/tmp", "-Dfile.encoding=UTF-8", "-jar", "/app/fks-execution.jar"]
CMD ["serve"]
