# kinfer/schema-registry: the Confluent-compatible registry (Apicurio 2.4 rebuilt from Maven Central, its API at
# /apis/ccompat/v7), schemas in an H2 file under /var/lib/kinfer/registry. Context: schema-registry/target
# (./mvnw package makes it: a Quarkus runner jar beside lib/). Production: point KINFER_REGISTRY_URL at any
# Confluent Schema Registry API instead.
ARG BASE_IMAGE=eclipse-temurin:21-jre
FROM ${BASE_IMAGE}
RUN command -v curl >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && apt-get clean && rm -rf /var/lib/apt/lists/*)
RUN groupadd --system --gid 10001 kinfer \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/kinfer --create-home --shell /usr/sbin/nologin kinfer \
 && install -d -o 10001 -g 10001 /var/lib/kinfer/registry
COPY lib/ /opt/registry/lib/
COPY kinfer-schema-registry-*-runner.jar /opt/registry/registry-runner.jar
USER 10001:10001
WORKDIR /var/lib/kinfer
ENV REGISTRY_DATASOURCE_URL="jdbc:h2:file:/var/lib/kinfer/registry/schemas;DB_CLOSE_ON_EXIT=FALSE" \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8081/apis/ccompat/v7/subjects || exit 1
ENTRYPOINT ["java", "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.http.port=8081", "-jar", "/opt/registry/registry-runner.jar"]
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=
ARG BASE_IMAGE
LABEL org.opencontainers.image.title="kinfer-schema-registry" \
      org.opencontainers.image.description="Confluent-compatible schema registry (Apicurio Registry 2.4, Confluent API at /apis/ccompat/v7)" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" org.opencontainers.image.base.name="${BASE_IMAGE}"
