#!/usr/bin/env bash
# End-to-end test of the container deployment, as CI runs it (as root, after ./mvnw verify):
#   dockerd (started if none answers) -> images (docker/build.sh --local: base image cached, layers cached)
#   -> docker-compose up -d -> a real photo to remove-background through the published port, with a callbackUrl to
#   a receiver on this host -> the signed webhook verified (Standard Webhooks) -> the output fetched by its presigned
#   link: a PNG of the photo's size with transparent and opaque pixels -> --scale the worker to 2 and see both in its
#   consumer group -> Prometheus scraping the services -> docker-compose down -v.
# Runs as its own compose project (kinfer-e2e) on free ports with generated S3 credentials, so it disturbs no
# stack of yours. KINFER_E2E_KEEP=1 leaves the stack up for a look (docker-compose -p kinfer-e2e down -v after).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
photo=/usr/share/doc/opencv-doc/examples/data/messi5.jpg
model=remove-background
worker=worker-$model
start=$SECONDS
phase() { printf '[e2e %4ss] %s\n' "$((SECONDS - start))" "$*"; }
fail() { phase "FAILED: $*"; exit 1; }

# --- tools and the Docker engine -------------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  phase "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  phase "starting dockerd (log: /var/log/kinfer-dockerd.log)"
  # dockerd outlives this script: it must not keep the caller's other descriptors (a CI pipe, a lock) open.
  (for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
   exec nohup dockerd </dev/null >/var/log/kinfer-dockerd.log 2>&1) &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || fail "dockerd did not answer within 60 s (see /var/log/kinfer-dockerd.log)"
fi
[ -f "$photo" ] || fail "$photo is missing (apt-get install opencv-doc)"
[ -n "$(ls .kinfer/cache/models/*/manifest.json 2>/dev/null)" ] \
  || fail "no demo model in .kinfer/cache/models: ./mvnw verify (or ./kinfer up once) makes them"
if [ ! -d local-stack/target/image/bin ] || [ ! -d inference-worker/target/image/native ]; then
  phase "packaging (no image layout in target/image yet)"
  ./mvnw -B -ntp -q -DskipTests package
fi

# --- a project of its own: free ports, fresh credentials ------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export COMPOSE_PROJECT_NAME=kinfer-e2e
export KINFER_API_PORT=$(free_port) KINFER_S3_PORT=$(free_port) KINFER_KAFKA_PORT=$(free_port) KINFER_PROMETHEUS_PORT=$(free_port)
export KINFER_S3_ACCESS_KEY="e2e-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
export KINFER_S3_SECRET_KEY="$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')"
export KINFER_DEMO_MODELS="$root/.kinfer/cache/models"
work=$(mktemp -d)
receiver_pid=
cleanup() {
  rc=$?
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    docker-compose ps || true
    docker-compose logs --no-color --tail=40 2>/dev/null | tail -300 || true
  fi
  if [ "${KINFER_E2E_KEEP:-0}" = 1 ]; then
    phase "left up: project $COMPOSE_PROJECT_NAME, API on 127.0.0.1:$KINFER_API_PORT"
  else
    docker-compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

# --- images ----------------------------------------------------------------------------------------------------------
phase "building images"
docker/build.sh --local >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "image build"; }
built=$SECONDS

# --- up --------------------------------------------------------------------------------------------------------------
phase "docker-compose up -d"
docker-compose up -d --no-build 2>&1 | sed 's/^/  /'
container() { docker-compose ps -q "$1" | head -1; }
health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null; }
for _ in $(seq 150); do
  [ "$(health "$(container "$worker")")" = healthy ] && break
  sleep 2
done
[ "$(health "$(container "$worker")")" = healthy ] || fail "$worker not healthy within 300 s"
models_state=$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$(container models)")
[ "$models_state" = "exited 0" ] || { docker-compose logs --no-color models; fail "the models job ended: $models_state"; }
phase "up: $worker healthy, demo models deployed"
up=$SECONDS

