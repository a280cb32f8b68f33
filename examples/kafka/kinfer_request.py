#!/usr/bin/python3
"""A Kafka-native kinfer client: no HTTP, no ingest-api. What docs/kafka-protocol.md describes, as code.

  kinfer_request.py submit IMAGE [IMAGE ...] [options]   upload, produce the request, print its result (JSON)
  kinfer_request.py encode IMAGE [IMAGE ...] --out FILE  upload, write the encoded request to FILE for kcat, print its id
  kinfer_request.py decode < RECORD                      print one record's value (Confluent wire format) as JSON

Options of submit and encode: --model, --tenant, --param NAME=VALUE (repeatable), --model-version,
--callback-url URL [--callback-secret-id ID], --deadline-seconds S, --request-id ID; submit also takes
--timeout S (default 120) and --no-wait. -X NAME=VALUE (repeatable) adds a librdkafka property (security.protocol,
sasl.username, ssl.ca.location, ...).

Environment (blank counts as unset): KINFER_BOOTSTRAP_SERVERS (127.0.0.1:9092), KINFER_REGISTRY_URL
(http://127.0.0.1:8081), KINFER_REGISTRY_USERNAME / KINFER_REGISTRY_PASSWORD or KINFER_REGISTRY_TOKEN,
KINFER_S3_ENDPOINT, KINFER_S3_ACCESS_KEY, KINFER_S3_SECRET_KEY, KINFER_S3_BUCKET (kinfer), KINFER_S3_REGION
(us-east-1), KINFER_TENANT and KINFER_MODEL (or --tenant, --model), KINFER_SCHEMA_DIR (this checkout's
schemas/src/main/avro).

Exit status of submit: 0 SUCCEEDED, 3 FAILED or EXPIRED (the result is printed all the same), 4 no result in time.
Needs Debian's python3-confluent-kafka, python3-avro, python3-boto3 and python3-pil.
"""
import argparse
import base64
import datetime
import hashlib
import io
import json
import os
import struct
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import avro.io
import avro.name
import avro.schema
import boto3
from botocore.config import Config
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from PIL import Image

RESULTS = "kinfer.results"
EXIF_ORIENTATION = 0x0112


def env(name, default=None):
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is None:
        sys.exit(f"{name} is not set")
    return default


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- the records: kinfer's own .avsc files, one self-contained schema per record ---------------------------------

def load_schemas():
    folder = Path(env("KINFER_SCHEMA_DIR", str(Path(__file__).resolve().parents[2] / "schemas" / "src" / "main" / "avro")))
    names = avro.name.Names()  # later files refer to the records of earlier ones by name
    return {name: avro.schema.make_avsc_object(json.loads((folder / f"{name}.avsc").read_text()), names)
            for name in ("ImageRef", "Callback", "InferenceRequest", "InferenceResult")}


class Registry:
    """The two calls of the Confluent Schema Registry API a client needs: register a schema, fetch one by id."""

    def __init__(self):
        self.url = env("KINFER_REGISTRY_URL", "http://127.0.0.1:8081").rstrip("/")
        self.headers = {"Content-Type": "application/vnd.schemaregistry.v1+json", "Accept": "application/json"}
        if os.environ.get("KINFER_REGISTRY_TOKEN", "").strip():
            self.headers["Authorization"] = "Bearer " + env("KINFER_REGISTRY_TOKEN")
        elif os.environ.get("KINFER_REGISTRY_USERNAME", "").strip():
            user = f'{env("KINFER_REGISTRY_USERNAME")}:{env("KINFER_REGISTRY_PASSWORD")}'
            self.headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
        self.schemas = {}

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/{path}", data=data, method=method, headers=self.headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def register(self, subject, schema):
        """The id of `schema` under `subject`; registering a schema the subject has already answers its id."""
        body = {"schema": json.dumps(schema.to_json())}
        return self.call("POST", f"subjects/{urllib.parse.quote(subject)}/versions", body)["id"]

    def schema(self, schema_id):
        if schema_id not in self.schemas:
            self.schemas[schema_id] = avro.schema.parse(self.call("GET", f"schemas/ids/{schema_id}")["schema"])
        return self.schemas[schema_id]


