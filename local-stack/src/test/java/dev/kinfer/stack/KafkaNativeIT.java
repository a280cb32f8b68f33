package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.client.JobExpiredException;
import dev.kinfer.client.JobFailedException;
import dev.kinfer.client.KinferClient;
import dev.kinfer.client.Outcome;
import dev.kinfer.client.Submission;
import dev.kinfer.imaging.RejectedImageException;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.RegistryConnection;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.stack.MultipartForm.Part;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
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
 * kinfer used from Kafka, on the real stack: the client library ({@link KinferClient}), job status for requests that
 * never touched HTTP, and {@code ./kinfer replay}. A request the client produces to the topic of a model deployed while
 * result-sink runs is PENDING in {@code GET /v1/jobs/{id}} while no worker serves it, then SUCCEEDED, and its future
 * completes; the span's traffic (that request and HTTP jobs) replayed on a second version differs pixel by pixel,
 * replayed on the same version agrees exactly, and no replayed result reaches {@code kinfer.results} or the job status.
 * The client's batch submission keeps its bound, and FAILED and EXPIRED jobs fail their futures with their exceptions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaNativeIT {
    private static final String MODEL = "shadow";
    private static final Path TEST_MODELS = Path.of("inference-worker/src/test/resources/models");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofMinutes(3);

    private static LocalStack stack;
    private static StackConfig config;
    private static final List<ChildProcess> services = new ArrayList<>();
    private static KinferClient client;

    @BeforeAll
    static void startStack() throws Exception {
        config = TestStacks.fresh("replay-data");
        stack = LocalStack.startInfrastructure(config);
        ChildProcess sink = service(stack.startSink(Map.of()));
        ChildProcess ingest = service(stack.startIngest(config.ports().http(), Map.of()));
        sink.awaitReady(stack.sinkUrl() + "/health/ready", START);
        ingest.awaitReady(stack.apiUrl() + "/health/ready", START);
        client = stack.client(DevKey.TENANT);
    }

    @AfterAll
    static void stopStack() {
        if (client != null) {
            client.close();
        }
        services.reversed().forEach(ChildProcess::close);
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldTrackANewModelsKafkaNativeJobsAndReplayItsTrafficOnAnotherVersion() throws Exception {
        ModelsCli.run(stack, "deploy", modelDir("v1", "invert.pt").toString());
        try (Admin admin = Admin.create(stack.kafkaConnection().clientConfig(Map.of()))) {
            // Made now, long after result-sink started, as an operator's topics job or the model's first worker makes it.
            TopicAdmin.ensure(admin, List.of(TopicAdmin.Spec.of(Topics.requests(MODEL), 2)), Duration.ofSeconds(30));
        }
        Instant from = Instant.now();

        Submission submission = Submission.to(MODEL, List.of(client.upload(image(0))));
        CompletableFuture<InferenceResult> result = client.submit(submission);
        String kafkaNative = submission.requestId();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(jobStatus(kafkaNative)).isEqualTo("PENDING"));
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Void>> stream = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(stack.apiUrl()
                + "/v1/jobs/" + kafkaNative + "/events")).header("X-API-Key", stack.apiKey()).build(), HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    response.body().filter(line -> line.startsWith("data: ")).forEach(events::add);
                    return null;
                });
        await().atMost(Duration.ofSeconds(30)).until(() -> events.size() == 1);
        // What a worker says when the job's batch goes into the model (the one this test starts below has not yet).
        announceStart(kafkaNative, "v1", 3);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(jobStatus(kafkaNative)).isEqualTo("RUNNING"));
        JsonNode running = JSON.readTree(get("/v1/jobs/" + kafkaNative));
        assertThat(running.path("running").path("batchSize").asInt()).isEqualTo(3);
        assertThat(running.path("running").path("modelVersion").asText()).isEqualTo("v1");
        await().atMost(Duration.ofSeconds(30)).until(() -> events.size() == 2);
        assertThat(JSON.readTree(events.get(1).substring(6)).path("status").asText()).as("told on the events stream").isEqualTo("RUNNING");
        int workerPort = PortGuard.free();
        ChildProcess worker = service(stack.startCatalogWorker("shadow-1", MODEL, workerPort, Map.of()));
        worker.awaitReady("http://127.0.0.1:" + workerPort + "/health/ready", START);
        assertThat(result.get(60, TimeUnit.SECONDS).getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(jobStatus(kafkaNative)).isEqualTo("SUCCEEDED"));
        stream.get(30, TimeUnit.SECONDS);
        assertThat(events).extracting(event -> JSON.readTree(event.substring(6)).path("status").asText())
                .as("the stream ends with the job; a start is told once").containsExactly("PENDING", "RUNNING", "SUCCEEDED");
        List<String> overHttp = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            overHttp.add(submitOverHttp(image(i), Map.of()));
        }
        for (String job : overHttp) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(jobStatus(job)).isEqualTo("SUCCEEDED"));
        }
        Instant to = Instant.now();
        JsonNode recent = JSON.readTree(get("/v1/jobs?limit=5"));
        List<String> newestFirst = new ArrayList<>(overHttp.reversed());
        newestFirst.add(kafkaNative);
        assertThat(recent.path("jobs").findValuesAsText("jobId")).as("history, newest first, HTTP and Kafka-native alike")
                .containsExactlyElementsOf(newestFirst);

        ModelsCli.run(stack, "deploy", modelDir("v2", "stylize-small.pt").toString());
        await().atMost(Duration.ofSeconds(90)).until(KafkaNativeIT::workerServesV2);
        Replay replay = new Replay(stack.kafkaConnection(), RegistryConnection.to(stack.registryUrl()), stack.storeConfig());

        Replay.Options toV2 = new Replay.Options(MODEL, from, to, "v2", "it-v2", Duration.ofMinutes(2));
        List<Replay.Outcome> shadow = replay.run(toV2);
        Replay.Options sameVersion = new Replay.Options(MODEL, from, to, "v1", "it-v1", Duration.ofMinutes(2));
        List<Replay.Outcome> again = replay.run(sameVersion);

        assertThat(shadow).extracting(o -> o.original().getRequestId()).containsExactlyInAnyOrderElementsOf(
                concat(kafkaNative, overHttp));
        assertThat(shadow).allSatisfy(o -> {
            assertThat(o.originalResult().getModelVersion()).isEqualTo("v1");
            assertThat(o.replayed().getModelVersion()).isEqualTo("v2");
            assertThat(o.replayed().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(o.verdict().pixelDifference()).as("invert and a stylizer differ").isGreaterThan(1.0);
        });
        assertThat(again).hasSize(5).allSatisfy(o -> {
            assertThat(o.replayed().getModelVersion()).isEqualTo("v1");
            assertThat(o.verdict().agrees()).isTrue();
            assertThat(o.verdict().pixelDifference()).as("the same version gives the same pixels").isEqualTo(0.0);
        });
        assertThat(Replay.report(toV2, shadow)).contains("versions v1 -> v2: 5", "agreement: 5 of 5", "mean pixel difference");
        Set<String> replayed = new HashSet<>();
        shadow.forEach(o -> replayed.add(o.replayed().getRequestId()));
        again.forEach(o -> replayed.add(o.replayed().getRequestId()));
        assertThat(resultIdsSince(from)).as("live readers of kinfer.results never see a replay").doesNotContainAnyElementsOf(replayed);
        assertThat(jobStatus(replayed.iterator().next())).as("a replay is no client's job").isEqualTo("404");
    }

    @Test
    @Order(2)
    void shouldBoundABatchAndFailFuturesOfJobsThatDidNotSucceed() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 10; i < 30; i++) {
            images.add(image(i));
        }
        images.add(new byte[] {1, 2, 3}); // not an image: that one fails, the rest go on
        AtomicInteger mostWaiting = new AtomicInteger();
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        client.submitAll(MODEL, images.iterator(), Map.of(), 4).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Outcome outcome) {
                mostWaiting.accumulateAndGet(client.waiting(), Math::max);
                outcomes.add(outcome);
            }

            @Override
            public void onError(Throwable failure) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(2, TimeUnit.MINUTES)).isTrue();

        assertThat(outcomes).hasSize(21);
        assertThat(outcomes.stream().filter(Outcome::succeeded)).hasSize(20)
                .allSatisfy(o -> assertThat(o.result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED));
        assertThat(outcomes.stream().filter(o -> o.index() == 20).findFirst().orElseThrow().failure())
                .isInstanceOf(RejectedImageException.class);
        assertThat(mostWaiting.get()).isLessThanOrEqualTo(4);

        ImageRef input = client.upload(image(40));
        CompletableFuture<InferenceResult> badParameter = client.submit(Submission.to(MODEL, List.of(input)).withParams(Map.of("nope", "1")));
        CompletableFuture<InferenceResult> late = client.submit(Submission.to(MODEL, List.of(input)).withDeadline(Instant.now().minusSeconds(1)));
        assertThat(badParameter).failsWithin(Duration.ofSeconds(60)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(JobFailedException.class, f -> assertThat(f.code()).isEqualTo("invalid-parameter"));
        assertThat(late).failsWithin(Duration.ofSeconds(60)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(JobExpiredException.class);

        assertThatThrownBy(() -> client.submit(Submission.to("shadwo", List.of(input)))).as("a mistyped model")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no topic kinfer.requests.shadwo");
        try (Admin admin = Admin.create(stack.kafkaConnection().clientConfig(Map.of()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("made by no one, not even on first use")
                    .doesNotContain(Topics.requests("shadwo"));
        }
    }

    private static void announceStart(String jobId, String version, int batchSize) throws Exception {
        JobStarted started = JobStarted.newBuilder().setRequestId(jobId).setTenant(DevKey.TENANT).setModel(MODEL).setModelVersion(version)
                .setStartedAt(Instant.now()).setQueuedMs(100L).setBatchSize(batchSize).setWorkerId("it").build();
        AvroSerializer<JobStarted> serializer = new AvroSerializer<>(new SchemaRegistryClient(stack.registryUrl()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.kafkaConnection().clientConfig(Map.of()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.PROGRESS, jobId, serializer.serialize(Topics.PROGRESS, started))).get();
        }
    }

    /** A job pinned to v2 succeeds once the worker has loaded it; until then it fails with unknown-model-version. */
    private static boolean workerServesV2() throws Exception {
        String job = submitOverHttp(image(9), Map.of("modelVersion", "v2"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !List.of("PENDING", "RUNNING", "404").contains(jobStatus(job)));
        return jobStatus(job).equals("SUCCEEDED");
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static String submitOverHttp(byte[] png, Map<String, String> fields) throws Exception {
        HttpRequest request = MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/" + MODEL + "/jobs"), fields,
                List.of(new Part("image", "in.png", "image/png", png))).header("X-API-Key", stack.apiKey()).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("jobId").asText();
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
                .header("X-API-Key", stack.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** The job's status as its tenant sees it, or the HTTP status when there is no job document. */
    private static String jobStatus(String id) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/jobs/" + id))
                .header("X-API-Key", stack.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return Integer.toString(response.statusCode());
        }
        JsonNode job = JSON.readTree(response.body());
        return job.path("status").asText();
    }

    private static Set<String> resultIdsSince(Instant from) {
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(stack.kafkaConnection().clientConfig(
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicRange.read(consumer, Topics.RESULTS, from, null, Duration.ofSeconds(30), record -> ids.add(record.key()));
        }
        return ids;
    }

    /** A different flat colour for each {@code n}, so that no request is answered from the result cache. */
    private static byte[] image(int n) throws Exception {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        var graphics = image.createGraphics();
        graphics.setColor(new Color(Math.floorMod(20 * n, 256), Math.floorMod(255 - 7 * n, 256), Math.floorMod(100 + 10 * n, 256)));
        graphics.fillRect(0, 0, 32, 24);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    private static Path modelDir(String version, String artifact) throws Exception {
        Path dir = Files.createDirectories(config.dataDir().resolve("deploy").resolve(version));
        Files.copy(config.home().resolve(TEST_MODELS).resolve(artifact), dir.resolve(artifact));
        Files.writeString(dir.resolve("manifest.json"), """
                {"name": "%s", "version": "%s", "task": "stylize", "engine": "PyTorch", "artifact": "%s", "license": "test",
                 "maxBatchSize": 4}
                """.formatted(MODEL, version, artifact));
        return dir;
    }

    private static ChildProcess service(ChildProcess process) {
        services.add(process);
        return process;
    }
}
