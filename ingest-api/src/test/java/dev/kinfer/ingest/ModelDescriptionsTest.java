package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.ModelManifest;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ModelDescriptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The catalogue: deployed versions by model, oldest first. */
    private final Map<String, List<CatalogEntry>> catalogue = new HashMap<>(Map.of(
            "detect-faces", List.of(entry("detect-faces", "1", "detect-faces", 1_000, Map.of("threshold", "0.6")),
                    entry("detect-faces", "2", "detect-faces", 2_000, Map.of())),
            "style-transfer", List.of(entry("style-transfer", "1", "style-transfer", 1_000, Map.of())),
            "verify-face", List.of(entry("verify-face", "1", "verify-face", 1_000, Map.of())),
            "colours", List.of(entry("colours", "1", "classify", 1_000, Map.of("topK", "3")))));
    /** Models with a request topic: those above, and one whose worker runs outside the catalogue. */
    private final Set<String> topics = new TreeSet<>(Set.of("detect-faces", "style-transfer", "verify-face", "colours", "fixed"));
    private final Set<String> live = Set.of("detect-faces", "colours");
    private final ModelDescriptions descriptions = new ModelDescriptions(() -> topics, topics::contains,
            model -> catalogue.getOrDefault(model, List.of()), live::contains);

    private static CatalogEntry entry(String name, String version, String task, long deployedAtMs, Map<String, String> options) {
        return new CatalogEntry(new ModelManifest(name, version, task, "OnnxRuntime", "model.onnx", "Apache-2.0", null,
                "2".equals(version) ? 4 : null, null, options, "2".equals(version) ? "an export of ours" : null), List.of("manifest.json", "model.onnx"), deployedAtMs);
    }

    private static JsonNode json(Object value) {
        return JSON.valueToTree(value);
    }

    @Test
    void shouldDescribeAModelFromItsCurrentVersionAndItsTask() {
        JsonNode model = json(descriptions.describe("detect-faces"));

        assertThat(model.path("name").asText()).isEqualTo("detect-faces");
        assertThat(model.path("task").asText()).isEqualTo("detect-faces");
        assertThat(model.path("currentVersion").asText()).isEqualTo("2");
        assertThat(model.path("versions")).extracting(v -> v.path("version").asText()).containsExactly("2", "1");
        assertThat(model.at("/versions/0/deployedAt").asText()).isEqualTo("1970-01-01T00:00:02Z");
        assertThat(model.at("/versions/0/license").asText()).isEqualTo("Apache-2.0");
        assertThat(model.at("/versions/0/source").asText()).as("where the weights come from").isEqualTo("an export of ours");
        assertThat(model.at("/versions/1").has("source")).as("said only when the manifest says it").isFalse();
        assertThat(model.path("inputs")).singleElement().satisfies(input -> {
            assertThat(input.path("name").asText()).isEqualTo("image");
            assertThat(input.path("required").asBoolean()).isTrue();
            assertThat(input.path("maxCount").asInt()).isEqualTo(1);
        });
        JsonNode threshold = model.path("parameters").get(0);
        assertThat(threshold.path("name").asText()).isEqualTo("threshold");
        assertThat(threshold.path("type").asText()).isEqualTo("number");
        assertThat(threshold.path("default").asDouble()).isEqualTo(0.75);
        assertThat(threshold.path("exclusiveMinimum").asDouble()).isEqualTo(0.0);
        assertThat(threshold.path("exclusiveMaximum").asDouble()).isEqualTo(1.0);
        assertThat(threshold.path("description").asText()).isNotBlank();
        assertThat(model.at("/output/type").asText()).isEqualTo("detections");
        assertThat(model.at("/batching/maxBatchSize").asInt()).isEqualTo(4);
        assertThat(model.at("/batching/maxDelayMs").asInt()).isEqualTo(0);
        assertThat(model.path("workerLive").asBoolean()).isTrue();
    }

    @Test
    void shouldShowTheDefaultTheManifestGives() {
        JsonNode topK = json(descriptions.describe("colours")).at("/parameters/0");

        assertThat(topK.path("name").asText()).isEqualTo("topK");
        assertThat(topK.path("type").asText()).isEqualTo("integer");
        assertThat(topK.path("default").isIntegralNumber()).isTrue();
        assertThat(topK.path("default").asInt()).isEqualTo(3);
        assertThat(topK.path("minimum").isIntegralNumber()).isTrue();
        assertThat(topK.path("minimum").asInt()).isEqualTo(1);
        assertThat(topK.has("maximum")).as("only the loaded model knows its labels").isFalse();
        assertThat(json(descriptions.describe("colours")).at("/batching/maxBatchSize").asInt()).isEqualTo(ModelManifest.DEFAULT_MAX_BATCH_SIZE);
    }

    @Test
    void shouldDescribeTwoImageTasksAndParametersThatDoNotGoTogether() {
        JsonNode verify = json(descriptions.describe("verify-face"));

        assertThat(verify.path("inputs")).extracting(i -> i.path("name").asText() + ":" + i.path("required").asBoolean())
                .containsExactly("image:true", "reference:false");
        assertThat(verify.path("parameters")).extracting(p -> p.path("name").asText()).containsExactly("register", "subject");
        assertThat(verify.at("/parameters/0/notWith/0").asText()).isEqualTo("subject");
        assertThat(verify.at("/parameters/0/pattern").asText()).isNotBlank();
        assertThat(verify.path("workerLive").asBoolean()).isFalse();
        assertThat(json(descriptions.describe("style-transfer")).path("inputs"))
                .extracting(i -> i.path("name").asText() + ":" + i.path("required").asBoolean()).containsExactly("image:true", "style:true");
    }

    @Test
    void shouldListEveryModelDescribedAndAModelOutsideTheCatalogueByNameAlone() {
        JsonNode models = json(descriptions.list()).path("models");

        assertThat(models).extracting(m -> m.path("name").asText()).containsExactly("colours", "detect-faces", "fixed",
                "style-transfer", "verify-face");
        JsonNode fixed = models.get(2);
        assertThat(fixed.path("task").isNull()).isTrue();
        assertThat(fixed.path("currentVersion").isNull()).isTrue();
        assertThat(fixed.path("versions")).isEmpty();
        assertThat(fixed.has("parameters")).isFalse();
        assertThat(fixed.path("workerLive").asBoolean()).isFalse();
    }

    @Test
    void shouldAnswerUnknownModelForAModelNobodyServes() {
        assertThatThrownBy(() -> descriptions.describe("nope")).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status()).isEqualTo(404);
            assertThat(problem.code()).isEqualTo("unknown-model");
        });
    }

    @Test
    void shouldRefuseABadParameterNamingIt() {
        assertProblem(() -> descriptions.checkParams("detect-faces", Map.of("threshold", "7")), 400, "invalid-parameter", "threshold");
        assertProblem(() -> descriptions.checkParams("detect-faces", Map.of("nope", "1")), 400, "invalid-parameter", "'nope'");
        assertProblem(() -> descriptions.checkParams("style-transfer", Map.of("strength", "1")), 400, "invalid-parameter", "'strength'");
        assertProblem(() -> descriptions.checkParams("verify-face", Map.of("register", "a", "subject", "b")), 400,
                "invalid-parameter", "'subject'");
        assertThatCode(() -> descriptions.checkParams("detect-faces", Map.of("threshold", "0.5"))).doesNotThrowAnyException();
        assertThatCode(() -> descriptions.checkParams("colours", Map.of("topK", "2"))).doesNotThrowAnyException();
        assertThatCode(() -> descriptions.checkParams("detect-faces", Map.of())).doesNotThrowAnyException();
    }

    @Test
    void shouldLeaveAModelOutsideTheCatalogueToItsWorker() {
        assertThatCode(() -> descriptions.checkParams("fixed", Map.of("anything", "x"))).doesNotThrowAnyException();
        assertThatCode(() -> descriptions.check("fixed", submission(3, Map.of("anything", "x")))).doesNotThrowAnyException();
    }

    @Test
    void shouldCountASubmissionsImagesAgainstTheTask() {
        assertProblem(() -> descriptions.check("detect-faces", submission(2, Map.of())), 400, "too-many-images", "at most 1");
        assertProblem(() -> descriptions.check("style-transfer", submission(1, Map.of())), 400, "missing-image", "'style'");
        assertProblem(() -> descriptions.check("verify-face", submission(3, Map.of())), 400, "too-many-images", "at most 2");
        assertProblem(() -> descriptions.check("detect-faces", submission(1, Map.of("threshold", "7"))), 400, "invalid-parameter",
                "threshold");
        assertThatCode(() -> descriptions.check("style-transfer", submission(2, Map.of()))).doesNotThrowAnyException();
        assertThatCode(() -> descriptions.check("verify-face", submission(1, Map.of("register", "eileen")))).doesNotThrowAnyException();
        assertThatCode(() -> descriptions.check("verify-face", submission(2, Map.of()))).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseNamedImagePartsTheTaskDoesNotTakeAndRequireThoseItNeeds() {
        assertProblem(() -> parts("detect-faces", "image", "reference"), 400, "unknown-part", "'reference'");
        assertProblem(() -> parts("style-transfer", "image"), 400, "missing-image", "'style'");
        assertProblem(() -> parts("style-transfer", "image", "reference"), 400, "unknown-part", "'reference'");
        assertProblem(() -> parts("verify-face", "image", "reference", "reference"), 400, "too-many-images", "'reference'");
        assertThatCode(() -> parts("style-transfer", "image", "style")).doesNotThrowAnyException();
        assertThatCode(() -> parts("verify-face", "image")).doesNotThrowAnyException();
        assertThatCode(() -> parts("verify-face", "image", "reference")).doesNotThrowAnyException();
    }

    @Test
    void shouldCheckAgainstThePinnedVersionWhenItIsDeployed() {
        catalogue.put("morph", List.of(entry("morph", "1", "detect-faces", 1_000, Map.of()), entry("morph", "2", "upscale", 2_000, Map.of())));
        topics.add("morph");
        Map<String, String> threshold = Map.of("threshold", "0.5");

        assertThatCode(() -> descriptions.check("morph", "1", List.of("image"), threshold)).doesNotThrowAnyException();
        assertProblem(() -> descriptions.check("morph", null, List.of("image"), threshold), 400, "invalid-parameter", "'threshold'");
        assertProblem(() -> descriptions.check("morph", "9", List.of("image"), threshold), 400, "invalid-parameter", "'threshold'");
    }

    private void parts(String model, String... parts) {
        descriptions.check(model, null, List.of(parts), Map.of());
    }

    private static Submission submission(int images, Map<String, String> params) {
        return Submission.of(Collections.nCopies(images, new byte[] {1, 2, 3}), Collections.nCopies(images, null), params, null, null, null);
    }

    @Test
    void shouldAnswerOverHttpAsIngestAppRoutesIt() throws Exception {
        Javalin app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.http.prefer405over404 = true;
            javalin.routes.post("/v1/models/{modelAndVerb}", ctx -> ctx.result("submitted"));
            javalin.routes.get("/v1/models", descriptions::list);
            javalin.routes.get("/v1/models/{model}", descriptions::describe);
            javalin.routes.exception(ApiProblem.class, (problem, ctx) -> Problems.write(ctx, problem));
        });
        app.start("127.0.0.1", 0);
        try {
            String base = "http://127.0.0.1:" + app.port() + "/v1/models";
            HttpResponse<String> list = get(base);
            HttpResponse<String> one = get(base + "/detect-faces");
            HttpResponse<String> unknown = get(base + "/no-such-model");
            HttpResponse<String> badName = get(base + "/No_Such");
            HttpResponse<String> predict = get(base + "/detect-faces:predict");

            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(list.body()).at("/models/1/name").asText()).isEqualTo("detect-faces");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(JSON.readTree(one.body()).at("/parameters/0/default").asDouble()).isEqualTo(0.75);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknown.body()).path("code").asText()).isEqualTo("unknown-model");
            assertThat(badName.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badName.body()).path("code").asText()).isEqualTo("invalid-model-name");
            assertThat(predict.statusCode()).isEqualTo(405);
            assertThat(predict.headers().firstValue("Allow")).hasValue("POST");
        } finally {
            app.stop();
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(Runnable check, int status, String code, String detailPart) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status()).isEqualTo(status);
            assertThat(problem.code()).isEqualTo(code);
            assertThat(problem.detail()).contains(detailPart);
        });
    }
}
