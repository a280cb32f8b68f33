package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.jobs.JobDocument;
import dev.kinfer.schemas.Box;
import dev.kinfer.schemas.Classification;
import dev.kinfer.schemas.Classifications;
import dev.kinfer.schemas.Detection;
import dev.kinfer.schemas.Detections;
import dev.kinfer.schemas.Embedding;
import dev.kinfer.schemas.ErrorInfo;
import dev.kinfer.schemas.ImageOutput;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.Point;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Timings;
import dev.kinfer.schemas.Verification;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.StoreConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code openapi.json} is a well-formed OpenAPI 3.1 document (references resolve, operations answer, path parameters
 * are declared, schemas are valid JSON Schema 2020-12), and what the code renders validates against its schemas.
 * That every route the server answers is documented is checked on the running server (ApiDocsTest, OpenApiIT).
 */
class OpenApiDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEMPLATE = Pattern.compile("\\{([^}/]+)}");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace", "query");
    private static final Set<String> JSON_MEDIA_TYPES = Set.of("application/json", "application/problem+json");
    /** The routes that need no credential (as IngestApp's authentication exempts them). */
    private static final Pattern PUBLIC = Pattern.compile("/health/.*|/openapi\\.json|/docs|/");
    /** Presigns offline: the signature is computed here, no S3 server is asked. */
    private static final ObjectStore STORE = new ObjectStore(new StoreConfig("http://127.0.0.1:9", "us-east-1", "test", "test-secret",
            "kinfer"));

    private final OpenApiContract contract = OpenApiContract.fromClasspath();
    private final JsonNode document = contract.document();

    @AfterAll
    static void closeStore() {
        STORE.close();
    }

    @Test
    void shouldBeAnOpenApi31DocumentWithTitleVersionAndPaths() {
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.at("/info/title").asText()).isNotBlank();
        assertThat(document.at("/info/version").asText()).isNotBlank();
        assertThat(document.path("paths").size()).isGreaterThanOrEqualTo(12);
    }

    @Test
    void shouldResolveEveryReferenceInsideTheDocument() {
        List<String> broken = new ArrayList<>();
        walk(document, "", (pointer, node) -> {
            if (node.has("$ref")) {
                String ref = node.path("$ref").asText();
                if (!ref.startsWith("#/") || contract.resolve(ref).isMissingNode()) {
                    broken.add(pointer + " -> " + ref);
                }
            }
            if (node.has("discriminator")) {
                node.at("/discriminator/mapping").forEach(target -> {
                    if (contract.resolve(target.asText()).isMissingNode()) {
                        broken.add(pointer + "/discriminator -> " + target.asText());
                    }
                });
            }
        });

        assertThat(broken).isEmpty();
    }

    @Test
    void shouldGiveEveryOperationAUniqueIdDeclaredTagsAndResponses() {
        Set<String> ids = new HashSet<>();
        Set<String> tags = new HashSet<>();
        document.path("tags").forEach(tag -> tags.add(tag.path("name").asText()));
        List<String> problems = new ArrayList<>();

        operations().forEach((name, operation) -> {
            if (!ids.add(operation.path("operationId").asText())) {
                problems.add(name + ": operationId missing or repeated");
            }
            if (operation.path("responses").isEmpty()) {
                problems.add(name + ": no responses");
            }
            operation.path("responses").properties().forEach(response -> {
                if (contract.deref(response.getValue()).path("description").asText().isBlank()) {
                    problems.add(name + " " + response.getKey() + ": no description");
                }
            });
            operation.path("tags").forEach(tag -> {
                if (!tags.contains(tag.asText())) {
                    problems.add(name + ": undeclared tag " + tag.asText());
                }
            });
            if (operation.path("summary").asText().isBlank()) {
                problems.add(name + ": no summary");
            }
        });

        assertThat(problems).isEmpty();
    }

    @Test
    void shouldDeclareEveryPathParameterOfEveryTemplateAndNoOther() {
        List<String> problems = new ArrayList<>();
        document.path("paths").properties().forEach(path -> {
            Set<String> template = new TreeSet<>();
            Matcher m = TEMPLATE.matcher(path.getKey());
            while (m.find()) {
                template.add(m.group(1));
            }
            path.getValue().properties().forEach(entry -> {
                if (!METHODS.contains(entry.getKey())) {
                    return;
                }
                Set<String> declared = new TreeSet<>();
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                entry.getValue().path("parameters").forEach(parameters::add);
                for (JsonNode reference : parameters) {
                    JsonNode parameter = contract.deref(reference);
                    if (!parameter.has("schema")) {
                        problems.add(path.getKey() + " " + entry.getKey() + ": parameter " + parameter.path("name") + " has no schema");
                    }
                    if (parameter.path("in").asText().equals("path")) {
                        declared.add(parameter.path("name").asText());
                        if (!parameter.path("required").asBoolean()) {
                            problems.add(path.getKey() + ": path parameter " + parameter.path("name") + " must be required");
                        }
                    }
                }
                if (!declared.equals(template)) {
                    problems.add(entry.getKey() + " " + path.getKey() + ": template has " + template + ", declared " + declared);
                }
            });
        });

        assertThat(problems).isEmpty();
    }

    @Test
    void shouldAskForACredentialOnEveryRouteButHealthAndTheReferenceAndSayWhatARefusalLooksLike() {
        Set<String> schemes = new HashSet<>();
        document.at("/components/securitySchemes").fieldNames().forEachRemaining(schemes::add);
        List<String> problems = new ArrayList<>();
        document.path("security").forEach(requirement -> requirement.fieldNames().forEachRemaining(name -> {
            if (!schemes.contains(name)) {
                problems.add("global security names undeclared scheme " + name);
            }
        }));
        assertThat(document.path("security")).isNotEmpty();

        operations().forEach((name, operation) -> {
            String path = name.substring(name.indexOf(' ') + 1);
            boolean open = operation.has("security") && operation.path("security").isEmpty();
            if (open != PUBLIC.matcher(path).matches()) {
                problems.add(name + (open ? " needs no credential but should" : " needs a credential but should not"));
            }
            if (!open && !(operation.at("/responses/401").isObject() && operation.at("/responses/403").isObject())) {
                problems.add(name + ": no 401 or 403 response");
            }
        });

        assertThat(problems).isEmpty();
    }

    @Test
    void shouldNameTheSchemaOfEveryJsonBody() {
        List<String> unnamed = new ArrayList<>();
        walk(document.path("paths"), "/paths", (pointer, node) -> {
            if (node.has("content") && node.path("content").isObject()) {
                node.path("content").properties().forEach(media -> {
                    if (JSON_MEDIA_TYPES.contains(media.getKey()) && !media.getValue().at("/schema/$ref").asText().startsWith("#/components/schemas/")) {
                        unnamed.add(pointer + " " + media.getKey());
                    }
                });
            }
        });
        walk(document.path("components"), "/components", (pointer, node) -> {
            if (!pointer.startsWith("/components/schemas") && node.has("content") && node.path("content").isObject()) {
                node.path("content").properties().forEach(media -> {
                    if (JSON_MEDIA_TYPES.contains(media.getKey()) && !media.getValue().at("/schema/$ref").asText().startsWith("#/components/schemas/")) {
                        unnamed.add(pointer + " " + media.getKey());
                    }
                });
            }
        });

        assertThat(unnamed).as("JSON bodies whose schema is not a $ref to #/components/schemas (the tests validate by name)").isEmpty();
    }

    @Test
    void shouldHoldOnlyValidJsonSchema202012() {
        var metaSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        Map<String, List<String>> invalid = new LinkedHashMap<>();

        document.at("/components/schemas").properties().forEach(schema -> {
            var errors = metaSchema.validate(schema.getValue());
            if (!errors.isEmpty()) {
                invalid.put(schema.getKey(), errors.stream().map(Object::toString).toList());
            }
            // compiling it also proves every $ref inside resolves for the validator
            contract.violations("#/components/schemas/" + schema.getKey(), JSON.nullNode());
        });

        assertThat(invalid).isEmpty();
    }

    @Test
    void shouldValidateItsOwnExamples() {
        Map<String, List<String>> invalid = new LinkedHashMap<>();
        List<String> checked = new ArrayList<>();
        walk(document, "", (pointer, node) -> {
            if (node.has("schema") && node.path("examples").isObject() && node.at("/schema/$ref").isTextual()) {
                node.path("examples").properties().forEach(example -> {
                    checked.add(pointer + "/examples/" + example.getKey());
                    List<String> errors = contract.violations(node.at("/schema/$ref").asText(), example.getValue().path("value"));
                    if (!errors.isEmpty()) {
                        invalid.put(pointer + "/examples/" + example.getKey(), errors);
                    }
                });
            }
        });

        assertThat(checked).hasSizeGreaterThanOrEqualTo(8);
        assertThat(invalid).isEmpty();
    }

    @Test
    void shouldDescribeTheJobDocumentsTheCodeRendersForEveryOutputAndState() {
        Map<String, JsonNode> rendered = new LinkedHashMap<>();
        InferenceRequest request = InferenceRequest.newBuilder().setRequestId("r-1").setTenant("public").setModel("detect-faces")
                .setInputs(List.of()).setSubmittedAt(Instant.parse("2026-11-23T10:15:30.120Z")).setCacheKey("k").build();
        rendered.put("pending", JobDocument.pending(request).render(STORE));
        rendered.put("detections", finished(ResultStatus.SUCCEEDED, new Detections(List.of(new Detection(new Box(1.5f, 2f, 30f, 40f), 0.97f,
                List.of(new Point(3f, 4f), new Point(5f, 6f))))), null, false));
        rendered.put("no faces", finished(ResultStatus.SUCCEEDED, new Detections(List.of()), null, false));
        rendered.put("classifications", finished(ResultStatus.SUCCEEDED, new Classifications(List.of(new Classification("tabby cat", 0.8f))),
                null, false));
        rendered.put("embedding", finished(ResultStatus.SUCCEEDED, new Embedding(List.of(0.1f, -0.2f, 0.3f)), null, false));
        rendered.put("verification", finished(ResultStatus.SUCCEEDED, new Verification(true, 0.91f, "eileen"), null, true));
        rendered.put("verification, no subject", finished(ResultStatus.SUCCEEDED, new Verification(false, 0.2f, null), null, false));
        rendered.put("image", finished(ResultStatus.SUCCEEDED, new ImageOutput(new ImageRef("s3://kinfer/outputs/r-1/output.png",
                "a".repeat(64), "image/png", 640, 480, 12345L)), null, false));
        rendered.put("failed", finished(ResultStatus.FAILED, null, new ErrorInfo("invalid-parameter", "threshold must be 0 to 1", false), false));
        rendered.put("expired", finished(ResultStatus.EXPIRED, null, new ErrorInfo("expired", "deadline passed", true), false));

        Map<String, List<String>> invalid = new LinkedHashMap<>();
        rendered.forEach((name, json) -> {
            List<String> errors = contract.violations("#/components/schemas/JobDocument", json);
            if (!errors.isEmpty()) {
                invalid.put(name + " " + json, errors);
            }
        });

        assertThat(invalid).isEmpty();
    }

    @Test
    void shouldDescribeTheCatalogueEntryADeploymentAnswers() throws Exception {
        CatalogEntry weighted = new CatalogEntry(new ModelManifest("stylize", "2", "stylize", "PyTorch", "model.pt", "MIT", null, 4, null,
                Map.of(), "demo: real weights"), List.of("manifest.json", "model.pt"), 1_795_428_930_120L);
        CatalogEntry weightless = new CatalogEntry(new ModelManifest("synthetic", "1", "synthetic", "Synthetic", null, null, "cpu", null, 0,
                Map.of("batchCostMs", "1"), null), List.of("manifest.json"), 1L);

        for (CatalogEntry entry : List.of(weighted, weightless)) {
            assertThat(contract.violations("#/components/schemas/CatalogEntry", JSON.readTree(entry.toJson()))).as(entry.key()).isEmpty();
        }
    }

    @Test
    void shouldRefuseWhatTheCodeNeverRenders() {
        JsonNode valid = finished(ResultStatus.SUCCEEDED, new Embedding(List.of(1f)), null, false);
        var unknownField = valid.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) unknownField).put("surprise", 1);
        var wrongOutput = valid.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) wrongOutput.at("/result/output")).put("type", "detections");

        assertThat(contract.violations("#/components/schemas/JobDocument", valid)).isEmpty();
        assertThat(contract.violations("#/components/schemas/JobDocument", unknownField)).isNotEmpty();
        assertThat(contract.violations("#/components/schemas/JobDocument", wrongOutput)).isNotEmpty();
        assertThat(contract.violations("#/components/schemas/Problem", JSON.createObjectNode().put("title", "x"))).isNotEmpty();
    }

    @Test
    void shouldDescribeProblemsAsTheCodeWritesThem() {
        List<String> errors = new ArrayList<>();
        for (ApiProblem problem : List.of(new ApiProblem(400, "corrupt-image", "Corrupt image", "the JPEG ends early"),
                new ApiProblem(503, "model-unavailable", "Model unavailable", "no worker"),
                new ApiProblem(404, "not-found", "Not found", "no route GET /nowhere"))) {
            errors.addAll(contract.violations("#/components/schemas/Problem", JSON.valueToTree(Problems.body(problem, "/v1/models/m/jobs"))));
            errors.addAll(contract.violations("#/components/schemas/Problem", JSON.valueToTree(Problems.body(problem, null))));
        }
        Map<String, Object> unknownTask = new java.util.LinkedHashMap<>();
        unknownTask.put("name", "fixed-dir");
        unknownTask.put("task", null);
        unknownTask.put("currentVersion", null);
        unknownTask.put("versions", List.of());
        unknownTask.put("workerLive", true);
        errors.addAll(contract.violations("#/components/schemas/ModelList", JSON.valueToTree(Map.of("models", List.of(unknownTask)))));

        assertThat(errors).isEmpty();
    }

    private static JsonNode finished(ResultStatus status, Object output, ErrorInfo error, boolean cached) {
        InferenceResult result = InferenceResult.newBuilder().setRequestId("r-1").setTenant("public").setModel("detect-faces")
                .setModelVersion("1").setStatus(status).setOutput(output).setError(error)
                .setTimings(new Timings(11L, 9L, 4L, 2, "detect-faces-1")).setCompletedAt(Instant.parse("2026-11-23T10:15:30.310Z")).build();
        return JobDocument.finished(result, cached ? null : Instant.parse("2026-11-23T10:15:30.120Z").toEpochMilli(), cached).render(STORE);
    }

    /** Every operation, named {@code METHOD /path}. */
    private Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            if (METHODS.contains(entry.getKey())) {
                operations.put(entry.getKey().toUpperCase() + " " + path.getKey(), entry.getValue());
            }
        }));
        return operations;
    }

    /** Visits every object node under {@code node}, with its JSON pointer. */
    private static void walk(JsonNode node, String pointer, BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(pointer, node);
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                walk(field.getValue(), pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1"), visit);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visit);
            }
        }
    }
}
