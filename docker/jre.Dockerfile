# A Java runtime base for kinfer's images where no public JRE image can be pulled (see README.md, "Building
# without a registry"): a Debian image plus a runtime jlinked from a JDK 21+ on the build machine (build.sh --local
# makes both). Context: a directory holding that runtime as jre/.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
# curl: the images' health checks; ca-certificates: https registries, JWKS and webhooks from the JVM's own store are
# unaffected, but curl and tools need them.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY jre/ /opt/java/
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:$PATH
RUN java -version