secret() { docker-compose run --rm --no-deps -T init secret "$1" | tr -d '\r\n'; }
api_key=$(secret api-key)
webhook_secret=$(secret webhook-secret)
[[ "$api_key" == kf_* && "$webhook_secret" == whsec_* ]] || fail "init made no key or webhook secret"

# --- a webhook receiver on this host, where host.docker.internal (the host gateway) leads ----------------------------
gateway=$(ip -4 -o addr show docker0 | awk '{print $4}' | cut -d/ -f1)
hook_port=$(free_port)
mkdir -p "$work/hooks"
python3 - "$gateway" "$hook_port" "$work/hooks" >"$work/receiver.log" 2>&1 <<'PY' &
import base64, http.server, json, os, sys
host, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        n = len(os.listdir(out))
        with open(os.path.join(out, f".{n}"), "w") as f:
            json.dump({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": base64.b64encode(body).decode()}, f)
        os.rename(os.path.join(out, f".{n}"), os.path.join(out, f"{n}.json"))
        self.send_response(204)
        self.end_headers()
http.server.HTTPServer((host, port), Hook).serve_forever()
PY
receiver_pid=$!

# --- a real photo, through the published port ------------------------------------------------------------------------
callback="http://host.docker.internal:$hook_port/hook"
phase "submitting $(basename "$photo") to $model (callback $callback)"
answer=$(curl -sS --fail-with-body -H "X-API-Key: $api_key" -F "image=@$photo" -F "callbackUrl=$callback" \
  "http://127.0.0.1:$KINFER_API_PORT/v1/models/$model/jobs") || fail "submission refused: $answer"
job_id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["jobId"])' "$answer")
submitted=$SECONDS
for _ in $(seq 180); do
  [ -f "$work/hooks/0.json" ] && break
  sleep 1
done
[ -f "$work/hooks/0.json" ] || { curl -s -H "X-API-Key: $api_key" "http://127.0.0.1:$KINFER_API_PORT/v1/jobs/$job_id"; echo;
  fail "no webhook within 180 s"; }
hook_s=$((SECONDS - submitted))
phase "webhook received $hook_s s after submission"

# The signature (README's recipe: HMAC-SHA256 over id.timestamp.body, key = base64 after whsec_), then the output.
output_url=$(WEBHOOK_SECRET="$webhook_secret" python3 - "$work/hooks/0.json" "$job_id" <<'PY'
import base64, hashlib, hmac, json, os, sys, time
hook = json.load(open(sys.argv[1]))
h, body = hook["headers"], base64.b64decode(hook["body"])
key = base64.b64decode(os.environ["WEBHOOK_SECRET"].removeprefix("whsec_"))
mac = hmac.new(key, f'{h["webhook-id"]}.{h["webhook-timestamp"]}.'.encode() + body, hashlib.sha256)
expected = "v1," + base64.b64encode(mac.digest()).decode()
assert any(hmac.compare_digest(expected, s) for s in h["webhook-signature"].split()), "bad webhook signature"
assert abs(time.time() - int(h["webhook-timestamp"])) < 300, "webhook timestamp far from now"
event = json.loads(body)
assert event["type"] == "job.succeeded", event["type"]
assert event["data"]["jobId"] == sys.argv[2], (event["data"]["jobId"], sys.argv[2])
print(event["data"]["result"]["output"]["image"]["url"])
PY
) || fail "webhook check"
phase "webhook signature valid, job.succeeded"

# The presigned link names the S3 service as the containers see it (s3:9000): reach it through the published port.
s3_hostport=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).netloc)' "$output_url")
curl -sS --fail --connect-to "$s3_hostport:127.0.0.1:$KINFER_S3_PORT" -o "$work/output.png" "$output_url" || fail "fetching the output"
python3 - "$work/output.png" "$photo" <<'PY' || fail "output check"
import struct, sys, zlib
def jpeg_size(path):
    data = open(path, "rb").read()
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):  # start of frame: height, width
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
def png_alpha(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat = 8, b""
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        chunk = data[i + 8:i + 8 + length]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        i += 12 + length
    assert colour == 6 and depth == 8, f"colour type {colour}, depth {depth}: not 8-bit RGBA"
    raw, bpp, stride = zlib.decompress(idat), 4, w * 4
    prev, rows, p = bytearray(stride), [], 0
    for _ in range(h):  # undo the PNG filters, row by row
        f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride]); p += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    alpha = [row[x] for row in rows for x in range(3, stride, 4)]
    return w, h, sum(v == 0 for v in alpha) / len(alpha), sum(v == 255 for v in alpha) / len(alpha)
