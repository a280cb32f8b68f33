package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults against the real infrastructure (broker, S3 server and schema registry of the local stack, a worker
 * process of the synthetic model): a poison corpus on the request topic, then the broker, the S3 server and the
 * registry each taken away mid-run. Every accepted request must end as exactly one result (read_committed), or
 * in the dead-letter topic for records that are not requests, and the worker must stay up throughout. Last, the
 * edge: a fresh ingest-api answers 503 {@code registry-unavailable} while the registry hangs, and 202 after.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {
    private static final String MODEL = "synthetic";
    private static final String TOPIC = "kinfer.requests." + MODEL;
    private static final String DLQ = TOPIC + ".dlq";
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalStack stack;
    private static Path modelDir;
    private static ChildProcess worker;
    private static int healthPort;
    private static ImageRef good;
    private static AvroSerializer<InferenceRequest> writer;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        StackConfig config = TestStacks.fresh("fault-data");
        stack = LocalStack.startInfrastructure(config);
        modelDir = TestStacks.syntheticModel(config, 60, 5); // slow enough that requests outlast the moment a fault begins
        worker = startWorker("fault-w1");
        writer = new AvroSerializer<>(new SchemaRegistryClient(stack.registryUrl()));
        good = upload(png(32, 24));
    }

    @AfterAll
    static void stopInfrastructure() {
        if (worker != null) {
            worker.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldServeEveryGoodRequestThroughAPoisonCorpus() throws Exception {
        Map<String, String> expectedFailures = new LinkedHashMap<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<String> goodIds = new ArrayList<>();
        ImageRef missing = imageRefOf(png(40, 30)); // never uploaded
        String otherSha = "b".repeat(64);
        byte[] valid = writer.serialize(TOPIC, request(UUID.randomUUID().toString(), MODEL, List.of(good)));
        int schemaId = ByteBuffer.wrap(valid, 1, 4).getInt();
        List<byte[]> deadLetterValues = new ArrayList<>();
        deadLetterValues.add(null);                                                          // a tombstone
        deadLetterValues.add(randomBytes(200));                                              // not the wire format
        deadLetterValues.add(ByteBuffer.allocate(40).put((byte) 0).putInt(987_654).array()); // unknown schema id
        deadLetterValues.add(Arrays.copyOf(valid, valid.length / 2));                        // truncated Avro
        deadLetterValues.add(ByteBuffer.allocate(12).put((byte) 0).putInt(schemaId)          // a string "1 GiB long"
                .put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}).array());
        deadLetterValues.add(writer.serialize(TOPIC, request("", MODEL, List.of(good))));   // no id to answer under
        for (int i = 0; i < 3; i++) { // replays to topics never made; each asks the cluster while batches finish
            InferenceRequest replay = request(UUID.randomUUID().toString(), MODEL, List.of(good));
            replay.setResultTopic(Topics.replayResults("never-made-" + i));
            deadLetterValues.add(writer.serialize(TOPIC, replay));
        }

        for (int i = 0; i < 40; i++) {
            String id = UUID.randomUUID().toString();
            goodIds.add(id);
            records.add(record(id, writer.serialize(TOPIC, request(id, MODEL, List.of(good)))));
            if (i < deadLetterValues.size()) {
                records.add(record("poison-" + i, deadLetterValues.get(i)));
            }
        }
        List<Map.Entry<String, InferenceRequest>> unfit = List.of(
                Map.entry("wrong-model", request(UUID.randomUUID().toString(), "detect-faces", List.of(good))),
                Map.entry("input-not-found", request(UUID.randomUUID().toString(), MODEL, List.of(missing))),
                Map.entry("invalid-request", request(UUID.randomUUID().toString(), MODEL, List.of())),
                Map.entry("invalid-request", request(UUID.randomUUID().toString(), MODEL,
                        List.of(new ImageRef(good.getUri(), good.getSha256(), "image/png", -5, 1_000_000, good.getBytes())))),
                Map.entry("input-mismatch", request(UUID.randomUUID().toString(), MODEL,         // lying dimensions
                        List.of(new ImageRef(good.getUri(), good.getSha256(), "image/png", 640, 480, good.getBytes())))),
                Map.entry("input-mismatch", request(UUID.randomUUID().toString(), MODEL,         // lying sha256
                        List.of(new ImageRef(good.getUri(), otherSha, "image/png", 32, 24, good.getBytes())))));
        unfit.forEach(entry -> {
            expectedFailures.put(entry.getValue().getRequestId(), entry.getKey());
            records.add(3 * records.size() / 4, record(entry.getValue().getRequestId(), writer.serialize(TOPIC, entry.getValue())));
        });
        List<String> accepted = new ArrayList<>(goodIds);
        accepted.addAll(expectedFailures.keySet());

        Collected collected;
        try (ResultReader reader = new ResultReader()) {
            produce(records);
            collected = reader.collect(accepted, deadLetterValues.size(), Duration.ofMinutes(2), () -> false);
        }

        collected.assertExactlyOneResultEach(accepted);
        goodIds.forEach(id -> assertThat(collected.result(id).getStatus()).as(id).isEqualTo(ResultStatus.SUCCEEDED));
        expectedFailures.forEach((id, code) -> {
            InferenceResult result = collected.result(id);
            assertThat(result.getStatus()).as(code).isEqualTo(ResultStatus.FAILED);
            assertThat(result.getError().getCode()).as(result.getError().getMessage()).isEqualTo(code);
        });
        assertThat(collected.deadLetters()).hasSize(deadLetterValues.size());
        assertThat(collected.deadLetters()).allSatisfy(letter -> {
            assertThat(header(letter, "__kinfer.errors.topic")).isEqualTo(TOPIC);
            assertThat(header(letter, "__kinfer.errors.exception.message")).isNotBlank();
        });
        assertWorkerLive();
    }

    @Test
    @Order(2)
    void shouldGiveExactlyOneResultEachWhenTheBrokerGoesAwayMidRun() throws Exception {
        List<String> ids = new ArrayList<>();
        try (ResultReader reader = new ResultReader()) {
            produce(goodRequests(400, ids));
            Outage outage = new Outage(() -> stack.kafka().stop(), () -> stack.kafka().startAgain());
            Collected collected = reader.collect(ids, 0, Duration.ofMinutes(4), () -> outage.startAfter(reader.seen() >= 40));
            assertThat(outage.happened()).as("the broker was stopped mid-run").isTrue();
            collected.assertExactlyOneResultEach(ids);
            ids.forEach(id -> assertThat(collected.result(id).getStatus()).as(id).isEqualTo(ResultStatus.SUCCEEDED));
        }
        assertWorkerLive();
    }

    @Test
    @Order(3)
    void shouldGiveExactlyOneResultEachWhenTheObjectStoreGoesAwayMidRun() throws Exception {
        List<String> ids = new ArrayList<>();
        try (ResultReader reader = new ResultReader()) {
            produce(goodRequests(300, ids));
            Outage outage = new Outage(() -> stack.s3().stop(), () -> stack.s3().startAgain());
            Collected collected = reader.collect(ids, 0, Duration.ofMinutes(4), () -> outage.startAfter(reader.seen() >= 30));
            assertThat(outage.happened()).as("the S3 server was stopped mid-run").isTrue();
            collected.assertExactlyOneResultEach(ids);
            // Within the worker's retry time (30 s) the store is retried; past it a request fails as retriable.
            ids.forEach(id -> {
                InferenceResult result = collected.result(id);
                if (result.getStatus() != ResultStatus.SUCCEEDED) {
                    assertThat(result.getError().getRetriable()).as(result.getError().getMessage()).isTrue();
                }
            });
            assertThat(ids.stream().map(collected::result).filter(r -> r.getStatus() != ResultStatus.SUCCEEDED)
                    .map(r -> r.getError().getMessage()).toList()).as("a 20 s outage is within the retry time").isEmpty();
        }
        assertWorkerLive();
    }

    @Test
    @Order(4)
    void shouldWaitForTheSchemaRegistryAndRecover() throws Exception {
        // A fresh worker has no schema cached, so it needs the registry for the first record it reads.
        worker.close();
        worker = startWorker("fault-w2");
        List<String> ids = new ArrayList<>();
        try (ResultReader reader = new ResultReader()) {
            stack.registry().kill(); // supervised: the stack starts it again after its backoff (a JVM start: seconds)
            produce(goodRequests(100, ids)); // this producer's schema id is cached: it needs no registry
            Collected collected = reader.collect(ids, 0, Duration.ofMinutes(4), () -> false);
            collected.assertExactlyOneResultEach(ids);
            ids.forEach(id -> assertThat(collected.result(id).getStatus()).as(id).isEqualTo(ResultStatus.SUCCEEDED));
        }
        assertWorkerLive();
    }

    @Test
    @Order(5)
    void shouldAnswer503AtTheEdgeWhileTheRegistryIsDownAndAcceptOnceItIsBack() throws Exception {
        int httpPort = PortGuard.free();
        String apiUrl = "http://127.0.0.1:" + httpPort;
        try (ChildProcess ingest = stack.startIngest(httpPort, Map.of())) {
            ingest.awaitReady(apiUrl + "/health/ready", Duration.ofMinutes(2));
            // A fresh ingest-api has no schema id cached: its first request needs the registry, which now hangs.
            signal("STOP", stack.registry());
            HttpResponse<String> refused;
            try {
                refused = upload(apiUrl);
            } finally {
                signal("CONT", stack.registry());
            }
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.body()).contains("\"code\":\"registry-unavailable\"");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();

            HttpResponse<String> accepted = upload(apiUrl);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }
    }

    /** Freezes ({@code STOP}) or thaws ({@code CONT}) a process: its port stays open but nothing answers. */
    private static void signal(String signal, ChildProcess process) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
    }

    private static HttpResponse<String> upload(String apiUrl) throws Exception {
        return HTTP.send(MultipartForm.post(URI.create(apiUrl + "/v1/models/" + MODEL + "/jobs"), Map.of(),
                List.of(new MultipartForm.Part("image", "a.png", "image/png", png(48, 32)))).header("X-API-Key", stack.apiKey()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ChildProcess startWorker(String id) throws Exception {
        healthPort = PortGuard.free();
        ChildProcess started = stack.startWorker(id, modelDir, healthPort, Map.of("KINFER_PARTITIONS", "4", "KINFER_MAX_BATCH_SIZE", "8"));
        started.awaitReady("http://127.0.0.1:" + healthPort + "/health/ready", Duration.ofMinutes(2));
        return started;
    }

    private static void assertWorkerLive() throws Exception {
        assertThat(worker.isAlive()).as("the worker process is still running").isTrue();
        HttpResponse<String> live = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
    }

    /** Takes a dependency away once a condition holds, and brings it back after {@link #OUTAGE}. */
    private static final class Outage {
        interface Action {
            void run() throws Exception;
        }

        private final Action stop;
        private final Action start;
        private Instant stoppedAt;
        private boolean over;

        Outage(Action stop, Action start) {
            this.stop = stop;
            this.start = start;
        }

        /** Called on every turn of the reading loop; false, so reading goes on until every result is in. */
        boolean startAfter(boolean condition) {
            try {
                if (stoppedAt == null && condition) {
                    stop.run();
                    stoppedAt = Instant.now();
                } else if (stoppedAt != null && !over && Instant.now().isAfter(stoppedAt.plus(OUTAGE))) {
                    start.run();
                    over = true;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return false;
        }

        boolean happened() {
            return over;
        }
    }

    private record Collected(Map<String, List<InferenceResult>> results, List<ConsumerRecord<String, byte[]>> deadLetters) {
        InferenceResult result(String id) {
            return results.get(id).getFirst();
        }

        void assertExactlyOneResultEach(List<String> ids) {
            List<String> lost = ids.stream().filter(id -> !results.containsKey(id)).toList();
            assertThat(lost).as("requests without a result").isEmpty();
            ids.forEach(id -> assertThat(results.get(id)).as("results of " + id).hasSize(1));
        }
    }

    /** Reads kinfer.results and the DLQ as a read_committed client would, from now on. */
    private static final class ResultReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "fault-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        private final AvroDeserializer<InferenceResult> results = new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()),
                InferenceResult.class);
        private final Map<String, List<InferenceResult>> byId = new HashMap<>();
        private final List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();

        ResultReader() {
            consumer.subscribe(List.of("kinfer.results", DLQ));
            // Join and take positions before anything is produced, so "latest" misses nothing of this test's.
            Instant deadline = Instant.now().plusSeconds(30);
            while (consumer.assignment().size() < 2 && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.assignment().forEach(consumer::position);
        }

        int seen() {
            return byId.size();
        }

        /** Reads until every id has a result and the DLQ holds {@code letters} more, then 5 s more for duplicates. */
        Collected collect(List<String> ids, int letters, Duration timeout, BooleanSupplier onEachTurn) {
            Instant deadline = Instant.now().plus(timeout);
            Instant quietUntil = null;
            while (Instant.now().isBefore(deadline) && (quietUntil == null || Instant.now().isBefore(quietUntil))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(DLQ)) {
                        deadLetters.add(record);
                    } else {
                        byId.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(results.deserialize(record.topic(), record.value()));
                    }
                }
                onEachTurn.getAsBoolean();
                if (quietUntil == null && byId.keySet().containsAll(ids) && deadLetters.size() >= letters) {
                    quietUntil = Instant.now().plusSeconds(5);
                }
            }
            return new Collected(byId, deadLetters);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static List<ProducerRecord<String, byte[]>> goodRequests(int count, List<String> ids) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            records.add(record(id, writer.serialize(TOPIC, request(id, MODEL, List.of(good)))));
        }
        return records;
    }

    private static InferenceRequest request(String id, String model, List<ImageRef> inputs) {
        return InferenceRequest.newBuilder().setRequestId(id).setTenant("t").setModel(model).setInputs(inputs)
                .setSubmittedAt(Instant.now()).setCacheKey(id).build();
    }

    private static ProducerRecord<String, byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(TOPIC, key, value);
    }

    private static void produce(List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new Random(42).nextBytes(bytes);
        bytes[0] = 7; // never the wire format's magic byte
        return bytes;
    }

    private static ImageRef upload(byte[] bytes) throws Exception {
        ImageRef ref = imageRefOf(bytes);
        MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.secrets().s3AccessKey(), stack.secrets().s3SecretKey()).build();
        s3.putObject(PutObjectArgs.builder().bucket(LocalStack.BUCKET).object("images/" + ref.getSha256())
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return ref;
    }

    private static ImageRef imageRefOf(byte[] png) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return new ImageRef("s3://" + LocalStack.BUCKET + "/images/" + sha, sha, "image/png", image.getWidth(), image.getHeight(),
                (long) png.length);
    }

    private static byte[] png(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}
