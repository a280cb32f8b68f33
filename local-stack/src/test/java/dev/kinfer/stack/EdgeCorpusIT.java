package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.imaging.TestImages;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad (and awkward but good) input at the HTTP edge: the real ingest-api process over real HTTP, with
 * the real broker, S3 server and registry of the local stack and a worker of the synthetic model. Every refusal
 * must be problem+json with its stable code, never a 5xx, and must leave nothing behind: no object under
 * {@code images/}, no record on any request topic. Every request carries the stack's API key, so that it reaches the
 * check it is about.
 */
class EdgeCorpusIT {
    private static final String MODEL = "synthetic";
    private static final int MAX_IMAGE_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalStack stack;
    private static ChildProcess worker;
    private static ChildProcess ingest;
    private static String apiUrl;

    /** What came back: the status, headers (lower-case names) and body. */
    private record Reply(int status, Map<String, String> headers, String body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase()));
        }
    }

    /** A request of the corpus, sent as it is. */
    @FunctionalInterface
    private interface Send {
        Reply to(String apiUrl) throws Exception;
    }

    /** A multipart part: a field when {@code fileName} is null. */
    private record Part(String name, String fileName, byte[] bytes) {
        static Part file(String name, byte[] bytes) {
            return new Part(name, name + ".bin", bytes);
        }

        static Part field(String name, String value) {
            return new Part(name, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    @BeforeAll
    static void startStack() throws Exception {
        StackConfig config = TestStacks.fresh("edge-data");
        stack = LocalStack.startInfrastructure(config);
        Path modelDir = TestStacks.syntheticModel(config, 1, 1);
        int workerPort = PortGuard.free();
        worker = stack.startWorker("edge-1", modelDir, workerPort, Map.of());
        worker.awaitReady("http://127.0.0.1:" + workerPort + "/health/ready", Duration.ofMinutes(2));

        int httpPort = PortGuard.free();
        apiUrl = "http://127.0.0.1:" + httpPort;
        ingest = stack.startIngest(httpPort, Map.of("KINFER_MAX_IMAGE_BYTES", Integer.toString(MAX_IMAGE_BYTES),
                "KINFER_MAX_FORM_PARTS", "32"));
        ingest.awaitReady(apiUrl + "/health/ready", Duration.ofMinutes(2));
        // The worker creates its request topic and joins its group; ingest-api sees both within its refresh periods.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> submit(MODEL, Part.file("image", png(2, 2, Color.BLUE))).to(apiUrl).status() == 202);
    }

    @AfterAll
    static void stopStack() {
        for (AutoCloseable running : new AutoCloseable[] {ingest, worker, stack}) {
            try {
                if (running != null) {
                    running.close();
                }
            } catch (Exception e) {
                // stopping what is left matters more than this failure
            }
        }
    }

    static Stream<Arguments> corpus() {
        byte[] jpeg = TestImages.encode(TestImages.filled(300, 200, Color.MAGENTA), "jpeg");
        byte[] png = png(16, 16, Color.GREEN);
        List<Arguments> cases = new ArrayList<>(List.of(
                // accepted: awkward but real images
                accepted("1x1 PNG", submit(MODEL, Part.file("image", png(1, 1, Color.RED))), "1x1"),
                accepted("10000x3 PNG", submit(MODEL, Part.file("image", png(10_000, 3, Color.GRAY))), "10000x3"),
                accepted("16-bit PNG", submit(MODEL, Part.file("image", TestImages.png16(20, 10, 0xFFFF, 0x8000, 1000))), "20x10"),
                accepted("grey PNG", submit(MODEL, Part.file("image", TestImages.grey(9, 7, 8, 128))), "9x7"),
                accepted("palette PNG with transparency", submit(MODEL, Part.file("image", TestImages.paletteWithTransparency(8, 6))),
                        "8x6"),
                accepted("CMYK JPEG", submit(MODEL, Part.file("image", TestImages.cmykJpeg(24, 16, 0, 255, 255, 0))), "24x16"),
                accepted("EXIF-rotated JPEG: stored 40x20, upright 20x40", submit(MODEL, Part.file("image",
                        TestImages.withExifOrientation(TestImages.encode(TestImages.filled(40, 20, Color.ORANGE), "jpeg"), 6))), "20x40"),
                accepted("GIF", submit(MODEL, Part.file("image", TestImages.encode(TestImages.filled(12, 9, Color.CYAN), "gif"))), "12x9"),
                accepted("BMP", submit(MODEL, Part.file("image", TestImages.encode(TestImages.filled(13, 9, Color.PINK), "bmp"))), "13x9"),
                accepted("TIFF", submit(MODEL, Part.file("image", TestImages.encode(TestImages.filled(14, 9, Color.YELLOW), "tiff"))),
                        "14x9"),
                accepted("WebP", submit(MODEL, Part.file("image", TestImages.webp(15, 9, Color.GREEN))), "15x9"),
                accepted("progressive JPEG", submit(MODEL, Part.file("image",
                        TestImages.progressiveJpeg(TestImages.quadrants(33, 17)))), "33x17"),
                accepted("JPEG with restart markers", submit(MODEL, Part.file("image",
                        TestImages.jpegWithRestarts(TestImages.quadrants(35, 17), 1))), "35x17"),
                accepted("JPEG with bytes after its EOI marker", submit(MODEL, Part.file("image",
                        Arrays.copyOf(jpeg, jpeg.length + 64))), "300x200"),
                // The synthetic model takes no parameters: a param.* field would make the worker fail the job.
                accepted("JPEG with callback and model version", submit(MODEL, Part.field("callbackUrl", "http://127.0.0.1:9/hook"),
                        Part.field("modelVersion", "1"), Part.file("image", jpeg)), "300x200"),

                // accepted, then failed by the worker: ingest-api decodes no JPEG or PNG, it checks their structure, so damage
                // only a decode finds, under an intact structure, fails the job when the worker decodes the image
                failedLater("JPEG whose scan is cut short, its EOI kept", submit(MODEL, Part.file("image",
                        TestImages.withScanCutShort(TestImages.encode(TestImages.quadrants(48, 32), "jpeg")))), "48x32", "invalid-image"),
                failedLater("PNG with a broken zlib stream, its CRCs intact", submit(MODEL, Part.file("image",
                        TestImages.withBrokenZlibStream(png(40, 24, Color.RED)))), "40x24", "invalid-image"),

                // refused images
                refused("not an image", submit(MODEL, Part.file("image", "just some notes".getBytes(StandardCharsets.UTF_8))),
                        415, "unsupported-image"),
                refused("SVG", submit(MODEL, Part.file("image", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"9\" height=\"9\"/>"
                        .getBytes(StandardCharsets.UTF_8))), 415, "unsupported-image"),
                refused("empty image", submit(MODEL, Part.file("image", new byte[0])), 400, "empty-image"),
                refused("truncated JPEG", submit(MODEL, Part.file("image", Arrays.copyOf(jpeg, jpeg.length / 2))), 400, "corrupt-image"),
                refused("PNG with a flipped CRC byte", submit(MODEL, Part.file("image", TestImages.withFlippedCrc(png))),
                        400, "corrupt-image"),
                refused("decompression bomb: 50000x50000 PNG header", submit(MODEL, Part.file("image",
                        TestImages.pngDeclaring(50_000, 50_000))), 413, "image-too-many-pixels"),
                refused("image over the byte limit", submit(MODEL, Part.file("image", new byte[MAX_IMAGE_BYTES + 1])),
                        413, "image-too-large"),
                refused("body over the request limit, by Content-Length", EdgeCorpusIT::announcedHugeBody, 413, "image-too-large"),
                refused("body over the request limit, chunked", EdgeCorpusIT::chunkedHugeBody, 413, "image-too-large"),
                refused("good image with a corrupt second image", submit(MODEL, Part.file("image", png(5, 5, Color.ORANGE)),
                        Part.file("style", Arrays.copyOf(jpeg, jpeg.length / 3))), 400, "corrupt-image"),

                // refused model names
                refused("unknown model", submit("no-such-model", Part.file("image", png)), 404, "unknown-model"),
                refused("over-long model name", submit("m".repeat(200), Part.file("image", png)), 400, "invalid-model-name"),
                refused("path-traversing model name", submit("..%2F..%2Fetc", Part.file("image", png)), 400, "invalid-model-name"),
                refused("upper-case model name", submit("Synthetic", Part.file("image", png)), 400, "invalid-model-name"),

                // refused forms
                refused("missing image part", submit(MODEL, Part.field("callbackUrl", "http://127.0.0.1:9/hook")), 400, "missing-image"),
                refused("image sent as a field", submit(MODEL, Part.field("image", "iVBORw0KGgo=")), 400, "missing-image"),
                refused("two image parts", submit(MODEL, Part.file("image", png), Part.file("image", png)), 400, "too-many-images"),
                refused("style and reference", submit(MODEL, Part.file("image", png), Part.file("style", png), Part.file("reference", png)),
                        400, "too-many-images"),
                refused("extra unknown file part", submit(MODEL, Part.file("image", png), Part.file("imagee", png)), 400, "unknown-part"),
                refused("too many fields", submit(MODEL, manyFields(40, png)), 400, "too-many-fields"),
                refused("invalid model version", submit(MODEL, Part.field("modelVersion", "../1"), Part.file("image", png)),
                        400, "invalid-model-version"),
                refused("over-long model version", submit(MODEL, Part.field("modelVersion", "v".repeat(100)), Part.file("image", png)),
                        400, "invalid-model-version"),
                refused("ftp callback URL", submit(MODEL, Part.field("callbackUrl", "ftp://example.org/x"), Part.file("image", png)),
                        400, "invalid-callback-url"),
                refused("callback URL without a host", submit(MODEL, Part.field("callbackUrl", "http:///hook"), Part.file("image", png)),
                        400, "invalid-callback-url"),
                refused("over-long callback URL", submit(MODEL, Part.field("callbackUrl", "http://example.org/" + "a".repeat(3000)),
                        Part.file("image", png)), 400, "invalid-callback-url"),
                refused("callback URL with credentials", submit(MODEL, Part.field("callbackUrl", "http://user:pw@example.org/"),
                        Part.file("image", png)), 400, "invalid-callback-url"),
                refused("relative callback URL", submit(MODEL, Part.field("callbackUrl", "/hook"), Part.file("image", png)),
                        400, "invalid-callback-url"),

                // refused bodies and requests
                refused("multipart without a boundary", post(MODEL, "multipart/form-data", multipart("b", Part.file("image", png))),
                        400, "invalid-multipart"),
                refused("multipart with the wrong boundary", post(MODEL, "multipart/form-data; boundary=other",
                        multipart("b", Part.file("image", png))), 400, "invalid-multipart"),
                refused("multipart without its closing delimiter", post(MODEL, "multipart/form-data; boundary=b",
                        Arrays.copyOf(multipart("b", Part.file("image", png)), png.length / 2 + 60)), 400, "invalid-multipart"),
                refused("body shorter than its Content-Length", EdgeCorpusIT::cutShortBody, 400, "invalid-multipart"),
                // JSON bodies name presigned uploads; an image inline in JSON is not one of its fields.
                refused("an image inline in JSON", post(MODEL, "application/json", "{\"image\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
                        400, "invalid-json"),
                refused("JSON that is not JSON", post(MODEL, "application/json", "image=x".getBytes(StandardCharsets.UTF_8)),
                        400, "invalid-json"),
                refused("URL-encoded form", post(MODEL, "application/x-www-form-urlencoded", "image=x".getBytes(StandardCharsets.UTF_8)),
                        415, "multipart-required"),
                refused("GET on the submission route", request("GET", "/v1/models/" + MODEL + "/jobs"), 405, "method-not-allowed"),
                refused("DELETE on the model list", request("DELETE", "/v1/models"), 405, "method-not-allowed"),
                refused("unknown route", request("GET", "/v1/nothing-here"), 404, "not-found"),
                refused("over-long URI", request("GET", "/v1/jobs/" + "j".repeat(10_000)), 414, "uri-too-long"),
                refused("over-long header", api -> send(HttpRequest.newBuilder(URI.create(api + "/v1/models"))
                        .header("X-Padding", "p".repeat(10_000)).GET()), 431, "headers-too-large"),
                refused("over-long job id", request("GET", "/v1/jobs/" + "j".repeat(200)), 400, "invalid-job-id"),
                refused("job id with odd characters", request("GET", "/v1/jobs/a%20b%3Bc"), 400, "invalid-job-id")));
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}: {2} {3}")
    @MethodSource("corpus")
    void shouldAnswerEveryInputWithItsStatusAndCodeAndStoreNothingItRefuses(String name, Send send, int status, String code,
                                                                           String uprightSize) throws Exception {
        long imagesBefore = storedImages();
        long requestsBefore = requestRecords();

        Reply reply = send.to(apiUrl);

        assertThat(reply.status()).as(name + ": " + reply.body()).isEqualTo(status);
        if (status == 202) {
            String jobId = JSON.readTree(reply.body()).path("jobId").asText();
            var input = awaitRecord("kinfer.requests." + MODEL, jobId, InferenceRequest.class).getInputs().getFirst();
            assertThat(input.getWidth() + "x" + input.getHeight()).as(name + ": the size the request declares").isEqualTo(uprightSize);
            // The worker decodes the stored bytes itself and fails a request whose image is not the declared size.
            InferenceResult result = awaitRecord("kinfer.results", jobId, InferenceResult.class);
            if (code == null) {
                assertThat(result.getStatus()).as(name + ": " + result).isEqualTo(ResultStatus.SUCCEEDED);
            } else {
                assertThat(result.getStatus()).as(name + ": " + result).isEqualTo(ResultStatus.FAILED);
                assertThat(result.getError().getCode()).as(name + ": " + result).isEqualTo(code);
            }
            return;
        }
        assertThat(reply.header("Content-Type")).as(name).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(reply.body());
        assertThat(problem.path("code").asText()).as(name + ": " + reply.body()).isEqualTo(code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        if (status == 405) {
            assertThat(reply.header("Allow")).as(name).hasValueSatisfying(allow -> assertThat(allow).isNotBlank());
        }
        assertThat(storedImages()).as(name + ": objects under images/").isEqualTo(imagesBefore);
        assertThat(requestRecords()).as(name + ": records on the request topics").isEqualTo(requestsBefore);
    }

    @ParameterizedTest(name = "{0} allows {1}")
    @MethodSource("allowed")
    void shouldNameTheAllowedMethodsOfARoute(String path, String allowed) throws Exception {
        assertThat(request("PUT", path).to(apiUrl).header("Allow")).hasValue(allowed);
    }

    static Stream<Arguments> allowed() {
        return Stream.of(Arguments.of("/v1/models/" + MODEL + "/jobs", "POST"), Arguments.of("/v1/models", "GET"),
                Arguments.of("/v1/jobs/abc", "GET"));
    }

    private static Arguments accepted(String name, Send send, String uprightSize) {
        return Arguments.of(name, send, 202, null, uprightSize);
    }

    /** Accepted with 202, its request declaring {@code uprightSize}, and then FAILED by the worker with {@code code}. */
    private static Arguments failedLater(String name, Send send, String uprightSize, String code) {
        return Arguments.of(name, send, 202, code, uprightSize);
    }

    private static Arguments refused(String name, Send send, int status, String code) {
        return Arguments.of(name, send, status, code, null);
    }

    private static Part[] manyFields(int fields, byte[] image) {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < fields; i++) {
            parts.add(Part.field("param.p" + i, "v"));
        }
        parts.add(Part.file("image", image));
        return parts.toArray(Part[]::new);
    }

    private static Send submit(String model, Part... parts) {
        String boundary = "kinfer-" + UUID.randomUUID();
        return post(model, "multipart/form-data; boundary=" + boundary, multipart(boundary, parts));
    }

    private static byte[] multipart(String boundary, Part... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            String disposition = "form-data; name=\"" + part.name() + "\""
                    + (part.fileName() == null ? "" : "; filename=\"" + part.fileName() + "\"\r\nContent-Type: application/octet-stream");
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static Send post(String model, String contentType, byte[] body) {
        return api -> send(HttpRequest.newBuilder(URI.create(api + "/v1/models/" + model + "/jobs")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static Send request(String method, String path) {
        return api -> send(HttpRequest.newBuilder(URI.create(api + path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private static Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.header("X-API-Key", stack.apiKey()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(", ", values)));
        return new Reply(response.statusCode(), headers, response.body());
    }

    /** Headers announcing 8 MiB, then no body: refused from the Content-Length alone. */
    private static Reply announcedHugeBody(String api) throws IOException {
        return raw(api, "POST /v1/models/" + MODEL + "/jobs HTTP/1.1\r\nHost: x\r\nX-API-Key: " + stack.apiKey()
                + "\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: " + (8 << 20) + "\r\nConnection: close\r\n\r\n", new byte[0], false);
    }

    /** A chunked body with no Content-Length that grows past the limit while the form is parsed. */
    private static Reply chunkedHugeBody(String api) throws IOException {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        byte[] head = "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"big\"\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        chunks.writeBytes((Integer.toHexString(head.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        chunks.writeBytes(head);
        chunks.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] filler = new byte[64 * 1024];
        for (int i = 0; i < (4 * MAX_IMAGE_BYTES) / filler.length; i++) {
            chunks.writeBytes((Integer.toHexString(filler.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunks.writeBytes(filler);
            chunks.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunks.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return raw(api, "POST /v1/models/" + MODEL + "/jobs HTTP/1.1\r\nHost: x\r\nX-API-Key: " + stack.apiKey()
                + "\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunks.toByteArray(), false);
    }

    /** A Content-Length of 1000 with 100 bytes sent, then the client stops sending. */
    private static Reply cutShortBody(String api) throws IOException {
        byte[] body = Arrays.copyOf("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a\"\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxx"
                .getBytes(StandardCharsets.UTF_8), 100);
        return raw(api, "POST /v1/models/" + MODEL + "/jobs HTTP/1.1\r\nHost: x\r\nX-API-Key: " + stack.apiKey()
                + "\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 1000\r\nConnection: close\r\n\r\n", body, true);
    }

    /**
     * Sends bytes no HTTP client library would send. The server may answer before reading everything, so a failed
     * write is not the end: the answer is read all the same.
     */
    private static Reply raw(String api, String head, byte[] body, boolean halfClose) throws IOException {
        URI uri = URI.create(api);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            try {
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException refusedMidway) {
                // the server answered and closed while the body was still being sent
            }
            return parse(socket.getInputStream());
        }
    }

    private static Reply parse(InputStream in) throws IOException {
        String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        int end = response.indexOf("\r\n\r\n");
        String[] lines = response.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        String body = response.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body.getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static long storedImages() {
        MinioClient s3 = MinioClient.builder().endpoint(stack.s3Endpoint())
                .credentials(stack.secrets().s3AccessKey(), stack.secrets().s3SecretKey()).build();
        return StreamSupport.stream(s3.listObjects(ListObjectsArgs.builder().bucket(LocalStack.BUCKET).prefix("images/").recursive(true)
                .build()).spliterator(), false).count();
    }

    /** The record of {@code key} on {@code topic}, read from the start as a read_committed client would. */
    private static <T extends SpecificRecord> T awaitRecord(String topic, String key, Class<T> type) {
        AvroDeserializer<T> values = new AvroDeserializer<>(new SchemaRegistryClient(stack.registryUrl()), type);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return values.deserialize(topic, record.value());
                    }
                }
                return null;
            }, found -> found != null);
        }
    }

    /** The end offsets of every request topic together (any model: a refused name must reach none). */
    private static long requestRecords() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.listTopics().values().stream().flatMap(List::stream)
                    .filter(p -> p.topic().startsWith("kinfer.requests.") && !p.topic().endsWith(".dlq"))
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static byte[] png(int width, int height, Color colour) {
        return TestImages.encode(TestImages.filled(width, height, colour), "png");
    }
}
