package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.CacheKeys;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka protocol as {@code docs/kafka-protocol.md} documents it, checked by running its examples as written against
 * the real broker, registry, S3 server, result-sink, ingest-api and workers: {@code examples/kafka/kinfer_request.py}
 * (confluent-kafka, avro, boto3, Pillow; no kinfer code) and {@code examples/kafka/kcat.sh} (kcat). A Kafka-native
 * request is a job like any other: PENDING or RUNNING, then SUCCEEDED in {@code GET /v1/jobs/{id}} for its tenant's key, its
 * signed webhook delivered, its result filed in the result cache under the documented {@code cacheKey}.
 */
class KafkaProtocolIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PYTHON_MODULES = "confluent_kafka, avro, boto3, PIL";
    private static final String SLOW = "synthetic";
    private static final String FACES = DemoModels.FACE_DETECTION;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofMinutes(3);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static LocalStack stack;
    private static Path home;
    private static Path cacheDir;
    private static Path work;
    private static final List<ChildProcess> services = new ArrayList<>();
    private static WebhookReceiver receiver;

    @BeforeAll
    static void startStack() throws Exception {
        requireClientTools();
        StackConfig config = TestStacks.fresh("kafka-protocol-data");
        home = config.home();
        cacheDir = config.cacheDir();
        work = Files.createDirectories(config.dataDir().resolve("client"));
        stack = LocalStack.startInfrastructure(config);
        ChildProcess sink = service(stack.startSink(Map.of()));
        ChildProcess ingest = service(stack.startIngest(config.ports().http(), Map.of()));
        int slowPort = PortGuard.free();
        // A batch costs 4 s: long enough to see a Kafka-native job over HTTP before its result.
        ChildProcess slow = service(stack.startWorker("synthetic-1", TestStacks.syntheticModel(config, 4000, 0), slowPort, Map.of()));
        sink.awaitReady(stack.sinkUrl() + "/health/ready", START);
        ingest.awaitReady(stack.apiUrl() + "/health/ready", START);
        ModelsCli.run(stack, "deploy", DemoModels.faceDetection(cacheDir).toString());
        int facesPort = PortGuard.free();
        ChildProcess faces = service(stack.startCatalogWorker("faces-1", FACES, facesPort, Map.of()));
        slow.awaitReady("http://127.0.0.1:" + slowPort + "/health/ready", START);
        faces.awaitReady("http://127.0.0.1:" + facesPort + "/health/ready", START);
        receiver = WebhookReceiver.accepting();
    }

    @AfterAll
    static void stopStack() {
        if (receiver != null) {
            receiver.close();
        }
        services.forEach(ChildProcess::close);
        if (stack != null) {
            stack.close();
        }
    }

    /** Missing tools fail the build, never skip it: {@code .ci/run} installs them. */
    private static void requireClientTools() throws Exception {
        ProcessBuilder kcat = new ProcessBuilder("kcat", "-V").redirectErrorStream(true);
        int kcatExit;
        try {
            Process process = kcat.start();
            process.getInputStream().readAllBytes();
            kcatExit = process.waitFor();
        } catch (IOException e) {
            kcatExit = -1;
        }
        assertThat(kcatExit).as("kcat is needed (Debian package kcat; .ci/run installs it)").isZero();
        Process python = new ProcessBuilder(PYTHON, "-c", "import " + PYTHON_MODULES).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor()).as("%s needs %s (Debian packages python3-confluent-kafka python3-avro python3-boto3 "
                + "python3-pil; .ci/run installs them): %s", PYTHON, PYTHON_MODULES, output).isZero();
    }

    @Test
    void shouldAnswerThePythonExampleForARealPhotoAndFileItUnderTheDocumentedCacheKey() throws Exception {
        byte[] portrait = TestPhotos.astronaut(cacheDir);
        Path photo = Files.write(work.resolve("astronaut.png"), portrait);

        Run run = run(Map.of(), PYTHON, example("kinfer_request.py"), "submit", "--model", FACES, photo.toString());

        assertThat(run.exit()).as(run.describe()).isZero();
        JsonNode result = JSON.readTree(run.out());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("tenant").asText()).isEqualTo(DevKey.TENANT);
        assertThat(result.at("/output/type").asText()).isEqualTo("Detections");
        JsonNode face = result.at("/output/faces/0");
        assertThat(face.at("/box/x").asDouble() + face.at("/box/width").asDouble() / 2).as(run.out()).isBetween(175.0, 275.0);
        assertThat(result.path("cacheKey").asText()).isEqualTo(CacheKeys.of(DevKey.TENANT, FACES, Map.of(), List.of(sha256(portrait))));

        // The same photo over HTTP, for the same tenant: answered from the result the Kafka-native request filed.
        HttpResponse<String> again = HTTP.send(MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/" + FACES + "/jobs"), Map.of(),
                        List.of(new MultipartForm.Part("image", "astronaut.png", "image/png", portrait)))
                .header("X-API-Key", stack.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        JsonNode cached = JSON.readTree(again.body());
        assertThat(cached.path("cached").asBoolean()).as(again.body()).isTrue();
        assertThat(cached.path("jobId").asText()).isEqualTo(result.path("requestId").asText());
    }

    @Test
    void shouldShowAKafkaNativeJobPendingThenSucceededAndDeliverItsSignedWebhook() throws Exception {
        HttpResponse<String> made = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/webhook-secrets"))
                .header("X-API-Key", stack.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"kafka-native\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String secret = JSON.readTree(made.body()).path("secret").asText();
        Path photo = TestPhotos.OPENCV.resolve("messi5.jpg");
        String jobId = "kafka-native-" + UUID.randomUUID();

        Started submitting = start(Map.of(), PYTHON, example("kinfer_request.py"), "submit", "--model", SLOW, "--request-id", jobId,
                "--callback-url", receiver.url("/kafka-native"), "--callback-secret-id", "kafka-native", photo.toString());
        String first = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> jobStatus(jobId), status -> !status.equals("404"));
        Run run = submitting.finish();

        assertThat(first).as("the job's status before its 4 s batch ends (result-sink records requests produced straight to Kafka)")
                .isIn("PENDING", "RUNNING");
        assertThat(run.exit()).as(run.describe()).isZero();
        JsonNode result = JSON.readTree(run.out());
        var size = ImageIO.read(photo.toFile());
        assertThat(result.at("/output/type").asText()).isEqualTo("Embedding");
        assertThat(result.at("/output/vector")).extracting(JsonNode::asDouble).startsWith((double) size.getWidth(), (double) size.getHeight());
        assertThat(result.at("/callback/secretId").asText()).isEqualTo("kafka-native");
        await().atMost(Duration.ofSeconds(30)).until(() -> jobStatus(jobId), "SUCCEEDED"::equals);
        WebhookReceiver.Delivery delivery = await().atMost(Duration.ofSeconds(60)).until(() -> receiver.forJob(jobId), d -> !d.isEmpty())
                .getFirst();
        WebhookVerification.assertSigned(secret, delivery);
        assertThat(delivery.json().path("type").asText()).isEqualTo("job.succeeded");
    }

    @Test
    void shouldAnswerWithStableCodesWhatTheModelCannotRunOrRunInTime() throws Exception {
        Path photo = TestPhotos.OPENCV.resolve("messi5.jpg");

        Run bogus = run(Map.of(), PYTHON, example("kinfer_request.py"), "submit", "--model", SLOW, "--param", "bogus=1", photo.toString());
        Run late = run(Map.of(), PYTHON, example("kinfer_request.py"), "submit", "--model", SLOW, "--deadline-seconds", "0",
                photo.toString());

        assertThat(bogus.exit()).as(bogus.describe()).isEqualTo(3);
        assertThat(JSON.readTree(bogus.out()).path("status").asText()).isEqualTo("FAILED");
        assertThat(JSON.readTree(bogus.out()).at("/error/code").asText()).isEqualTo("invalid-parameter");
        assertThat(late.exit()).as(late.describe()).isEqualTo(3);
        assertThat(JSON.readTree(late.out()).path("status").asText()).isEqualTo("EXPIRED");
        assertThat(JSON.readTree(late.out()).at("/error/code").asText()).isEqualTo("deadline-exceeded");
    }

    @Test
    void shouldAnswerARequestProducedWithKcatAndReadItsResultWithKcat() throws Exception {
        Path photo = TestPhotos.OPENCV.resolve("fruits.jpg");

        Run run = run(Map.of("KINFER_MODEL", SLOW), "bash", example("kcat.sh"), "submit", photo.toString());

        assertThat(run.exit()).as(run.describe()).isZero();
        JsonNode result = JSON.readTree(run.out());
        var size = ImageIO.read(photo.toFile());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.at("/output/vector")).extracting(JsonNode::asDouble).startsWith((double) size.getWidth(), (double) size.getHeight());
    }

    @Test
    void shouldDeadLetterARecordThatIsNoRequestWithTheReasonInHeadersThatKcatShows() throws Exception {
        String key = "garbage-" + UUID.randomUUID();
        Run produced = run(Map.of(), "bash", "-c", "printf 'this is not an Avro record' | kcat -b \"$KINFER_BOOTSTRAP_SERVERS\" -P -t "
                + "kinfer.requests." + SLOW + " -k " + key);
        assertThat(produced.exit()).as(produced.describe()).isZero();

        String letter = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Run read = run(Map.of("KINFER_MODEL", SLOW), "bash", example("kcat.sh"), "dead-letters");
            assertThat(read.exit()).as(read.describe()).isZero();
            return read.out().lines().filter(line -> line.startsWith("key=" + key + " ")).findFirst().orElse("");
        }, line -> !line.isEmpty());

        assertThat(letter).contains("__kinfer.errors.topic=kinfer.requests." + SLOW, "__kinfer.errors.partition=",
                "__kinfer.errors.offset=", "__kinfer.errors.exception.class.name=", "__kinfer.errors.exception.message=")
                .contains("magic byte 0");
    }

    /** The document states the cacheKey rule with a worked example: it must be the value kinfer computes. */
    @Test
    void shouldDocumentTheCacheKeyKinferComputes() throws Exception {
        String doc = Files.readString(home.resolve("docs").resolve("kafka-protocol.md"));
        var params = new LinkedHashMap<String, String>();
        params.put("topK", "5");
        params.put("threshold", "0.5");

        assertThat(doc).contains(CacheKeys.of("t", "m", params, List.of("h")), "examples/kafka/kinfer_request.py", "examples/kafka/kcat.sh");
    }

    private static String jobStatus(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/jobs/" + jobId))
                .header("X-API-Key", stack.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 404 ? "404" : JSON.readTree(response.body()).path("status").asText();
    }

    private static ChildProcess service(ChildProcess process) {
        services.add(process);
        return process;
    }

    private static String example(String file) {
        return home.resolve("examples").resolve("kafka").resolve(file).toString();
    }

    /** What a client process printed, and how it ended. */
    private record Run(int exit, String out, String err) {
        String describe() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private record Started(Process process, Path out, Path err) {
        Run finish() throws IOException, InterruptedException {
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("still running after 3 minutes:\n" + Files.readString(err));
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        }
    }

    private static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        return start(env, command).finish();
    }

    /** Runs a client as a user would: the stack's addresses and credentials in the environment, tenant {@code dev}. */
    private static Started start(Map<String, String> env, String... command) throws IOException {
        int n = RUNS.incrementAndGet();
        Path out = work.resolve("run-" + n + ".out");
        Path err = work.resolve("run-" + n + ".err");
        ProcessBuilder process = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = process.environment();
        environment.put("KINFER_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        environment.put("KINFER_REGISTRY_URL", stack.registryUrl());
        environment.put("KINFER_S3_ENDPOINT", stack.s3Endpoint());
        environment.put("KINFER_S3_ACCESS_KEY", stack.secrets().s3AccessKey());
        environment.put("KINFER_S3_SECRET_KEY", stack.secrets().s3SecretKey());
        environment.put("KINFER_S3_BUCKET", LocalStack.BUCKET);
        environment.put("KINFER_TENANT", DevKey.TENANT);
        environment.putAll(env);
        return new Started(process.start(), out, err);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