class TaggingReader(avro.io.DatumReader):
    """Reads records as dicts; the record chosen from a union of several (a result's output) says which it is."""

    def read_union(self, writers_schema, readers_schema, decoder):
        branch = writers_schema.schemas[int(decoder.read_long())]
        datum = self.read_data(branch, readers_schema, decoder)
        if branch.type == "record" and sum(s.type == "record" for s in writers_schema.schemas) > 1:
            return {"type": branch.name, **datum}
        return datum


def encode(schema_id, schema, datum):
    """The Confluent wire format: magic byte 0, the schema id (4 bytes, big-endian), the Avro binary encoding."""
    out = io.BytesIO()
    out.write(struct.pack(">bI", 0, schema_id))
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(out))
    return out.getvalue()


def decode(registry, value):
    if value is None or len(value) < 5 or value[0] != 0:
        raise ValueError("not the Confluent wire format (magic byte 0, a 4-byte schema id, then Avro)")
    schema = registry.schema(struct.unpack(">I", value[1:5])[0])
    return TaggingReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(value[5:])))


def as_json(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    raise TypeError(f"{type(value).__name__} is not JSON")


# --- a request ------------------------------------------------------------------------------------------------------

def cache_key(tenant, model, params, input_hashes):
    """sha256 of the lines tenant=, model=, param.<name>=<value> in name order, input=<sha256> in input order."""
    lines = [f"tenant={tenant}", f"model={model}"]
    lines += [f"param.{name}={params[name]}" for name in sorted(params, key=lambda n: n.encode("utf-16-be"))]  # Java's order
    lines += [f"input={h}" for h in input_hashes]
    return hashlib.sha256("".join(line + "\n" for line in lines).encode("utf-8")).hexdigest()


def upload(s3, bucket, path):
    """Stores the image at its content address, images/<sha256>, and answers its ImageRef."""
    data = Path(path).read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if image.getexif().get(EXIF_ORIENTATION, 1) in (5, 6, 7, 8):
            width, height = height, width  # kinfer turns an image upright before it checks the declared size
        content_type = "image/jpeg" if image.format == "MPO" else Image.MIME.get(image.format, "application/octet-stream")
    sha256 = hashlib.sha256(data).hexdigest()
    s3.put_object(Bucket=bucket, Key=f"images/{sha256}", Body=data, ContentType=content_type)
    log(f"uploaded {path} to s3://{bucket}/images/{sha256} ({content_type}, {width}x{height}, {len(data)} bytes)")
    return {"uri": f"s3://{bucket}/images/{sha256}", "sha256": sha256, "contentType": content_type,
            "width": width, "height": height, "bytes": len(data)}


def build_request(args):
    s3 = boto3.client("s3", endpoint_url=env("KINFER_S3_ENDPOINT"), region_name=env("KINFER_S3_REGION", "us-east-1"),
                      aws_access_key_id=env("KINFER_S3_ACCESS_KEY"), aws_secret_access_key=env("KINFER_S3_SECRET_KEY"),
                      config=Config(s3={"addressing_style": "path"}))
    bucket = env("KINFER_S3_BUCKET", "kinfer")
    inputs = [upload(s3, bucket, path) for path in args.images]
    params = dict(p.split("=", 1) for p in args.param)
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "requestId": args.request_id or str(uuid.uuid4()),
        "tenant": args.tenant,
        "model": args.model,
        "modelVersion": args.model_version,
        "inputs": inputs,
        "params": params,
        "callback": {"url": args.callback_url, "secretId": args.callback_secret_id} if args.callback_url else None,
        "priority": 0,
        "submittedAt": now,
        "deadline": now + datetime.timedelta(seconds=args.deadline_seconds) if args.deadline_seconds is not None else None,
        "cacheKey": cache_key(args.tenant, args.model, params, [i["sha256"] for i in inputs]),
        "traceparent": None,
        "resultTopic": None,
    }


def encoded_request(args, registry):
    schemas = load_schemas()
    topic = f"kinfer.requests.{args.model}"
    request = build_request(args)
    return topic, request, encode(registry.register(f"{topic}-value", schemas["InferenceRequest"]), schemas["InferenceRequest"], request)


# --- Kafka ----------------------------------------------------------------------------------------------------------

def kafka(args, **settings):
    config = {"bootstrap.servers": env("KINFER_BOOTSTRAP_SERVERS", "127.0.0.1:9092")}
    config.update(p.split("=", 1) for p in args.X)
    config.update(settings)
    return config


