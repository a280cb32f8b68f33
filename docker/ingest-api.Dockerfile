# kinfer ingest-api: the HTTP edge. Context: ingest-api/target/image (./mvnw package makes it).
# BASE_IMAGE: any image with a Java 21+ `java` on PATH (and apt-get or curl); see docker/README.md.
ARG BASE_IMAGE=eclipse-temurin:21-jre
FROM ${BASE_IMAGE}
# curl for the health check (public JRE images and the local base have it already).
RUN command -v curl >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && apt-get clean && rm -rf /var/lib/apt/lists/*)
RUN groupadd --system --gid 10001 kinfer \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/kinfer --create-home --shell /usr/sbin/nologin kinfer
# Third-party jars first (they change rarely), kinfer's own jars last (every build): a rebuild sends one small layer.
COPY lib/ /opt/kinfer/lib/
COPY app/ /opt/kinfer/app/
USER 10001:10001
WORKDIR /var/lib/kinfer
# Heap from the container's memory limit (set one: docker-compose.yml does).
ENV KINFER_SERVICE=ingest-api KINFER_HTTP_HOST=0.0.0.0 KINFER_HTTP_PORT=8080 \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${KINFER_HTTP_PORT}/health/ready" || exit 1
ENTRYPOINT ["java", "-cp", "/opt/kinfer/app/*:/opt/kinfer/lib/*", "dev.kinfer.ingest.IngestMain"]
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=
ARG BASE_IMAGE
LABEL org.opencontainers.image.title="kinfer-ingest-api" \
      org.opencontainers.image.description="kinfer's HTTP edge: validates and stores images, produces inference requests to Kafka" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" org.opencontainers.image.base.name="${BASE_IMAGE}"
