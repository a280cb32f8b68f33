#!/usr/bin/env bash
# kinfer over Kafka with kcat: produce a request, read its result, read a model's dead letters.
#
#   kcat.sh submit IMAGE [IMAGE ...] [kinfer_request.py encode options]   print the request's result as JSON
#   kcat.sh dead-letters                                                   print each dead letter: key, offset, headers
#
# kcat moves the bytes; kinfer_request.py encodes the request and decodes the result (Avro in the Confluent wire
# format), since Debian's kcat is built without Avro support (libserdes). Same environment as kinfer_request.py:
# KINFER_BOOTSTRAP_SERVERS, KINFER_REGISTRY_URL, KINFER_S3_*, KINFER_TENANT, KINFER_MODEL; KINFER_TIMEOUT (120 s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${KINFER_PYTHON:-/usr/bin/python3}
bootstrap=${KINFER_BOOTSTRAP_SERVERS:-127.0.0.1:9092}
model=${KINFER_MODEL:?set KINFER_MODEL, the model to send to}
timeout=${KINFER_TIMEOUT:-120}

submit() {
  local id since at partition offset
  work=$(mktemp -d)   # global: the EXIT trap runs after this function has returned
  trap 'rm -rf "$work"' EXIT
  # 1. Upload the image(s) to the object store and encode the request; its id is the record's key.
  id=$("$python" "$here/kinfer_request.py" encode --out "$work/request.bin" "$@")
  since=$(( $(date +%s%3N) - 60000 ))   # results stamped from a minute ago on (clocks differ)
  # 2. Produce it: a file argument is sent as one message.
  kcat -b "$bootstrap" -P -t "kinfer.requests.$model" -k "$id" "$work/request.bin"
  # 3. Find its result: the partition and offset of the committed result keyed by the request id.
  for ((waited = 0; waited < timeout; waited++)); do
    at=$(kcat -b "$bootstrap" -C -t kinfer.results -X isolation.level=read_committed -o "s@$since" -e -q \
           -f '%k %p %o\n' | awk -v id="$id" '$1 == id && !found++ { print $2, $3 }')
    if [ -n "$at" ]; then
      read -r partition offset <<<"$at"
      # 4. Read that one record's value as raw bytes and decode it.
      kcat -b "$bootstrap" -C -t kinfer.results -X isolation.level=read_committed -p "$partition" -o "$offset" -c 1 -e -q \
           -f '%s' | "$python" "$here/kinfer_request.py" decode
      return 0
    fi
    sleep 1
  done
  echo "no result for request $id within $timeout s" >&2
  return 4
}

dead_letters() {
  # Byte for byte what could not be read as a request, with where it came from and why in headers.
  kcat -b "$bootstrap" -C -t "kinfer.requests.$model.dlq" -X isolation.level=read_committed -o beginning -e -q \
       -f 'key=%k offset=%o headers=%h\n'
}

case "${1:-}" in
  submit) shift; submit "$@" ;;
  dead-letters) dead_letters ;;
  *) sed -n '2,6p' "$0" >&2; exit 2 ;;
esac
