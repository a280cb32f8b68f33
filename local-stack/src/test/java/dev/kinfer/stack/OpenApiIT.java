package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.stack.MultipartForm.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ingest-api's OpenAPI document against the real service, on the stack as {@code ./kinfer up} starts it: every route
 * the server answers is in the document (its router is checked at start-up, and this reads the verdict from its log),
 * every documented operation is answered, and real answers (a 202 submission, :predict's 200 and 202, job documents
 * of every output kind and of a failed job, its events, problem+json refusals, the model list, metrics, health)
 * validate against the document: status, content type, required headers and JSON Schema. {@code /docs} serves
 * Swagger UI from the service itself.
 */
class OpenApiIT {
    private static final Path PHOTOS = TestPhotos.OPENCV;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<String, String> NO_CACHE = Map.of("Cache-Control", "no-cache");
    /** What ApiDocs logs at start when every route Javalin holds is in the document. */
    private static final String ALL_DOCUMENTED = "openapi.json documents every route served";
    /**
     * Documented operations ingest-api does not serve yet (being built): each may answer "no such route" until it is;
     * once it answers, its answers are checked like any other's.
     */
    /** Sample values for path parameters when every documented operation is called. */
    private static final Map<String, String> SAMPLES = Map.of("model", "detect-faces", "id", "no-such-job", "version", "no-such-version");

    private static StackConfig config;
    private static LocalStack stack;
    private static OpenApiContract contract;

    @BeforeAll
    static void startStack() throws Exception {
        config = TestStacks.fresh("openapi-data");
        stack = LocalStack.start(config);
        HttpResponse<String> document = send(HttpRequest.newBuilder(uri("/openapi.json")));
        assertThat(document.statusCode()).as(document.body()).isEqualTo(200);
        contract = new OpenApiContract(document.body());
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Every request to ingest-api goes through here: the one place its credential (the stack's development key) is added. */
    private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return stack.apiKey() == null ? request : request.header("Authorization", "Bearer " + stack.apiKey());
    }

    @Test
    void shouldServeAnOpenApi31DocumentThatDescribesItself() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/openapi.json")));

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(contract.document().path("openapi").asText()).isEqualTo("3.1.0");
        assertDocumented(response);
    }

    @Test
    void shouldHaveCheckedAtStartThatEveryRouteItServesIsDocumented() throws IOException {
        Path log = config.dataDir().resolve("logs").resolve("ingest-api.log");

        String lines = Files.readString(log);

        assertThat(lines).as("ingest-api's log: ApiDocs checks the router's routes against openapi.json at start")
                .contains(ALL_DOCUMENTED).doesNotContain("missing from openapi.json");
    }