w, h, clear, opaque = png_alpha(sys.argv[1])
assert (w, h) == jpeg_size(sys.argv[2]), f"output {w}x{h}, photo {jpeg_size(sys.argv[2])}"
assert clear > 0.2 and opaque > 0.05, f"alpha: {clear:.0%} transparent, {opaque:.0%} opaque"
print(f"  output: {w}x{h} RGBA PNG, {clear:.0%} transparent (background), {opaque:.0%} opaque (the player)")
PY
phase "output checked"

# --- scale the worker: two members in its consumer group -------------------------------------------------------------
phase "docker-compose up -d --scale $worker=2"
docker-compose up -d --no-build --scale "$worker=2" 2>&1 | sed 's/^/  /'
members=0
for _ in $(seq 40); do
  group=$(docker-compose run --rm --no-deps -T init group-members "kinfer-worker-$model" 2>/dev/null || true)
  members=$(echo "$group" | sed -n 's/^members=\([0-9]*\).*/\1/p')
  [ "${members:-0}" -ge 2 ] && break
  sleep 3
done
echo "$group" | sed 's/^/  /'
[ "${members:-0}" -ge 2 ] || fail "kinfer-worker-$model has ${members:-0} members, expected 2"
phase "both workers in kinfer-worker-$model"

# --- Prometheus scrapes the services (ingest-api with the admin key) -------------------------------------------------
for _ in $(seq 30); do
  targets=$(curl -s "http://127.0.0.1:$KINFER_PROMETHEUS_PORT/api/v1/targets" || true)
  summary=$(python3 -c 'import json,sys
t = json.loads(sys.argv[1] or "{}").get("data", {}).get("activeTargets", [])
up = sorted({x["labels"]["job"] for x in t if x["health"] == "up"})
print(" ".join(up))' "$targets" 2>/dev/null || true)
  [[ " $summary " == *" ingest-api "* && " $summary " == *" result-sink "* && " $summary " == *" inference-worker "* ]] && break
  sleep 3
done
[[ " $summary " == *" ingest-api "* && " $summary " == *" result-sink "* && " $summary " == *" inference-worker "* ]] \
  || fail "Prometheus targets up: '$summary'"
phase "Prometheus scrapes: $summary"

# --- and by now every long-running container is healthy: every demo model's worker has loaded its model --------------
unhealthy=
for _ in $(seq 60); do
  unhealthy=$(for c in $(docker-compose ps -q); do
      state=$(health "$c")
      [ "$state" = healthy ] || [ "$state" = exited ] || docker inspect -f '{{.Name}}' "$c"
    done)
  [ -z "$unhealthy" ] && break
  sleep 3
done
[ -z "$unhealthy" ] || fail "not healthy: $(echo $unhealthy)"
phase "all $(docker-compose ps -q | wc -l) containers healthy (one-shot jobs exited)"

if [ "${KINFER_E2E_KEEP:-0}" != 1 ]; then
  phase "docker-compose down -v"
  docker-compose down -v --remove-orphans >/dev/null 2>&1
fi
phase "PASSED: images $((built - start)) s, up $((up - built)) s, webhook $hook_s s after submission; total $((SECONDS - start)) s"
