package dev.kinfer.stack;

import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpClient;
import java.net.URI;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * Three worker processes in one consumer group on a real broker, one killed with SIGKILL and one stopped with
 * SIGTERM mid-run: every request still has exactly one result on kinfer.results (read_committed), poison
 * records end in the DLQ and corrupt images as FAILED results. The model is the synthetic one (a fixed wait
 * per batch and per item), so the run is about the pipeline, not about model speed.
 */
class WorkerScaleIT {
    private static final String MODEL = "synthetic";
    private static final int REQUESTS = 2000;
    private static final int CORRUPT = 20;
    private static final int POISON = 10;

    private static LocalStack stack;
    private static Path modelDir;

    @BeforeAll
    static void startInfrastructure() throws Exception {
        StackConfig config = TestStacks.fresh("scale-data");
        stack = LocalStack.startInfrastructure(config);
        modelDir = TestStacks.syntheticModel(config, 20, 2);
    }

    @AfterAll
    static void stopInfrastructure() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldGiveEveryRequestExactlyOneResultThroughACrashAndAGracefulStop() throws Exception {
        List<ChildProcess> workers = new ArrayList<>();
        List<Integer> healthPorts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int port = PortGuard.free();
            healthPorts.add(port);
            workers.add(stack.startWorker("w" + i, modelDir, port, Map.of("KINFER_PARTITIONS", "6", "KINFER_MAX_BATCH_SIZE", "8")));
        }
        for (int i = 0; i < workers.size(); i++) {
            workers.get(i).awaitReady("http://127.0.0.1:" + healthPorts.get(i) + "/health/ready", Duration.ofMinutes(2));
        }
        ImageRef good = upload(png(32, 24));
        ImageRef corrupt = upload("definitely not a png".getBytes(StandardCharsets.UTF_8));
        Map<String, Boolean> expectSuccess = produce(good, corrupt);

        Map<String, List<InferenceResult>> results = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.registryUrl());
        AvroDeserializer<InferenceResult> reader = new AvroDeserializer<>(registry, InferenceResult.class);
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.subscribe(List.of("kinfer.results", "kinfer.requests." + MODEL + ".dlq"));
            boolean killed = false;
            boolean stopped = false;
            Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
            Instant quietUntil = null;
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().endsWith(".dlq")) {
                        deadLetters.add(record);
                    } else {
                        results.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(reader.deserialize(record.topic(), record.value()));
                    }
                }
                if (!killed && results.size() > REQUESTS / 4) {
                    workers.get(0).kill();
                    killed = true;
                }
                if (!stopped && results.size() > REQUESTS / 2) {
                    workers.get(1).close();
                    stopped = true;
                }
                if (quietUntil == null && results.size() >= expectSuccess.size() && deadLetters.size() >= POISON) {
                    quietUntil = Instant.now().plusSeconds(5); // keep reading a while: a duplicate would show up now
                }
                if (quietUntil != null && Instant.now().isAfter(quietUntil)) {
                    break;
                }
            }
            assertThat(killed && stopped).as("the run lasted long enough to kill and stop workers").isTrue();
            assertSurvivorReportsMetrics(healthPorts.get(2));
        } finally {
            workers.forEach(ChildProcess::close);
        }

        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(expectSuccess.keySet());
        results.forEach((id, list) -> assertThat(list).as("results for " + id).hasSize(1));
        results.forEach((id, list) -> {
            InferenceResult result = list.getFirst();
            if (expectSuccess.get(id)) {
                assertThat(result.getStatus()).as(id).isEqualTo(ResultStatus.SUCCEEDED);
            } else {
                assertThat(result.getStatus()).as(id).isEqualTo(ResultStatus.FAILED);
                assertThat(result.getError().getCode()).isEqualTo("invalid-image");
            }
        });
        assertThat(deadLetters).hasSize(POISON);
        assertThat(deadLetters).allSatisfy(letter ->
                assertThat(letter.headers().lastHeader("__kinfer.errors.topic").value()).asString(StandardCharsets.UTF_8)
                        .isEqualTo("kinfer.requests." + MODEL));
        long batched = results.values().stream().filter(l -> l.getFirst().getTimings().getBatchSize() > 1).count();
        assertThat(batched).as("under load requests share batches").isGreaterThan(REQUESTS / 2);
    }

    private static void assertSurvivorReportsMetrics(int healthPort) throws Exception {
        String metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics)
                .containsPattern("kinfer_batch_size_count\\{model=\"synthetic\",version=\"1\"} [1-9]")
                .containsPattern("kinfer_results_total\\{model=\"synthetic\",status=\"SUCCEEDED\",version=\"1\"} [1-9]")
                .containsPattern("kinfer_dead_lettered_total\\{model=\"synthetic\"} ")
                .contains("kinfer_end_to_end_seconds", "kinfer_queue_wait_seconds", "kinfer_paused", "records_lag");
    }

    /** @return request id -> whether it should succeed */
    private static Map<String, Boolean> produce(ImageRef good, ImageRef corrupt) throws Exception {
        Map<String, Boolean> expected = new HashMap<>();
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.registryUrl());
        AvroSerializer<InferenceRequest> writer = new AvroSerializer<>(registry);
        String topic = "kinfer.requests." + MODEL;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < REQUESTS + CORRUPT; i++) {
                boolean ok = i % ((REQUESTS + CORRUPT) / CORRUPT) != 7;
                String id = UUID.randomUUID().toString();
                expected.put(id, ok);
                InferenceRequest request = InferenceRequest.newBuilder().setRequestId(id).setTenant("t").setModel(MODEL)
                        .setInputs(List.of(ok ? good : corrupt)).setSubmittedAt(Instant.now()).setCacheKey(id).build();
                producer.send(new ProducerRecord<>(topic, id, writer.serialize(topic, request)));
                if (i % ((REQUESTS + CORRUPT) / POISON) == 3) {
                    producer.send(new ProducerRecord<>(topic, "poison-" + i, ("poison " + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
        assertThat(expected.values().stream().filter(ok -> !ok).count()).isEqualTo(CORRUPT);
        return expected;
    }

    private static ImageRef upload(byte[] bytes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.secrets().s3AccessKey(), stack.secrets().s3SecretKey()).build();
        s3.putObject(PutObjectArgs.builder().bucket("kinfer").object("images/" + sha)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return new ImageRef("s3://kinfer/images/" + sha, sha, "image/png", 32, 24, (long) bytes.length);
    }

    private static byte[] png(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "scale-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    }
}