    @Test
    void shouldAnswerEveryDocumentedOperationAsTheDocumentSays() throws Exception {
        List<String> notServed = new ArrayList<>();
        List<String> problems = new ArrayList<>();

        for (OpenApiContract.Operation operation : contract.operations()) {
            String path = operation.template();
            for (Map.Entry<String, String> sample : SAMPLES.entrySet()) {
                path = path.replace("{" + sample.getKey() + "}", sample.getValue());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .method(operation.method(), HttpRequest.BodyPublishers.noBody());
            HttpResponse<String> response = send(request);
            if (isNoRoute(response)) {
                notServed.add(operation.toString());
            } else {
                problems.addAll(contract.check(operation.method(), response.request().uri(), response));
            }
        }

        assertThat(notServed).as("documented operations the server has no route for").isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldDescribeASubmissionItsJobAndTheJobsEvents() throws Exception {
        HttpResponse<String> accepted = submit("/v1/models/detect-faces/jobs", NO_CACHE, Map.of(), photo("messi5.jpg"));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertDocumented(accepted);
        String self = accepted.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> finished = send(HttpRequest.newBuilder(uri(self + "?wait=60")));
        assertThat(JSON.readTree(finished.body()).path("status").asText()).as(finished.body()).isEqualTo("SUCCEEDED");
        assertDocumented(finished);
        // result-sink's document of it, once folded in: GET answers whichever knows the job
        String jobId = JSON.readTree(accepted.body()).path("jobId").asText();
        HttpResponse<String> fromSink = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(HttpRequest.newBuilder(uri("/v1/jobs/" + jobId))), r -> r.statusCode() == 200);
        assertDocumented(fromSink);

        HttpResponse<String> events = send(HttpRequest.newBuilder(uri("/v1/jobs/" + jobId + "/events")).timeout(Duration.ofSeconds(60)));
        assertDocumented(events);
        List<String> data = events.body().lines().filter(line -> line.startsWith("data:")).map(line -> line.substring(5).strip()).toList();
        assertThat(data).isNotEmpty();
        for (String document : data) {
            assertThat(contract.violations("#/components/schemas/JobDocument", JSON.readTree(document))).as(document).isEmpty();
        }
    }

    @Test
    void shouldDescribePredictionsAnsweredAtOnceFromTheCacheAndAfterTheWait() throws Exception {
        List<Part> baboon = photo("baboon.jpg");

        HttpResponse<String> answered = submit("/v1/models/detect-faces:predict", Map.of(), Map.of(), baboon);
        HttpResponse<String> cached = submit("/v1/models/detect-faces:predict", Map.of(), Map.of(), baboon);
        HttpResponse<String> cachedJob = submit("/v1/models/detect-faces/jobs", Map.of(), Map.of(), baboon);
        HttpResponse<String> pending = submit("/v1/models/detect-faces:predict?timeout=0", NO_CACHE, Map.of(), baboon);

        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(JSON.readTree(cached.body()).path("cached").asBoolean()).as(cached.body()).isTrue();
        assertThat(cachedJob.statusCode()).as(cachedJob.body()).isEqualTo(200);
        assertThat(pending.statusCode()).as(pending.body()).isEqualTo(202);
        for (HttpResponse<String> response : List.of(answered, cached, cachedJob, pending)) {
            assertDocumented(response);
        }
    }

    @Test
    void shouldDescribeAnUploadAndTheJsonSubmissionThatNamesIt() throws Exception {
        HttpResponse<String> upload = send(HttpRequest.newBuilder(uri("/v1/uploads")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        assertDocumented(upload);
        JsonNode slot = JSON.readTree(upload.body());
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(slot.path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(PHOTOS.resolve("messi5.jpg")))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        HttpResponse<String> answered = send(HttpRequest.newBuilder(uri("/v1/models/detect-faces:predict?timeout=120"))
                .header("Content-Type", "application/json").header("Cache-Control", "no-cache")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"upload\": \"" + slot.path("uploadId").asText()
                        + "\"}], \"params\": {\"threshold\": 0.5}}")));
        HttpResponse<String> taken = send(HttpRequest.newBuilder(uri("/v1/models/detect-faces/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"upload\": \"" + slot.path("uploadId").asText() + "\"}]}")));
        HttpResponse<String> invalid = send(HttpRequest.newBuilder(uri("/v1/models/detect-faces/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"image\": \"x\"}")));

        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(JSON.readTree(taken.body()).path("code").asText()).as("an upload serves one job").isEqualTo("unknown-upload");
        assertThat(JSON.readTree(invalid.body()).path("code").asText()).isEqualTo("invalid-json");
        for (HttpResponse<String> response : List.of(answered, taken, invalid)) {
            assertDocumented(response);
        }
    }

    @Test
    void shouldDescribeAnIdempotentRetryAndAReusedKey() throws Exception {
        String key = "openapi-it-" + System.nanoTime();
        Map<String, String> keyed = Map.of("Idempotency-Key", key, "Cache-Control", "no-cache");

        HttpResponse<String> first = submit("/v1/models/detect-faces/jobs", keyed, Map.of(), photo("aero1.jpg"));
        HttpResponse<String> retry = submit("/v1/models/detect-faces/jobs", keyed, Map.of(), photo("aero1.jpg"));
        HttpResponse<String> reused = submit("/v1/models/detect-faces/jobs", keyed, Map.of(), photo("aero3.jpg"));

        assertThat(first.statusCode()).as(first.body()).isIn(200, 202);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(retry.body()).path("jobId")).isEqualTo(JSON.readTree(first.body()).path("jobId"));
        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(409);
        for (HttpResponse<String> response : List.of(first, retry, reused)) {
            assertDocumented(response);
        }
    }

