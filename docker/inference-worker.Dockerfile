# kinfer inference-worker (CPU): consumes one model's requests, runs DJL batches (PyTorch and ONNX Runtime).
# Context: inference-worker/target/image (./mvnw package makes it). DJL runs offline: its native libraries are in
# the image. GPU variant: docker/README.md.
ARG BASE_IMAGE=eclipse-temurin:21-jre

# Stage 1: let DJL itself unpack libtorch from the pytorch-native-cpu jar into its cache, exactly as a worker would
# at its first start (432 MB), and so prove at build time that the natives load. The model is the weightless colour
# transfer (PyTorch), loaded and warmed up by the worker's own raw model loop (no batches: no 4th argument onward).
FROM ${BASE_IMAGE} AS natives
COPY lib/ /opt/kinfer/lib/
COPY app/ /opt/kinfer/app/
RUN mkdir -p /tmp/warm-up \
 && printf '{"name":"warm-up","version":"1","task":"style-transfer","engine":"PyTorch"}' > /tmp/warm-up/manifest.json \
 && java --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -DDJL_CACHE_DIR=/opt/kinfer/djl-cache \
         -cp "/opt/kinfer/app/*:/opt/kinfer/lib/*" dev.kinfer.worker.RawModelLoop /tmp/warm-up 8 8 0 \
 && ls /opt/kinfer/djl-cache/pytorch/*/libtorch.so

FROM ${BASE_IMAGE}
RUN command -v curl >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && apt-get clean && rm -rf /var/lib/apt/lists/*)
RUN groupadd --system --gid 10001 kinfer \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/kinfer --create-home --shell /usr/sbin/nologin kinfer
# Layers from the least to the most often changed: third-party jars, native libraries (the same bytes whenever the
# jars are: this COPY stays cached even when stage 1 ran again), then kinfer's own jars.
COPY lib/ /opt/kinfer/lib/
COPY --from=natives --chown=10001:10001 /opt/kinfer/djl-cache/ /opt/kinfer/djl-cache/
# ONNX Runtime's Linux natives (unpacked by the Maven build), loaded from here instead of a temporary copy per start.
COPY native/ /opt/kinfer/native/
COPY app/ /opt/kinfer/app/
USER 10001:10001
WORKDIR /var/lib/kinfer
# A model's native memory (libtorch, ONNX Runtime arenas) lives outside the heap: keep the heap well under the limit.
ENV KINFER_SERVICE=inference-worker KINFER_HEALTH_PORT=8070 KINFER_MODEL_CACHE=/var/lib/kinfer/models \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8070
HEALTHCHECK --interval=10s --timeout=5s --start-period=300s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${KINFER_HEALTH_PORT}/health/ready" || exit 1
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-DDJL_CACHE_DIR=/opt/kinfer/djl-cache", \
            "-Donnxruntime.native.path=/opt/kinfer/native/onnxruntime", \
            "-cp", "/opt/kinfer/app/*:/opt/kinfer/lib/*", "dev.kinfer.worker.WorkerMain"]
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=
ARG BASE_IMAGE
LABEL org.opencontainers.image.title="kinfer-inference-worker" \
      org.opencontainers.image.description="kinfer's inference worker (CPU): DJL with PyTorch and ONNX Runtime, natives included" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" org.opencontainers.image.base.name="${BASE_IMAGE}"
