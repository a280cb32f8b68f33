package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.ModelCatalog;
import dev.kinfer.credentials.KeyAdmin;
import dev.kinfer.credentials.Limits;
import dev.kinfer.stack.MultipartForm.Part;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge against the real stack: every route but health needs a credential (API key or JWT), tenants see only
 * their own jobs and faces, a key is held to its rate, revoked keys stop working, admin-only routes refuse others,
 * a model whose workers are too far behind refuses new work, and only an admin key deploys and undeploys models.
 */
class AuthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path PHOTOS = TestPhotos.OPENCV;
    private static final String JWT_ISSUER = "https://idp.test";
    /** Above the few transaction markers a drained topic still counts as lag (one per partition at most). */
    private static final int MAX_BACKLOG = 8;

    private static LocalStack stack;
    private static StackConfig config;
    private static Path cacheDir;
    private static String jwtSecret;
    private static KeyAdmin keys;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void startStack() throws Exception {
        config = TestStacks.fresh("it-auth");
        cacheDir = config.cacheDir();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        jwtSecret = Base64.getEncoder().encodeToString(secret);
        stack = LocalStack.start(config, Map.of("KINFER_JWT_HS256_SECRET", jwtSecret, "KINFER_JWT_ISSUER", JWT_ISSUER,
                "KINFER_MAX_BACKLOG", Integer.toString(MAX_BACKLOG)));
        keys = new KeyAdmin(stack.kafkaConnection(), Clock.systemUTC());
        alice = keys.create("alice-corp", "it", false, Limits.UNLIMITED).text();
        bob = keys.create("bob-corp", "it", false, Limits.UNLIMITED).text();
        awaitAccepted(bob);
    }

    @AfterAll
    static void stopStack() {
        if (keys != null) {
            keys.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyRouteButHealthNeedsACredential() throws Exception {
        List<HttpRequest.Builder> routes = List.of(
                request("/v1/models/detect-faces/jobs").POST(HttpRequest.BodyPublishers.noBody()),
                request("/v1/models/detect-faces:predict").POST(HttpRequest.BodyPublishers.noBody()),
                request("/v1/jobs/00000000-0000-0000-0000-000000000000"),
                request("/v1/jobs/00000000-0000-0000-0000-000000000000/events"),
                request("/v1/models"),
                request("/metrics"),
                request("/v1/admin/models").POST(HttpRequest.BodyPublishers.noBody()),
                request("/v1/admin/models/detect-faces/versions/1").DELETE(),
                request("/no/such/route"));
        for (HttpRequest.Builder route : routes) {
            HttpResponse<String> none = HTTP.send(route.copy().build(), HttpResponse.BodyHandlers.ofString());
            assertProblem(none, 401, "unauthenticated");
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(c -> assertThat(c).startsWith("Bearer realm="));
            HttpResponse<String> forged = HTTP.send(route.copy().header("X-API-Key", "kf_0123456789ab_" + "A".repeat(43)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertProblem(forged, 401, "invalid-credential");
            assertThat(forged.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(c -> assertThat(c).contains("invalid_token"));
            assertProblem(HTTP.send(route.copy().header("Authorization", "Basic dXNlcjpwYXNz").build(), HttpResponse.BodyHandlers.ofString()),
                    401, "unauthenticated");
            assertProblem(HTTP.send(route.copy().header("Authorization", "Bearer not-a-jwt").build(), HttpResponse.BodyHandlers.ofString()),
                    401, "invalid-credential");
        }
        for (String health : List.of("/health/live", "/health/ready")) {
            assertThat(HTTP.send(request(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        // Both ways of sending a key work.
        assertThat(HTTP.send(request("/v1/models").header("Authorization", "Bearer " + alice).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(get("/v1/models", alice).statusCode()).isEqualTo(200);
    }

    @Test
    void adminRoutesRefuseOtherKeys() throws Exception {
        assertProblem(get("/metrics", alice), 403, "forbidden");
        HttpResponse<String> metrics = get("/metrics", stack.apiKey());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("kinfer_cache_total");
    }

    @Test
    void modelDeploymentNeedsAnAdminKeyAndGoesThroughTheApi() throws Exception {
        Path model = TestStacks.syntheticModel(config, 1, 1);
        String name = "synthetic";
        // A key that is not an admin's deploys nothing, through the API or the CLI.
        assertProblem(send(deployRequest(model), "Bearer " + alice), 403, "forbidden");
        ModelsCli.Result refused = ModelsCli.attempt(stack.apiUrl(), alice, "deploy", model.toString());
        assertThat(refused.exit()).as(refused.out()).isEqualTo(2);
        assertThat(refused.err()).contains("403").contains("forbidden");
        assertThat(catalogued(name)).isEmpty();

        // The admin key deploys it: 201 with the catalogue entry, as the OpenAPI document says.
        HttpResponse<String> deployed = send(deployRequest(model), "Bearer " + stack.apiKey());
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        assertThat(contract().check("POST", deployed.request().uri(), deployed)).isEmpty();
        JsonNode entry = JSON.readTree(deployed.body());
        assertThat(entry.at("/manifest/name").asText()).isEqualTo(name);
        assertThat(entry.at("/manifest/version").asText()).isEqualTo("1");
        assertThat(entry.path("files").toString()).contains("manifest.json");
        assertThat(catalogued(name)).containsExactly("1");
        // The stack starts a worker for a model new to it; then the model takes requests and describes itself.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> described = get("/v1/models/" + name, bob);
            assertThat(described.statusCode()).as(described.body()).isEqualTo(200);
            assertThat(JSON.readTree(described.body()).path("currentVersion").asText()).isEqualTo("1");
        });
        assertThat(ModelsCli.run(stack.apiUrl(), bob, "list")).contains(name);

        // Undeploying needs the admin key too.
        assertProblem(send(request("/v1/admin/models/" + name + "/versions/1").DELETE(), "Bearer " + bob), 403, "forbidden");
        assertThat(catalogued(name)).containsExactly("1");
        assertThat(ModelsCli.run(stack, "undeploy", name + ":1")).contains("undeployed synthetic:1");
        assertThat(catalogued(name)).isEmpty();
        JsonNode after = JSON.readTree(get("/v1/models/" + name, bob).body());
        assertThat(after.path("versions").toString()).doesNotContain("\"1\"");
        HttpResponse<String> again = send(request("/v1/admin/models/" + name + "/versions/1").DELETE(), "Bearer " + stack.apiKey());
        assertProblem(again, 404, "unknown-model-version");
        assertThat(contract().check("DELETE", again.request().uri(), again)).isEmpty();
    }

    @Test
    void aDeploymentWithAnInvalidManifestIsRefusedWithItsReasons() throws Exception {
        Path model = Files.createDirectories(config.dataDir().resolve("bad-model"));
        Files.writeString(model.resolve("manifest.json"), """
                {"name": "bad-model", "version": "1", "task": "colourise", "engine": "PyTorch", "artifact": "missing.pt", "license": "test"}
                """);

        HttpResponse<String> refused = send(deployRequest(model), "Bearer " + stack.apiKey());

        assertProblem(refused, 400, "invalid-manifest");
        String detail = JSON.readTree(refused.body()).path("detail").asText();
        assertThat(detail).contains("task must be one of").contains("(was colourise)").contains("missing.pt")
                .doesNotContain(System.getProperty("java.io.tmpdir"));
        ModelsCli.Result cli = ModelsCli.attempt(stack.apiUrl(), stack.apiKey(), "deploy", model.toString());
        assertThat(cli.exit()).isEqualTo(2);
        assertThat(cli.err()).contains("invalid-manifest").contains("task must be one of");
        assertThat(catalogued("bad-model")).isEmpty();
        // A file whose name is not a plain file name is refused as well.
        HttpResponse<String> unsafe = send(MultipartForm.post(URI.create(stack.apiUrl() + "/v1/admin/models"), Map.of(), List.of(
                new Part("manifest", "manifest.json", "application/json", Files.readAllBytes(model.resolve("manifest.json"))),
                new Part("file", ".hidden.pt", "application/octet-stream", new byte[] {1}))), "Bearer " + stack.apiKey());
        assertProblem(unsafe, 400, "invalid-file-name");
    }

    /** The model directory's files as the deployment form: the manifest, then every other file. */
    private static HttpRequest.Builder deployRequest(Path modelDir) throws Exception {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("manifest", "manifest.json", "application/json", Files.readAllBytes(modelDir.resolve("manifest.json"))));
        try (var files = Files.list(modelDir)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals("manifest.json")).sorted().toList()) {
                parts.add(new Part("file", file.getFileName().toString(), "application/octet-stream", Files.readAllBytes(file)));
            }
        }
        return MultipartForm.post(URI.create(stack.apiUrl() + "/v1/admin/models"), Map.of(), parts);
    }

    /** The versions of {@code model} in the catalogue topic itself, read afresh. */
    private static List<String> catalogued(String model) throws Exception {
        try (ModelCatalog catalog = new ModelCatalog(stack.kafkaConnection())) {
            assertThat(catalog.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            return catalog.versions(model).stream().map(CatalogEntry::version).toList();
        }
    }

    private static OpenApiContract contract() throws Exception {
        HttpResponse<String> document = HTTP.send(request("/openapi.json").build(), HttpResponse.BodyHandlers.ofString());
        return new OpenApiContract(document.body());
    }

    @Test
    void jobsAreVisibleOnlyToTheirTenant() throws Exception {
        byte[] photo = Files.readAllBytes(PHOTOS.resolve("fruits.jpg"));
        HttpResponse<String> done = predict("detect-faces", alice, photo, Map.of(), true);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        String jobId = JSON.readTree(done.body()).path("jobId").asText();

        assertThat(get("/v1/jobs/" + jobId, alice).statusCode()).isEqualTo(200);
        assertProblem(get("/v1/jobs/" + jobId, bob), 404, "unknown-job");
        assertProblem(get("/v1/jobs/" + jobId + "?wait=1", bob), 404, "unknown-job");
        assertProblem(get("/v1/jobs/" + jobId + "/events", bob), 404, "unknown-job");
        // Once result-sink has folded the job in, it answers the same way.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertProblem(get("/v1/jobs/" + jobId, bob), 404, "unknown-job");
            assertThat(get("/v1/jobs/" + jobId, alice).statusCode()).isEqualTo(200);
        });
        // The result cache is per tenant: the same request answers Alice from it, and runs anew for Bob.
        JsonNode again = JSON.readTree(predict("detect-faces", alice, photo, Map.of(), true).body());
        assertThat(again.path("cached").asBoolean()).isTrue();
        JsonNode bobs = JSON.readTree(predict("detect-faces", bob, photo, Map.of(), true).body());
        assertThat(bobs.path("cached").asBoolean()).isFalse();
        assertThat(bobs.path("jobId").asText()).isNotEqualTo(jobId);
        assertThat(get("/v1/jobs/" + bobs.path("jobId").asText(), alice).statusCode()).isEqualTo(404);
    }

    @Test
    void faceGalleriesArePerTenant() throws Exception {
        BufferedImage portrait = ImageIO.read(new ByteArrayInputStream(TestPhotos.astronaut(cacheDir)));
        byte[] registration = png(portrait);
        byte[] closer = png(scaled(portrait.getSubimage(60, 0, 400, 400)));
        byte[] intruder = png(scaled(ImageIO.read(PHOTOS.resolve("messi5.jpg").toFile()).getSubimage(175, 40, 120, 120)));

        assertSucceeded(predict("verify-face", alice, registration, Map.of("param.register", "eileen")));
        // Bob registers his own "eileen": another person, in his gallery only.
        assertSucceeded(predict("verify-face", bob, intruder, Map.of("param.register", "eileen")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode checked = JSON.readTree(predict("verify-face", alice, closer, Map.of("param.subject", "eileen")).body());
            assertThat(checked.at("/result/output/matched").asBoolean()).as(checked.toString()).isTrue();
            // Bob's "eileen" is his own registration (another face): checked, and not matched.
            JsonNode bobsCheck = JSON.readTree(predict("verify-face", bob, closer, Map.of("param.subject", "eileen")).body());
            assertThat(bobsCheck.path("status").asText()).as(bobsCheck.toString()).isEqualTo("SUCCEEDED");
            assertThat(bobsCheck.at("/result/output/matched").asBoolean()).as(bobsCheck.toString()).isFalse();
        });
        JsonNode unknown = JSON.readTree(predict("verify-face", bob, closer, Map.of("param.subject", "nobody")).body());
        assertThat(unknown.at("/result/error/code").asText()).isEqualTo("unknown-subject");
    }

    @Test
    void aKeyPastItsRateIsHeldToItWithinFivePercent() throws Exception {
        double rate = 5;
        int burst = 5;
        String limited = keys.create("limited", "it", false, new Limits(rate, burst, 0)).text();
        awaitAccepted(limited); // reading takes no token: only submissions are limited
        Duration run = Duration.ofSeconds(8);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<HttpResponse<String>> refusals = new ArrayList<>();
        Instant start = Instant.now();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                running.add(clients.submit(() -> {
                    while (Duration.between(start, Instant.now()).compareTo(run) < 0) {
                        // An unknown model: admitted requests are answered 404 at once, so only the limiter sets the pace.
                        HttpResponse<String> answer = HTTP.send(request("/v1/models/no-such-model/jobs").header("X-API-Key", limited)
                                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 429) {
                            refused.incrementAndGet();
                            synchronized (refusals) {
                                refusals.add(answer);
                            }
                        } else {
                            assertThat(answer.statusCode()).isEqualTo(404);
                            admitted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        }
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        double expected = burst + rate * seconds;
        assertThat(refused.get()).as("the key was driven past its rate").isGreaterThan(admitted.get());
        assertThat((double) admitted.get()).as("admitted in %.2f s at %s/s with a burst of %d", seconds, rate, burst)
                .isBetween(expected * 0.95, expected * 1.05);
        HttpResponse<String> refusal = refusals.getFirst();
        assertProblem(refusal, 429, "rate-limited");
        assertThat(refusal.headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 2L);
        assertThat(refusal.headers().firstValue("RateLimit-Limit")).hasValue(Integer.toString(burst));
        assertThat(refusal.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(refusal.headers().firstValue("RateLimit-Reset")).isPresent();
    }

    @Test
    void jwtsNameTheirTenantAndAreCheckedFully() throws Exception {
        String token = jwt("carol-corp", Instant.now().plusSeconds(300), JWT_ISSUER);
        HttpResponse<String> done = predict("detect-faces", "Bearer " + token, Files.readAllBytes(PHOTOS.resolve("fruits.jpg")), Map.of());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        String jobId = JSON.readTree(done.body()).path("jobId").asText();
        assertThat(send(request("/v1/jobs/" + jobId), "Bearer " + jwt("carol-corp", Instant.now().plusSeconds(60), JWT_ISSUER))
                .statusCode()).isEqualTo(200);
        assertProblem(get("/v1/jobs/" + jobId, alice), 404, "unknown-job");
        assertProblem(send(request("/v1/models"), "Bearer " + jwt("carol-corp", Instant.now().minusSeconds(600), JWT_ISSUER)),
                401, "invalid-credential");
        assertProblem(send(request("/v1/models"), "Bearer " + jwt("carol-corp", Instant.now().plusSeconds(300), "https://other.test")),
                401, "invalid-credential");
        // A JWT is never an admin.
        assertProblem(send(request("/metrics"), "Bearer " + token), 403, "forbidden");
    }

    @Test
    void aRevokedKeyIsRefusedMomentsLater() throws Exception {
        KeyAdmin.Issued issued = keys.create("dora-corp", "it", false, Limits.UNLIMITED);
        awaitAccepted(issued.text());
        keys.revoke(issued.key().id());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertProblem(get("/v1/models", issued.text()), 401, "invalid-credential"));
    }

    @Test
    void aModelTooFarBehindRefusesNewWork() throws Exception {
        ChildProcess worker = stack.worker(DemoModels.UPSCALE);
        byte[] small = png(new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB));
        signal("STOP", worker);
        try {
            for (int i = 0; i <= MAX_BACKLOG; i++) {
                HttpResponse<String> queued = submit(DemoModels.UPSCALE, alice, small);
                assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
            }
            HttpResponse<String> refused = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> submit(DemoModels.UPSCALE, alice, small), answer -> answer.statusCode() == 503);
            assertProblem(refused, 503, "model-overloaded");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            // Other models are not affected.
            assertThat(submit(DemoModels.FACE_DETECTION, alice, small).statusCode()).isEqualTo(202);
        } finally {
            signal("CONT", worker);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> submit(DemoModels.UPSCALE, alice, small).statusCode() == 202);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswer() throws Exception {
        byte[] photo = png(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB));
        byte[] another = png(new BufferedImage(30, 40, BufferedImage.TYPE_INT_RGB));
        HttpResponse<String> first = keyed(alice, "retry-1", photo);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String jobId = JSON.readTree(first.body()).path("jobId").asText();

        HttpResponse<String> retry = keyed(alice, "retry-1", photo);
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(retry.body()).path("jobId").asText()).isEqualTo(jobId);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertProblem(keyed(alice, "retry-1", another), 409, "idempotency-key-reused");
        // The same key is another tenant's own.
        HttpResponse<String> bobs = keyed(bob, "retry-1", photo);
        assertThat(bobs.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(bobs.body()).path("jobId").asText()).isNotEqualTo(jobId);
        // Exactly one job ran for the key.
        JsonNode done = await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(get("/v1/jobs/" + jobId + "?wait=5", alice).body()),
                job -> job.has("result"));
        assertThat(done.path("status").asText()).isEqualTo("SUCCEEDED");
        assertProblem(HTTP.send(MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/detect-faces/jobs"), Map.of(),
                List.of(new Part("image", "i.png", "image/png", photo))).header("X-API-Key", alice).header("Idempotency-Key", "has space")
                .build(), HttpResponse.BodyHandlers.ofString()), 400, "invalid-idempotency-key");
    }

    @Test
    void aLargeImageGoesStraightToTheStoreThenAJobNamesIt() throws Exception {
        byte[] photo = Files.readAllBytes(PHOTOS.resolve("messi5.jpg"));
        String uploadId = upload(alice, photo);

        HttpResponse<String> done = HTTP.send(request("/v1/models/detect-faces:predict").header("X-API-Key", alice)
                .header("Content-Type", "application/json").header("Cache-Control", "no-cache")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"upload\": \"" + uploadId + "\"}], \"params\": {\"threshold\": 0.5}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertSucceeded(done);
        assertThat(JSON.readTree(done.body()).at("/result/output/type").asText()).isEqualTo("detections");
        // An upload is taken by one job, and only by its tenant's.
        assertProblem(jsonJob(alice, uploadId), 400, "unknown-upload");
        // A keyed retry is answered as the first time, though the upload it names is gone by then.
        String keyedUpload = upload(alice, photo);
        HttpResponse<String> first = jsonJob(alice, keyedUpload, "upload-retry-1");
        HttpResponse<String> retry = jsonJob(alice, keyedUpload, "upload-retry-1");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(retry.body()).path("jobId").asText()).isEqualTo(JSON.readTree(first.body()).path("jobId").asText());
        assertProblem(jsonJob(bob, upload(alice, photo)), 400, "unknown-upload");
        // Checked as an upload is: not an image, refused.
        assertProblem(jsonJob(alice, upload(alice, "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8))), 415, "unsupported-image");
        assertProblem(HTTP.send(request("/v1/models/detect-faces/jobs").header("X-API-Key", alice).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [], \"extra\": 1}")).build(), HttpResponse.BodyHandlers.ofString()),
                400, "invalid-json");
    }

    private static String upload(String key, byte[] bytes) throws Exception {
        HttpResponse<String> slot = HTTP.send(request("/v1/uploads").header("X-API-Key", key).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(slot.statusCode()).as(slot.body()).isEqualTo(201);
        JsonNode created = JSON.readTree(slot.body());
        assertThat(created.path("method").asText()).isEqualTo("PUT");
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(created.path("url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        return created.path("uploadId").asText();
    }

    private static HttpResponse<String> jsonJob(String key, String uploadId) throws Exception {
        return HTTP.send(jsonJobRequest(key, uploadId).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> jsonJob(String key, String uploadId, String idempotencyKey) throws Exception {
        return HTTP.send(jsonJobRequest(key, uploadId).header("Idempotency-Key", idempotencyKey).header("Cache-Control", "no-cache").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder jsonJobRequest(String key, String uploadId) {
        return request("/v1/models/detect-faces/jobs").header("X-API-Key", key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"upload\": \"" + uploadId + "\"}]}"));
    }

    private static HttpResponse<String> keyed(String key, String idempotencyKey, byte[] image) throws Exception {
        return HTTP.send(MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/detect-faces/jobs"), Map.of(),
                List.of(new Part("image", "i.png", "image/png", image))).header("X-API-Key", key).header("Idempotency-Key", idempotencyKey)
                .header("Cache-Control", "no-cache").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void signal(String signal, ChildProcess process) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
    }

    private static void awaitAccepted(String key) {
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/v1/models", key).statusCode() == 200);
    }

    private static String jwt(String tenant, Instant expires, String issuer) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("someone").issuer(issuer)
                .claim("tenant", tenant).expirationTime(Date.from(expires)).build());
        jwt.sign(new MACSigner(jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).timeout(Duration.ofSeconds(60));
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return HTTP.send(request(path).header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** With {@code credential} as the Authorization header ("Bearer ..."). */
    private static HttpResponse<String> send(HttpRequest.Builder request, String credential) throws Exception {
        return HTTP.send(request.header("Authorization", credential).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code :predict} without the cache; {@code credential} is a key, or "Bearer <jwt>". */
    private static HttpResponse<String> predict(String model, String credential, byte[] image, Map<String, String> fields) throws Exception {
        return predict(model, credential, image, fields, false);
    }

    private static HttpResponse<String> predict(String model, String credential, byte[] image, Map<String, String> fields, boolean cache)
            throws Exception {
        HttpRequest.Builder request = MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/" + model + ":predict"), fields,
                List.of(new Part("image", "photo", "application/octet-stream", image)));
        if (!cache) {
            request.header("Cache-Control", "no-cache");
        }
        return HTTP.send((credential.startsWith("Bearer ") ? request.header("Authorization", credential) : request.header("X-API-Key", credential))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> submit(String model, String key, byte[] image) throws Exception {
        return HTTP.send(MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/" + model + "/jobs"), Map.of(),
                List.of(new Part("image", "i.png", "image/png", image))).header("X-API-Key", key).header("Cache-Control", "no-cache").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo(code);
    }

    private static void assertSucceeded(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("status").asText()).as(response.body()).isEqualTo("SUCCEEDED");
    }

    private static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static BufferedImage scaled(BufferedImage image) {
        BufferedImage out = new BufferedImage(500, 500, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.drawImage(image, 0, 0, 500, 500, null);
        g.dispose();
        return out;
    }
}
