#!/usr/bin/env bash
# Builds kinfer's images (docker-compose build) from what `./mvnw package` put in each module's target/image.
#   docker/build.sh           on public base images: eclipse-temurin:21-jre and debian:bookworm-slim
#   docker/build.sh --local   with no container registry: a Debian base debootstrapped here (kinfer/debian:bookworm,
#                             made once) and a Java runtime jlinked from this machine's JDK 21+ (kinfer/jre:<version>)
# KINFER_BASE_IMAGE / KINFER_DEBIAN_IMAGE choose other bases. Layers are cached: a rebuild after a code change
# sends kinfer's own jars again and little else.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-public}"

for built in ingest-api/target/image/app inference-worker/target/image/native result-sink/target/image/app \
             local-stack/target/image/bin schema-registry/target/lib; do
  if [ ! -d "$built" ]; then
    echo "build.sh: $built is missing: run ./mvnw -DskipTests package first" >&2
    exit 1
  fi
done

if [ "$mode" = --local ]; then
  export KINFER_DEBIAN_IMAGE="${KINFER_DEBIAN_IMAGE:-kinfer/debian:bookworm}"
  docker/make-base-image.sh "$KINFER_DEBIAN_IMAGE"
  . .mvn/find-jdk.sh
  kinfer_find_jdk
  version=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2; exit}' | tr '+' '_')
  export KINFER_BASE_IMAGE="${KINFER_BASE_IMAGE:-kinfer/jre:$version}"
  if ! docker image inspect "$KINFER_BASE_IMAGE" >/dev/null 2>&1; then
    # What the services, the registry (Quarkus), Kafka and S3Proxy use of the JDK, plus jcmd for diagnostics.
    rm -rf target/docker/jre
    mkdir -p target/docker
    "$JAVA_HOME/bin/jlink" --output target/docker/jre --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
      --add-modules java.se,jdk.unsupported,jdk.httpserver,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.naming.dns,jdk.zipfs,jdk.charsets,jdk.security.auth,jdk.security.jgss,jdk.net,jdk.jcmd
    docker build -q -t "$KINFER_BASE_IMAGE" --build-arg DEBIAN_IMAGE="$KINFER_DEBIAN_IMAGE" -f docker/jre.Dockerfile target/docker >/dev/null
    echo "made $KINFER_BASE_IMAGE (a Java $version runtime on $KINFER_DEBIAN_IMAGE)"
  fi
elif [ "$mode" != public ]; then
  sed -n '2,7p' "$0" >&2
  exit 2
fi

# docker-compose.yml needs the S3 credentials even to build; keep (or make) the ones in .env.
[ -n "${KINFER_S3_ACCESS_KEY:-}" ] || [ -f .env ] || docker/make-env.sh
export KINFER_VERSION="${KINFER_VERSION:-$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)}"
export KINFER_REVISION="${KINFER_REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
export KINFER_CREATED="${KINFER_CREATED:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
docker-compose build