    @Test
    void shouldDescribeTheResultOfEveryKindOfModelAndAFailedJob() throws Exception {
        byte[] astronaut = TestPhotos.astronaut(config.cacheDir());
        byte[] face = png(ImageIO.read(new java.io.ByteArrayInputStream(astronaut)).getSubimage(160, 55, 130, 150));
        byte[] small = png(ImageIO.read(PHOTOS.resolve("fruits.jpg").toFile()).getSubimage(0, 0, 64, 48));
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();

        answers.put("detections", predict("detect-faces", Map.of(), List.of(new Part("image", "a.png", "image/png", astronaut))));
        answers.put("embedding", predict("embed-face", Map.of(), List.of(new Part("image", "face.png", "image/png", face))));
        answers.put("verification", predict("verify-face", Map.of(), List.of(new Part("image", "a.png", "image/png", face),
                new Part("reference", "b.png", "image/png", face))));
        answers.put("image (upscale)", predict("upscale", Map.of(), List.of(new Part("image", "small.png", "image/png", small))));
        answers.put("image (style transfer)", predict("style-transfer", Map.of(), List.of(new Part("image", "small.png", "image/png", small),
                new Part("style", "style.jpg", "image/jpeg", Files.readAllBytes(PHOTOS.resolve("starry_night.jpg"))))));
        // A photo without a face: the job fails (no-face), a 200 whose document says FAILED.
        answers.put("failed", predict("verify-face", Map.of(), List.of(new Part("image", "fruits.jpg", "image/jpeg",
                Files.readAllBytes(PHOTOS.resolve("fruits.jpg"))))));

        Map<String, String> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, HttpResponse<String>> answer : answers.entrySet()) {
            assertThat(answer.getValue().statusCode()).as(answer.getKey() + ": " + answer.getValue().body()).isEqualTo(200);
            assertDocumented(answer.getValue());
            JsonNode job = JSON.readTree(answer.getValue().body());
            outputs.put(answer.getKey(), job.path("status").asText() + " " + job.at("/result/output/type").asText(job.at("/result/error/code").asText()));
        }
        assertThat(outputs).containsEntry("detections", "SUCCEEDED detections").containsEntry("embedding", "SUCCEEDED embedding")
                .containsEntry("verification", "SUCCEEDED verification").containsEntry("image (upscale)", "SUCCEEDED image")
                .containsEntry("image (style transfer)", "SUCCEEDED image").containsEntry("failed", "FAILED no-face");
    }

    @Test
    void shouldDescribeEveryRefusalAsTheProblemItIs() throws Exception {
        byte[] jpeg = Files.readAllBytes(PHOTOS.resolve("fruits.jpg"));
        Map<String, HttpResponse<String>> refusals = new LinkedHashMap<>();

        refusals.put("unknown-model", submit("/v1/models/no-such-model/jobs", Map.of(), Map.of(), List.of(new Part("image", "f.jpg", "image/jpeg", jpeg))));
        refusals.put("corrupt-image", submit("/v1/models/detect-faces/jobs", NO_CACHE, Map.of(),
                List.of(new Part("image", "cut.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)))));
        refusals.put("unsupported-image", submit("/v1/models/detect-faces:predict", NO_CACHE, Map.of(),
                List.of(new Part("image", "notes.txt", "text/plain", "not an image".getBytes(StandardCharsets.UTF_8)))));
        refusals.put("missing-image", submit("/v1/models/detect-faces/jobs", Map.of(), Map.of("param.threshold", "0.5"), List.of()));
        refusals.put("invalid-callback-url", submit("/v1/models/detect-faces/jobs", Map.of(), Map.of("callbackUrl", "ftp://example.org/x"),
                List.of(new Part("image", "f.jpg", "image/jpeg", jpeg))));
        refusals.put("invalid-model-name", submit("/v1/models/No_Such/jobs", Map.of(), Map.of(), List.of(new Part("image", "f.jpg", "image/jpeg", jpeg))));
        refusals.put("multipart-required", send(HttpRequest.newBuilder(uri("/v1/models/detect-faces:predict"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("an image, honestly"))));
        refusals.put("invalid-job-id", send(HttpRequest.newBuilder(uri("/v1/jobs/bad%20id"))));
        refusals.put("invalid-wait", send(HttpRequest.newBuilder(uri("/v1/jobs/some-job?wait=soon"))));
        refusals.put("unknown-job", send(HttpRequest.newBuilder(uri("/v1/jobs/no-such-job"))));
        refusals.put("not-found", submit("/v1/models/detect-faces:explain", Map.of(), Map.of(), List.of(new Part("image", "f.jpg", "image/jpeg", jpeg))));

        Map<String, String> codes = new LinkedHashMap<>();
        for (Map.Entry<String, HttpResponse<String>> refusal : refusals.entrySet()) {
            HttpResponse<String> response = refusal.getValue();
            codes.put(refusal.getKey(), JSON.readTree(response.body()).path("code").asText());
            assertThat(response.headers().firstValue("Content-Type")).as(refusal.getKey())
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            if (refusal.getKey().equals("not-found")) {
                // POST /v1/models/{model}:explain is no documented operation; its answer is still a Problem
                assertThat(contract.violations("#/components/schemas/Problem", JSON.readTree(response.body()))).isEmpty();
            } else {
                assertDocumented(response);
            }
        }
        codes.forEach((expected, code) -> assertThat(code).as(expected).isEqualTo(expected));
    }

    @Test
    void shouldAnswerNoRouteAndAWrongMethodWithProblemsToo() throws Exception {
        HttpResponse<String> noRoute = send(HttpRequest.newBuilder(uri("/v2/nothing")));
        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(uri("/v1/models")).DELETE());

        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
        for (HttpResponse<String> response : List.of(noRoute, wrongMethod)) {
            assertThat(contract.violations("#/components/schemas/Problem", JSON.readTree(response.body()))).as(response.body()).isEmpty();
        }
    }

    @Test
    void shouldDescribeTheModelsMetricsAndHealth() throws Exception {
        HttpResponse<String> models = send(HttpRequest.newBuilder(uri("/v1/models")));

        assertThat(JSON.readTree(models.body()).path("models").toString()).contains("detect-faces");
        assertDocumented(models);
        for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)));
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertDocumented(response);
        }
    }

    @Test
    void shouldDescribeAModelAsTheDocumentSays() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/models/detect-faces")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertDocumented(response);
        assertDocumented(send(HttpRequest.newBuilder(uri("/v1/models/no-such-model"))));
    }

    @Test
    void shouldDescribeTheRefusalOfARequestWithoutCredentials() throws Exception {
        URI models = uri("/v1/models");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        assertDocumented(response);
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> document = HTTP.send(HttpRequest.newBuilder(uri("/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> docs = HTTP.send(HttpRequest.newBuilder(uri("/docs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(List.of(health.statusCode(), document.statusCode(), docs.statusCode())).containsOnly(200);
    }

    @Test
    void shouldServeInteractiveDocsFromTheServiceItselfWithNoOtherOrigin() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/docs")));

        assertDocumented(page);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'").doesNotContain("http:").doesNotContain("https:"));
        List<String> assets = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)\\s*=\\s*[\"']([^\"']*)[\"']").matcher(page.body());
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).isNotEmpty().allSatisfy(asset -> assertThat(asset).as("same-origin, relative")
                .doesNotContain("://").doesNotStartWith("//").doesNotStartWith("data:"));
        assertThat(assets).anySatisfy(asset -> assertThat(asset).contains("swagger-ui-bundle.js"));
        for (String asset : assets) {
            HttpResponse<String> file = send(HttpRequest.newBuilder(uri("/docs").resolve(asset)));
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
        }
        HttpResponse<byte[]> bundle = HTTP.send(authorized(HttpRequest.newBuilder(uri("/docs/assets/swagger-ui-bundle.js"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("javascript"));
        assertThat(new String(bundle.body(), StandardCharsets.UTF_8)).contains("SwaggerUIBundle");
    }

    @Test
    void shouldCatchAnswersTheDocumentDoesNotDescribe() throws Exception {
        HttpResponse<String> models = send(HttpRequest.newBuilder(uri("/v1/models")));
        HttpResponse<String> accepted = submit("/v1/models/detect-faces/jobs", NO_CACHE, Map.of(), photo("fruits.jpg"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        HttpHeaders withoutLocation = HttpHeaders.of(accepted.headers().map(), (name, value) -> !name.equalsIgnoreCase("Location"));

        assertThat(contract.check("GET", uri("/v1/jobs/some-job"), models)).as("a model list is no job document")
                .anySatisfy(problem -> assertThat(problem).contains("#/components/schemas/JobDocument"));
        assertThat(contract.check("GET", uri("/v1/models"), new Answer(418, models.headers(), models.body(), models.request())))
                .as("an undocumented status falls to `default`, a problem").anySatisfy(problem -> assertThat(problem).contains("content type"));
        assertThat(contract.check("POST", accepted.request().uri(), new Answer(202, withoutLocation, accepted.body(), accepted.request())))
                .anySatisfy(problem -> assertThat(problem).contains("required header Location missing"));
        assertThat(contract.check("DELETE", uri("/v1/models"), models)).anySatisfy(problem -> assertThat(problem).contains("no documented operation"));
    }

    /** A response as a test makes one up, to see that the contract refuses it. */
    private record Answer(int statusCode, HttpHeaders headers, String body, HttpRequest request) implements HttpResponse<String> {
        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

    /** The answer Javalin gives a request no route takes: 404 {@code not-found}, or 405 for a path with other methods. */
    private static boolean isNoRoute(HttpResponse<String> response) throws IOException {
        if (response.statusCode() == 405) {
            return true;
        }
        if (response.statusCode() != 404 || !response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return false;
        }
        return JSON.readTree(response.body()).path("code").asText().equals("not-found");
    }

    private static void assertDocumented(HttpResponse<String> response) {
        assertThat(contract.check(response.request().method(), response.request().uri(), response))
                .as("%s %s -> %d %s", response.request().method(), response.request().uri(), response.statusCode(), response.body())
                .isEmpty();
    }

    private static URI uri(String pathAndQuery) {
        return URI.create(stack.apiUrl() + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(authorized(request).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> submit(String pathAndQuery, Map<String, String> headers, Map<String, String> fields, List<Part> parts)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = MultipartForm.post(uri(pathAndQuery), fields, parts).timeout(Duration.ofMinutes(2));
        headers.forEach(request::header);
        return send(request);
    }

    /** {@code :predict}, running the model whatever the result cache holds. */
    private static HttpResponse<String> predict(String model, Map<String, String> fields, List<Part> parts) throws IOException, InterruptedException {
        return submit("/v1/models/" + model + ":predict?timeout=120", NO_CACHE, fields, parts);
    }

    private static List<Part> photo(String name) throws IOException {
        return List.of(new Part("image", name, "image/jpeg", Files.readAllBytes(PHOTOS.resolve(name))));
    }

    private static byte[] png(java.awt.image.BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