def results_from_now(args):
    """A read_committed consumer of every partition of kinfer.results from its end: no result of ours comes before."""
    consumer = Consumer(kafka(args, **{"group.id": f"kinfer-example-{uuid.uuid4()}", "enable.auto.commit": False,
                                        "isolation.level": "read_committed"}))
    topic = consumer.list_topics(RESULTS, timeout=10).topics[RESULTS]
    if topic.error is not None or not topic.partitions:
        sys.exit(f"{RESULTS} cannot be read ({topic.error}); has a worker started?")
    consumer.assign([TopicPartition(RESULTS, p, consumer.get_watermark_offsets(TopicPartition(RESULTS, p), timeout=10)[1])
                     for p in topic.partitions])
    return consumer


def produce(args, topic, key, value):
    producer = Producer(kafka(args, **{"enable.idempotence": True, "acks": "all"}))
    delivered = []
    producer.produce(topic, key=key, value=value, on_delivery=lambda err, msg: delivered.append((err, msg)))
    producer.flush(30)
    if not delivered or delivered[0][0] is not None:
        sys.exit(f"request {key} was not written to {topic}: {delivered[0][0] if delivered else 'timed out'}")
    log(f"produced request {key} to {topic} (partition {delivered[0][1].partition()}, offset {delivered[0][1].offset()})")


def await_result(consumer, registry, request_id, timeout):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        message = consumer.poll(1.0)
        if message is None:
            continue
        if message.error():
            raise KafkaException(message.error())
        if message.key() == request_id.encode():
            return decode(registry, message.value())
    return None


# --- the commands ---------------------------------------------------------------------------------------------------

def submit(args):
    registry = Registry()
    topic, request, value = encoded_request(args, registry)
    consumer = None if args.no_wait else results_from_now(args)  # before producing, so the result cannot be missed
    produce(args, topic, request["requestId"], value)
    if consumer is None:
        print(json.dumps({"requestId": request["requestId"], "topic": topic}))
        return 0
    log(f"waiting up to {args.timeout} s for its result on {RESULTS} (read_committed)")
    try:
        result = await_result(consumer, registry, request["requestId"], args.timeout)
    finally:
        consumer.close()
    if result is None:
        log(f"no result for {request['requestId']} within {args.timeout} s")
        return 4
    print(json.dumps(result, indent=2, default=as_json))
    return 0 if result["status"] == "SUCCEEDED" else 3


def encode_to_file(args):
    topic, request, value = encoded_request(args, Registry())
    Path(args.out).write_bytes(value)
    log(f"wrote request {request['requestId']} for {topic} to {args.out} ({len(value)} bytes)")
    print(request["requestId"])
    return 0


def decode_stdin(args):
    print(json.dumps(decode(Registry(), sys.stdin.buffer.read()), indent=2, default=as_json))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    request = argparse.ArgumentParser(add_help=False)
    request.add_argument("images", nargs="+", help="image file(s), in the order the model takes them")
    request.add_argument("--model", default=os.environ.get("KINFER_MODEL"))
    request.add_argument("--tenant", default=os.environ.get("KINFER_TENANT"))
    request.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    request.add_argument("--model-version")
    request.add_argument("--callback-url")
    request.add_argument("--callback-secret-id", default="default")
    request.add_argument("--deadline-seconds", type=float)
    request.add_argument("--request-id", help="default: a random UUID")
    kafka_options = argparse.ArgumentParser(add_help=False)
    kafka_options.add_argument("-X", action="append", default=[], metavar="NAME=VALUE", help="a librdkafka property")
    sub = commands.add_parser("submit", parents=[request, kafka_options])
    sub.add_argument("--timeout", type=float, default=120)
    sub.add_argument("--no-wait", action="store_true")
    sub.set_defaults(run=submit)
    enc = commands.add_parser("encode", parents=[request])
    enc.add_argument("--out", required=True)
    enc.set_defaults(run=encode_to_file)
    commands.add_parser("decode").set_defaults(run=decode_stdin)
    args = parser.parse_args()
    if args.command != "decode" and not (args.model and args.tenant):
        parser.error("--model and --tenant (or KINFER_MODEL and KINFER_TENANT) are required")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
