package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kinfer.schemas.KafkaConnection;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The services against a secured cluster: the broker's SASL_PLAINTEXT listener with SCRAM-SHA-256 (a user made with
 * the Admin API) and a schema registry behind HTTP basic auth (a reverse proxy in this test), every setting passed as
 * a deployment would pass it ({@code KINFER_BOOTSTRAP_SERVERS}, {@code KINFER_KAFKA_*}, {@code KINFER_REGISTRY_*}).
 * A job submitted over HTTP is answered by the worker, and its status kept by result-sink (Kafka Streams), all through
 * SASL and the authenticated registry; a wrong password is refused; and no log holds a password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {
    private static final String MODEL = "synthetic";
    private static final String KAFKA_USER = "kinfer-services";
    private static final String KAFKA_PASSWORD = "scram-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    private static final String REGISTRY_USER = "kinfer-registry";
    private static final String REGISTRY_PASSWORD = "registry-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StackConfig config;
    private static LocalStack stack;
    private static BasicAuthProxy registry;
    private static Path modelDir;

    @BeforeAll
    static void startSecuredInfrastructure() throws Exception {
        config = TestStacks.fresh("secured-data");
        stack = LocalStack.startInfrastructure(config, PortGuard.free());
        // The stack's own (PLAINTEXT) listener is the operator's way in: it makes the services' SCRAM user.
        try (Admin admin = Admin.create(stack.kafkaConnection().clientConfig(Map.of()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(KAFKA_USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), KAFKA_PASSWORD))).all().get(30, TimeUnit.SECONDS);
        }
        registry = BasicAuthProxy.start(stack.registryUrl(), REGISTRY_USER, REGISTRY_PASSWORD);
        modelDir = TestStacks.syntheticModel(config, 5, 1);
    }

    @AfterAll
    static void stopInfrastructure() {
        if (stack != null) {
            stack.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void shouldAnswerAJobEndToEndThroughSaslAndAnAuthenticatedRegistry() throws Exception {
        int workerPort = PortGuard.free();
        ChildProcess worker = stack.startWorker("secured-w1", modelDir, workerPort, secured(KAFKA_PASSWORD));
        ChildProcess sink = stack.startSink(secured(KAFKA_PASSWORD));
        worker.awaitReady("http://127.0.0.1:" + workerPort + "/health/ready", Duration.ofMinutes(2));
        sink.awaitReady(stack.sinkUrl() + "/health/ready", Duration.ofMinutes(2));
        int httpPort = PortGuard.free();
        String apiUrl = "http://127.0.0.1:" + httpPort;
        ChildProcess ingest = stack.startIngest(httpPort, secured(KAFKA_PASSWORD));
        ingest.awaitReady(apiUrl + "/health/ready", Duration.ofMinutes(2));

        HttpResponse<String> answered = HTTP.send(MultipartForm.post(URI.create(apiUrl + "/v1/models/" + MODEL + ":predict?timeout=60"),
                Map.of(), List.of(new MultipartForm.Part("image", "a.png", "image/png", png(40, 30))))
                .header("X-API-Key", stack.apiKey()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        JsonNode job = JSON.readTree(answered.body());
        assertThat(job.path("status").asText()).as(answered.body()).isEqualTo("SUCCEEDED");
        assertThat(job.at("/result/timings/workerId").asText()).as("answered by the SASL worker").isEqualTo("secured-w1");
        String jobId = job.path("jobId").asText();
        // result-sink's job status is a Kafka Streams store over the same listener.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(URI.create(stack.sinkUrl() + "/v1/jobs/" + jobId + "?tenant="
                    + DevKey.TENANT)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            assertThat(JSON.readTree(status.body()).path("status").asText()).isEqualTo("SUCCEEDED");
        });

        assertThat(registry.authorized()).as("registry calls that carried the credentials").isPositive();
        assertThat(registry.refused()).as("registry calls without them").isZero();
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("the proxy guards the registry").isEqualTo(401);
    }

    @Test
    @Order(2)
    void shouldRefuseAWrongPassword() throws Exception {
        Map<String, Object> right = clientConfig(KAFKA_PASSWORD);
        try (Admin admin = Admin.create(right)) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isNotBlank();
        }
        try (Admin admin = Admin.create(clientConfig(WRONG_PASSWORD))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }

        int port = PortGuard.free();
        try (ChildProcess worker = stack.startWorker("wrong-password-w1", modelDir, port, secured(WRONG_PASSWORD))) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> refusedByTheBroker(Files.readString(worker.log())));
            HttpResponse<String> ready = health("http://127.0.0.1:" + port + "/health/ready");
            assertThat(ready == null || ready.statusCode() != 200).as("a worker the broker refuses is never ready").isTrue();
        }
    }

    @Test
    @Order(3)
    void shouldKeepEveryPasswordOutOfTheLogs() throws IOException {
        Path logs = config.dataDir().resolve("logs");
        List<Path> files;
        try (var listing = Files.list(logs)) {
            files = listing.filter(Files::isRegularFile).toList();
        }
        assertThat(files.stream().map(f -> f.getFileName().toString()))
                .as("the services of this test wrote logs").contains("inference-secured-w1.log", "result-sink.log",
                        "inference-wrong-password-w1.log")
                .anySatisfy(name -> assertThat(name).startsWith("ingest-api-"));
        String basic = Base64.getEncoder().encodeToString((REGISTRY_USER + ":" + REGISTRY_PASSWORD).getBytes(StandardCharsets.UTF_8));
        for (Path file : files) {
            String text = Files.readString(file);
            assertThat(text).as(file.toString()).doesNotContain(KAFKA_PASSWORD, WRONG_PASSWORD, REGISTRY_PASSWORD, basic);
        }
    }

    /** What a deployment sets to reach this cluster: the SASL listener and the proxied registry. */
    private static Map<String, String> secured(String kafkaPassword) {
        Map<String, String> settings = new HashMap<>();
        settings.put("KINFER_BOOTSTRAP_SERVERS", stack.scramBootstrapServers());
        settings.put("KINFER_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        settings.put("KINFER_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256");
        settings.put("KINFER_KAFKA_SASL_JAAS_CONFIG", jaas(kafkaPassword));
        settings.put("KINFER_REGISTRY_URL", registry.url());
        settings.put("KINFER_REGISTRY_USERNAME", REGISTRY_USER);
        settings.put("KINFER_REGISTRY_PASSWORD", REGISTRY_PASSWORD);
        return settings;
    }

    private static Map<String, Object> clientConfig(String kafkaPassword) {
        return KafkaConnection.fromEnvironment(secured(kafkaPassword)).clientConfig(Map.of());
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + KAFKA_USER + "\" password=\"" + password + "\";";
    }

    /** Kafka's own words for a failed SASL handshake, as a client logs them or as they end the process. */
    private static boolean refusedByTheBroker(String log) {
        return log.contains("SaslAuthenticationException") || log.contains("Authentication failed");
    }

    private static HttpResponse<String> health(String url) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    /**
     * A registry behind HTTP basic auth: answers 401 to a call without the right {@code Authorization: Basic}, and
     * forwards the others to the real registry (method, path, query, body, content headers).
     */
    private static final class BasicAuthProxy implements AutoCloseable {
        private final HttpServer server;
        private final URI target;
        private final String expected;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final AtomicInteger authorized = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();

        private BasicAuthProxy(HttpServer server, URI target, String expected) {
            this.server = server;
            this.target = target;
            this.expected = expected;
        }

        /** @param registryUrl the real registry's Confluent API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7} */
        static BasicAuthProxy start(String registryUrl, String user, String password) throws IOException {
            URI registry = URI.create(registryUrl);
            BasicAuthProxy proxy = new BasicAuthProxy(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                    URI.create(registry.getScheme() + "://" + registry.getRawAuthority()),
                    "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            proxy.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            proxy.server.createContext("/", proxy::handle);
            proxy.server.start();
            return proxy;
        }

        /** The proxied Confluent API's base URL (the real one's path, on the proxy's port). */
        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
        }

        int authorized() {
            return authorized.get();
        }

        int refused() {
            return refused.get();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    refused.incrementAndGet();
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"registry\"");
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                authorized.incrementAndGet();
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()
                                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())))
                        .timeout(Duration.ofSeconds(30))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Content-Type", "Accept")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        forward.header(header, value);
                    }
                }
                HttpResponse<byte[]> answer;
                try {
                    answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                answer.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                exchange.getResponseBody().write(answer.body());
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
