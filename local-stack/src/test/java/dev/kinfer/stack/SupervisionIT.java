package dev.kinfer.stack;

import dev.kinfer.stack.MultipartForm.Part;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fault tests against the stack as {@code ./kinfer up} starts it: a worker SIGKILLed while HTTP requests flow is
 * restarted by the stack and every accepted job ends with exactly one result; a model whose every worker is
 * gone is refused with 503 {@code model-unavailable} once the (here shortened) grace is over.
 */
class SupervisionIT {
    private static final String KILLED_MODEL = "detect-faces";
    private static final String STOPPED_MODEL = "style-transfer";
    private static final int REQUESTS = 30;
    /** Between two submissions: the client is still sending when the first result is out. */
    private static final Duration SPACING = Duration.ofMillis(100);
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalStack stack;
    private static byte[] portrait;

    @BeforeAll
    static void startStack() throws Exception {
        StackConfig config = TestStacks.fresh("supervision-data");
        stack = LocalStack.start(config, Map.of("KINFER_MODEL_UNAVAILABLE_AFTER", Long.toString(GRACE.toSeconds())));
        portrait = TestPhotos.astronaut(config.cacheDir());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRestartAWorkerKilledMidRunAndAnswerEveryAcceptedJobExactlyOnce() throws Exception {
        ChildProcess worker = stack.worker(KILLED_MODEL);
        long killedPid = worker.pid();
        List<String> accepted = new CopyOnWriteArrayList<>();
        Map<String, Integer> results = new HashMap<>();
        AvroDeserializer<InferenceResult> reader = new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()), InferenceResult.class);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try (KafkaConsumer<String, byte[]> consumer = resultsConsumer()) {
            consumer.subscribe(List.of("kinfer.results"));
            Future<?> submitting = client.submit(() -> {
                for (int i = 0; i < REQUESTS; i++) {
                    accepted.add(jobId(submit(KILLED_MODEL, List.of(new Part("image", "astronaut.png", "image/png", portrait)))));
                    Thread.sleep(SPACING.toMillis());
                }
                return null;
            });
            // Killed as soon as the first result is out, while the client keeps submitting.
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                read(consumer, reader, results);
                return accepted.stream().anyMatch(results::containsKey);
            });
            worker.kill();
            int acceptedBeforeTheKill = accepted.size();

            submitting.get(2, TimeUnit.MINUTES);
            await().atMost(Duration.ofMinutes(2)).until(() -> worker.isAlive() && worker.pid() != killedPid);
            await().atMost(Duration.ofMinutes(4)).until(() -> {
                read(consumer, reader, results);
                return results.keySet().containsAll(accepted);
            });
            Instant quietUntil = Instant.now().plusSeconds(5); // a duplicate would show up now
            while (Instant.now().isBefore(quietUntil)) {
                read(consumer, reader, results);
            }
            assertThat(acceptedBeforeTheKill).as("requests still flowing when the worker was killed").isLessThan(REQUESTS);
        } finally {
            client.shutdownNow();
        }

        assertThat(accepted).hasSize(REQUESTS).doesNotHaveDuplicates();
        for (String id : accepted) {
            assertThat(results.get(id)).as("results for " + id).isEqualTo(1);
        }
        for (String id : accepted) {
            JsonNode job = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> JSON.readTree(get("/v1/jobs/" + id).body()), j -> !List.of("PENDING", "RUNNING").contains(j.path("status").asText()));
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void shouldRefuseJobsForAModelWithNoLiveWorkerOnceTheGraceIsOver() throws Exception {
        List<Part> styleTransfer = List.of(new Part("image", "a.png", "image/png", portrait), new Part("style", "b.png", "image/png", portrait));

        Instant lastSeen = Instant.now();
        HttpResponse<String> whileServed = submit(STOPPED_MODEL, styleTransfer);
        assertThat(whileServed.statusCode()).as("served while its worker lives: " + whileServed.body()).isEqualTo(202);
        stack.worker(STOPPED_MODEL).close(); // stopped for good: its consumer leaves the group and nothing restarts it
        HttpResponse<String> refused = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> submit(STOPPED_MODEL, styleTransfer), r -> r.statusCode() != 202);
        Duration refusedAfter = Duration.between(lastSeen, Instant.now());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(refused.body()).path("code").asText()).isEqualTo("model-unavailable");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue(Long.toString(GRACE.toSeconds()));
        assertThat(refusedAfter).as("accepted throughout the grace after the worker was last seen").isGreaterThan(GRACE);
        HttpResponse<String> served = submit(KILLED_MODEL, List.of(new Part("image", "astronaut.png", "image/png", portrait)));
        assertThat(served.statusCode()).as("a model with a worker is still served: " + served.body()).isEqualTo(202);
    }

    private static void read(KafkaConsumer<String, byte[]> consumer, AvroDeserializer<InferenceResult> reader, Map<String, Integer> results) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            results.merge(reader.deserialize(record.topic(), record.value()).getRequestId(), 1, Integer::sum);
        }
    }

    private static KafkaConsumer<String, byte[]> resultsConsumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "supervision-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String jobId(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("jobId").asText();
    }


    private static HttpResponse<String> submit(String model, List<Part> parts) throws IOException, InterruptedException {
        return HTTP.send(MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/" + model + "/jobs"), Map.of(), parts)
                .header("X-API-Key", stack.apiKey())
                // Every submission here must reach a worker (or be refused for having none), not the result cache.
                .header("Cache-Control", "no-cache").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).header("X-API-Key", stack.apiKey()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
