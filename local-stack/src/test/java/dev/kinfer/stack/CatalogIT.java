package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.junit.jupiter.api.Test;

/**
 * Hot deployment through the catalogue, as an operator does it with {@code ./kinfer models} (through ingest-api's admin
 * routes, with an admin key): a worker serving
 * version 1 under steady traffic is given version 2, switches to it without a restart and without failing a
 * request, still serves requests pinned to version 1, and refuses them once version 1 is undeployed.
 */
class CatalogIT {
    private static final String MODEL = "hot";
    private static final Path TEST_MODELS = Path.of("inference-worker/src/test/resources/models");

    private static LocalStack stack;
    private static Path home;
    private static Path data;
    private static ChildProcess ingest;
    private static String apiUrl;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        StackConfig config = TestStacks.fresh("catalog-data");
        home = config.home();
        data = config.dataDir();
        stack = LocalStack.startInfrastructure(config);
        int httpPort = PortGuard.free();
        apiUrl = "http://127.0.0.1:" + httpPort;
        ingest = stack.startIngest(httpPort, Map.of());
        ingest.awaitReady(apiUrl + "/health/ready", Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopInfrastructure() {
        if (ingest != null) {
            ingest.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldSwitchToANewVersionUnderTrafficWithoutARestartOrAFailedRequest() throws Exception {
        assertThat(models("deploy", modelDir("v1", "invert.pt").toString())).contains("deployed hot:v1");
        int port = PortGuard.free();
        ChildProcess worker = stack.startCatalogWorker("hot-1", MODEL, port, Map.of());
        worker.awaitReady("http://127.0.0.1:" + port + "/health/ready", Duration.ofMinutes(2));
        ImageRef image = upload();
        Map<String, InferenceResult> results = new ConcurrentHashMap<>();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        AtomicBoolean sending = new AtomicBoolean(true);

        try (Traffic traffic = new Traffic(results)) {
            Thread sender = Thread.ofPlatform().start(() -> {
                while (sending.get()) {
                    sent.add(traffic.send(image, null));
                    sleep(40);
                }
            });
            await().atMost(Duration.ofMinutes(1)).until(() -> countVersion(results, "v1") >= 5);

            assertThat(models("deploy", modelDir("v2", "stylize-small.pt").toString())).contains("deployed hot:v2");
            await().atMost(Duration.ofMinutes(1)).until(() -> countVersion(results, "v2") >= 5);
            String pinned = traffic.send(image, "v1");
            await().atMost(Duration.ofSeconds(30)).until(() -> results.containsKey(pinned));
            assertThat(results.get(pinned).getModelVersion()).isEqualTo("v1");
            assertThat(results.get(pinned).getStatus()).isEqualTo(ResultStatus.SUCCEEDED);

            assertThat(models("undeploy", "hot:v1")).contains("undeployed hot:v1");
            String refused = await().atMost(Duration.ofSeconds(30)).until(() -> {
                String id = traffic.send(image, "v1");
                await().atMost(Duration.ofSeconds(10)).until(() -> results.containsKey(id));
                return results.get(id).getStatus() == ResultStatus.FAILED ? id : null;
            }, id -> id != null);
            sending.set(false);
            sender.join();
            await().atMost(Duration.ofSeconds(30)).until(() -> results.keySet().containsAll(sent));

            assertThat(results.get(refused).getError().getCode()).isEqualTo("unknown-model-version");
            assertThat(sent).allSatisfy(id -> assertThat(results.get(id).getStatus()).as(id).isEqualTo(ResultStatus.SUCCEEDED));
            assertThat(worker.isAlive()).as("the worker was not restarted").isTrue();
            assertThat(models("list")).contains("v2").doesNotContain("v1");
        }
    }

    private static long countVersion(Map<String, InferenceResult> results, String version) {
        return results.values().stream().filter(r -> r.getModelVersion().equals(version) && r.getStatus() == ResultStatus.SUCCEEDED).count();
    }

    private static String models(String... args) {
        return ModelsCli.run(apiUrl, stack.apiKey(), args);
    }

    private static Path modelDir(String version, String artifact) throws Exception {
        Path dir = Files.createDirectories(data.resolve("deploy").resolve(version));
        Files.copy(home.resolve(TEST_MODELS).resolve(artifact), dir.resolve(artifact));
        Files.writeString(dir.resolve("manifest.json"), """
                {"name": "%s", "version": "%s", "task": "stylize", "engine": "PyTorch", "artifact": "%s", "license": "test",
                 "maxBatchSize": 4}
                """.formatted(MODEL, version, artifact));
        return dir;
    }

    private static ImageRef upload() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] bytes = png.toByteArray();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.secrets().s3AccessKey(), stack.secrets().s3SecretKey()).build();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket("kinfer").build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket("kinfer").build());
        }
        s3.putObject(PutObjectArgs.builder().bucket("kinfer").object("images/" + sha)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return new ImageRef("s3://kinfer/images/" + sha, sha, "image/png", 24, 16, (long) bytes.length);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends requests (thread-safe) and collects every result on kinfer.results (read_committed). */
    private static final class Traffic implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final AvroSerializer<InferenceRequest> writer;
        private final AtomicBoolean reading = new AtomicBoolean(true);
        private final Thread reader;

        Traffic(Map<String, InferenceResult> results) {
            SchemaRegistryClient registry = new SchemaRegistryClient(stack.registryUrl());
            writer = new AvroSerializer<>(registry);
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer());
            AvroDeserializer<InferenceResult> decoder = new AvroDeserializer<>(registry, InferenceResult.class);
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "catalog-it-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of("kinfer.results"));
            reader = Thread.ofPlatform().start(() -> {
                try (consumer) {
                    while (reading.get()) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            InferenceResult result = decoder.deserialize(record.topic(), record.value());
                            assertThat(results.putIfAbsent(record.key(), result)).as("a second result for " + record.key()).isNull();
                        }
                    }
                }
            });
        }

        String send(ImageRef image, String pinnedVersion) {
            String id = UUID.randomUUID().toString();
            String topic = "kinfer.requests." + MODEL;
            InferenceRequest request = InferenceRequest.newBuilder().setRequestId(id).setTenant("t").setModel(MODEL)
                    .setModelVersion(pinnedVersion).setInputs(List.of(image)).setSubmittedAt(Instant.now()).setCacheKey(id).build();
            producer.send(new ProducerRecord<>(topic, id, writer.serialize(topic, request)));
            producer.flush();
            return id;
        }

        @Override
        public void close() throws InterruptedException {
            reading.set(false);
            reader.join();
            producer.close();
        }
    }
}
