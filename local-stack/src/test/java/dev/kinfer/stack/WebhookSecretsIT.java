package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.credentials.KeyAdmin;
import dev.kinfer.credentials.Limits;
import dev.kinfer.stack.MultipartForm.Part;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhook signing secrets through ingest-api on the real stack: a secret is shown once ({@code whsec_}, 32 bytes) and
 * listed without it, belongs to its tenant only, rotates with the previous key signing for its grace, is deleted; and
 * a submission with a callback needs a secret of its tenant. Every answer is checked against the OpenAPI document.
 */
class WebhookSecretsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CALLBACK = "http://127.0.0.1:9/hook";
    private static final String MODEL = "detect-faces";

    private static LocalStack stack;
    private static KeyAdmin keys;
    private static OpenApiContract contract;
    private static String erin;
    private static String frank;
    private static String hana;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start(TestStacks.fresh("it-webhook-secrets"));
        keys = new KeyAdmin(stack.kafkaConnection(), Clock.systemUTC());
        erin = keys.create("erin-corp", "it", false, Limits.UNLIMITED).text();
        frank = keys.create("frank-corp", "it", false, Limits.UNLIMITED).text();
        hana = keys.create("hana-corp", "it", false, Limits.UNLIMITED).text();
        for (String key : List.of(erin, frank, hana)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> list(key).statusCode() == 200);
        }
        contract = new OpenApiContract(HTTP.send(request("/openapi.json").build(), HttpResponse.BodyHandlers.ofString()).body());
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
    void aSecretIsShownOnceAndListedWithoutIt() throws Exception {
        HttpResponse<String> created = create(erin, "{\"id\": \"shown-once\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertDocumented(created);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(created.body());
        assertThat(body.path("id").asText()).isEqualTo("shown-once");
        String secret = body.path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);

        HttpResponse<String> listed = list(erin);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertDocumented(listed);
        assertThat(ids(listed)).contains("shown-once");
        assertThat(listed.body()).doesNotContain("whsec_").doesNotContain(secret.substring("whsec_".length()));

        assertProblem(create(erin, "{\"id\": \"shown-once\"}"), 409, "webhook-secret-exists");
        assertProblem(create(erin, "{\"id\": \"Not/An-Id\"}"), 400, "invalid-webhook-secret-id");
    }

    @Test
    void anotherTenantCannotSeeRotateOrDeleteIt() throws Exception {
        assertThat(create(erin, "{\"id\": \"erins-own\"}").statusCode()).isEqualTo(201);

        assertThat(ids(list(frank))).doesNotContain("erins-own");
        assertProblem(rotate(frank, "erins-own", ""), 404, "unknown-webhook-secret");
        assertProblem(delete(frank, "erins-own"), 404, "unknown-webhook-secret");
        // Nor can its jobs be signed with it.
        assertProblem(submit(frank, Map.of("callbackUrl", CALLBACK, "callbackSecretId", "erins-own")), 400, "unknown-webhook-secret");

        assertThat(ids(list(erin))).contains("erins-own");
    }

    @Test
    void aRotationKeepsThePreviousKeySigningForItsGrace() throws Exception {
        String first = JSON.readTree(create(erin, "{\"id\": \"rotating\"}").body()).path("secret").asText();

        Instant before = Instant.now();
        HttpResponse<String> rotated = rotate(erin, "rotating", "{\"graceSeconds\": 3600}");
        Instant after = Instant.now();

        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertDocumented(rotated);
        assertThat(rotated.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = JSON.readTree(rotated.body());
        assertThat(body.path("secret").asText()).startsWith("whsec_").isNotEqualTo(first);
        Instant retires = Instant.parse(body.path("previousRetiresAt").asText());
        assertThat(retires).isBetween(before.plusSeconds(3599), after.plusSeconds(3601));

        JsonNode listed = secret(list(erin), "rotating");
        assertThat(listed.path("keys")).hasSize(2);
        assertThat(listed.at("/keys/0/retiresAt").isNull()).isTrue();
        assertThat(Instant.parse(listed.at("/keys/1/retiresAt").asText())).isEqualTo(retires);
        assertThat(listed.path("createdAt").asText()).isEqualTo(body.path("createdAt").asText());

        assertProblem(rotate(erin, "rotating", "{\"graceSeconds\": 604801}"), 400, "invalid-grace");
        assertProblem(send(request("/v1/webhook-secrets/rotating:renew").POST(HttpRequest.BodyPublishers.noBody()), erin), 404, "not-found");
        // A rotation without a body keeps the previous key a day; the key it replaces now is the one just made.
        HttpResponse<String> again = rotate(erin, "rotating", "");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(secret(list(erin), "rotating").path("keys")).hasSize(3);
    }

    @Test
    void aSubmissionWithACallbackNeedsASecretOfItsTenant() throws Exception {
        HttpResponse<String> none = submit(hana, Map.of("callbackUrl", CALLBACK));
        assertProblem(none, 400, "unknown-webhook-secret");
        assertDocumented(none);
        assertThat(JSON.readTree(none.body()).path("detail").asText()).contains("POST /v1/webhook-secrets");
        assertProblem(submit(hana, Map.of("callbackSecretId", "default")), 400, "invalid-callback-secret-id");

        assertThat(create(hana, "").statusCode()).isEqualTo(201);
        HttpResponse<String> accepted = submit(hana, Map.of("callbackUrl", CALLBACK));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertDocumented(accepted);

        assertProblem(submit(hana, Map.of("callbackUrl", CALLBACK, "callbackSecretId", "billing")), 400, "unknown-webhook-secret");
        assertThat(create(hana, "{\"id\": \"billing\"}").statusCode()).isEqualTo(201);
        assertThat(submit(hana, Map.of("callbackUrl", CALLBACK, "callbackSecretId", "billing")).statusCode()).isEqualTo(202);
    }

    @Test
    void aDeletedSecretIsGone() throws Exception {
        assertThat(create(erin, "{\"id\": \"doomed\"}").statusCode()).isEqualTo(201);

        HttpResponse<String> deleted = delete(erin, "doomed");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertDocumented(deleted);

        HttpResponse<String> again = delete(erin, "doomed");
        assertProblem(again, 404, "unknown-webhook-secret");
        assertDocumented(again);
        assertProblem(rotate(erin, "doomed", ""), 404, "unknown-webhook-secret");
        assertThat(ids(list(erin))).doesNotContain("doomed");
        assertProblem(submit(erin, Map.of("callbackUrl", CALLBACK, "callbackSecretId", "doomed")), 400, "unknown-webhook-secret");
    }

    @Test
    void theRoutesNeedACredential() throws Exception {
        for (HttpRequest.Builder route : List.of(request("/v1/webhook-secrets"),
                request("/v1/webhook-secrets").POST(HttpRequest.BodyPublishers.noBody()),
                request("/v1/webhook-secrets/default:rotate").POST(HttpRequest.BodyPublishers.noBody()),
                request("/v1/webhook-secrets/default").DELETE())) {
            assertProblem(HTTP.send(route.build(), HttpResponse.BodyHandlers.ofString()), 401, "unauthenticated");
        }
    }

    private static HttpResponse<String> list(String key) throws Exception {
        return send(request("/v1/webhook-secrets"), key);
    }

    private static HttpResponse<String> create(String key, String body) throws Exception {
        return send(json(request("/v1/webhook-secrets"), body), key);
    }

    private static HttpResponse<String> rotate(String key, String id, String body) throws Exception {
        return send(json(request("/v1/webhook-secrets/" + id + ":rotate"), body), key);
    }

    private static HttpResponse<String> delete(String key, String id) throws Exception {
        return send(request("/v1/webhook-secrets/" + id).DELETE(), key);
    }

    /** A POST of {@code body}; an empty one asks for the defaults. */
    private static HttpRequest.Builder json(HttpRequest.Builder request, String body) {
        return body.isEmpty() ? request.POST(HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** A job of a small image, with {@code fields} beside it. */
    private static HttpResponse<String> submit(String key, Map<String, String> fields) throws Exception {
        return send(MultipartForm.post(URI.create(stack.apiUrl() + "/v1/models/" + MODEL + "/jobs"), fields,
                List.of(new Part("image", "i.png", "image/png", png(40, 30)))), key);
    }

    private static List<String> ids(HttpResponse<String> listed) throws Exception {
        List<String> ids = new ArrayList<>();
        JSON.readTree(listed.body()).path("secrets").forEach(secret -> ids.add(secret.path("id").asText()));
        return ids;
    }

    private static JsonNode secret(HttpResponse<String> listed, String id) throws Exception {
        for (JsonNode secret : JSON.readTree(listed.body()).path("secrets")) {
            if (secret.path("id").asText().equals(id)) {
                return secret;
            }
        }
        throw new AssertionError("no secret " + id + " in " + listed.body());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).timeout(Duration.ofSeconds(60));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String key) throws Exception {
        return HTTP.send(request.header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertDocumented(HttpResponse<String> response) {
        assertThat(contract.check(response.request().method(), response.request().uri(), response))
                .as("%s %s -> %d %s", response.request().method(), response.request().uri(), response.statusCode(), response.body())
                .isEmpty();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo(code);
    }

    private static byte[] png(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}
