# kinfer/stack: what docker-compose.yml needs that no reachable image provides, from the jars the local stack
# already runs (Maven Central): a KRaft Kafka broker, S3Proxy, the one-shot jobs (init, deploy-demo-models) and the
# ./kinfer command line. One image, one role per container: bin/kinfer-stack (docker/stack/kinfer-stack) picks it.
# Context: local-stack/target/image (./mvnw package makes it).
ARG BASE_IMAGE=eclipse-temurin:21-jre
FROM ${BASE_IMAGE}
RUN command -v curl >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && apt-get clean && rm -rf /var/lib/apt/lists/*)
# The data directories exist in the image, owned by kinfer, so that named volumes mounted there start out writable.
RUN groupadd --system --gid 10001 kinfer \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/kinfer --create-home --shell /usr/sbin/nologin kinfer \
 && install -d -o 10001 -g 10001 -m 0755 /var/lib/kinfer/kafka /var/lib/kinfer/s3 \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/kinfer/secrets
COPY lib/ /opt/kinfer/lib/
COPY bin/ /opt/kinfer/bin/
RUN chmod 0755 /opt/kinfer/bin/kinfer-stack
COPY app/ /opt/kinfer/app/
USER 10001:10001
WORKDIR /var/lib/kinfer
ENV PATH=/opt/kinfer/bin:$PATH KINFER_SECRETS_DIR=/var/lib/kinfer/secrets \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
EXPOSE 9092 19092 9000
ENTRYPOINT ["/opt/kinfer/bin/kinfer-stack"]
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=
ARG BASE_IMAGE
LABEL org.opencontainers.image.title="kinfer-stack" \
      org.opencontainers.image.description="kinfer's local infrastructure and tools: KRaft Kafka, S3Proxy, provisioning jobs, the kinfer CLI" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" org.opencontainers.image.base.name="${BASE_IMAGE}"
