package dev.kinfer.ingest;

import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.InputSpec;
import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.catalog.ParamSpec;
import dev.kinfer.catalog.TaskSpec;
import dev.kinfer.catalog.TaskSpecs;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What each model is, takes and gives ({@code GET /v1/models}, {@code GET /v1/models/{model}}), and the edge's
 * check of a submission against the same description: a parameter the model's task does not take or cannot parse
 * is {@code 400 invalid-parameter}, and too few or too many images (or a file part the task does not take) are
 * refused, before anything is decoded, stored or published. Everything comes from the model's catalogue entry
 * (its task's {@link TaskSpec}, the defaults its manifest gives) and from {@link WorkerPresence}; workers check
 * requests with the same {@link TaskSpecs}, since producers may write to the request topics directly.
 *
 * <p>A model served by a worker outside the catalogue (one started on a fixed {@code KINFER_MODEL_DIR}) has no
 * entry: it is described by name and worker alone, and its requests are left for the worker to check.
 */
final class ModelDescriptions {
    private static final String PREDICT = ":predict";

    private final Supplier<Set<String>> names;
    private final Predicate<String> exists;
    private final Function<String, List<CatalogEntry>> versions;
    private final Predicate<String> workerLive;

    /**
     * @param names      the models requests can be sent to
     * @param exists     whether one model can be sent requests (asked afresh for a model {@code names} lacks)
     * @param versions   a model's deployed versions, oldest deployment first (the last is current)
     * @param workerLive whether submissions to a model are taken: a worker serves it, or did within the grace period
     */
    ModelDescriptions(Supplier<Set<String>> names, Predicate<String> exists, Function<String, List<CatalogEntry>> versions,
                      Predicate<String> workerLive) {
        this.names = names;
        this.exists = exists;
        this.versions = versions;
        this.workerLive = workerLive;
    }

    static ModelDescriptions of(ModelDirectory models, DeployedVersions catalog, WorkerPresence presence) {
        return new ModelDescriptions(models::names, models::exists, catalog::versions, presence::available);
    }

    /** {@code GET /v1/models}. */
    void list(Context ctx) {
        ctx.json(list());
    }

    /** {@code GET /v1/models/{model}}. */
    void describe(Context ctx) {
        String target = ctx.pathParam("model");
        if (target.endsWith(PREDICT)) {
            throw new ApiProblem(405, "method-not-allowed", "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path() + "; allowed: POST").header("Allow", "POST");
        }
        ctx.json(describe(RouteParams.modelName(target)));
    }

    /** Every model requests can be sent to, described, by name. */
    Map<String, Object> list() {
        List<Map<String, Object>> models = new ArrayList<>();
        for (String name : names.get()) {
            models.add(description(name));
        }
        return Map.of("models", models);
    }

    /** One model, described; 404 {@code unknown-model} if requests cannot be sent to it. */
    Map<String, Object> describe(String model) {
        if (!exists.test(model)) {
            throw unknown(model);
        }
        return description(model);
    }

    /** The {@code 404 unknown-model} problem a submission to {@code model} gets too. */
    ApiProblem unknown(String model) {
        return new ApiProblem(404, "unknown-model", "Unknown model",
                "no model named '" + model + "' is deployed; deployed models: " + names.get());
    }

    /**
     * Checks a submission's images and parameters against what its model's task takes (the pinned version's task
     * when that version is deployed, else the current one's), before anything is decoded, stored or published:
     * {@code 400 invalid-parameter} naming the parameter, {@code 400 missing-image} or {@code too-many-images} for
     * the wrong number of images. A model outside the catalogue is left to its worker.
     */
    void check(String model, Submission submission) {
        check(model, submission.pinnedVersion(), submission.parts(), submission.params());
    }

    /**
     * {@link #check(String, Submission)}, knowing which file part each image came in when it is known: then a part
     * the task does not take is {@code 400 unknown-part} (a {@code reference} for {@code detect-faces}, or for
     * {@code style-transfer}, which takes a {@code style}).
     *
     * @param parts the file part of each image, in order; null for an image that came without a name (a JSON
     *              submission's inputs are in the task's order)
     */
    void check(String model, String pinnedVersion, List<String> parts, Map<String, String> params) {
        spec(model, pinnedVersion).ifPresent(spec -> {
            checkInputs(model, spec, parts);
            checkParams(spec, params);
        });
    }

    /**
     * Refuses parameters the model's current version does not take or cannot parse: {@code 400 invalid-parameter}
     * naming the parameter. A model outside the catalogue is not checked here (its worker checks).
     */
    void checkParams(String model, Map<String, String> params) {
        spec(model, null).ifPresent(spec -> checkParams(spec, params));
    }

    private static void checkParams(TaskSpec spec, Map<String, String> params) {
        try {
            spec.check(params);
        } catch (InvalidParameterException e) {
            throw new ApiProblem(400, "invalid-parameter", "Invalid parameter", e.getMessage());
        }
    }

    private static void checkInputs(String model, TaskSpec spec, List<String> parts) {
        String what = model.equals(spec.task()) ? model : model + " (" + spec.task() + ")";
        List<String> takes = spec.inputs().stream().map(i -> "'" + i.name() + "'").toList();
        if (parts.stream().anyMatch(Objects::isNull)) { // not contains(null): List.of refuses to be asked that
            if (parts.size() > spec.maxImages()) {
                throw new ApiProblem(400, "too-many-images", "Too many images", what + " takes at most " + spec.maxImages()
                        + " image(s) " + takes + ", got " + parts.size());
            }
            if (parts.size() < spec.minImages()) {
                throw new ApiProblem(400, "missing-image", "Image missing", what + " needs " + spec.minImages() + " images "
                        + takes + ", got " + parts.size() + "; missing: " + spec.inputs().get(parts.size()).description());
            }
            return;
        }
        for (String part : new TreeSet<>(parts)) {
            if (spec.input(part).isEmpty()) {
                throw new ApiProblem(400, "unknown-part", "Unknown file part", what + " takes no file part '" + part + "'; it takes " + takes);
            }
        }
        for (InputSpec input : spec.inputs()) {
            int count = Collections.frequency(parts, input.name());
            if (input.required() && count == 0) {
                throw new ApiProblem(400, "missing-image", "Image missing", what + " needs a file part named '" + input.name() + "': "
                        + input.description());
            }
            if (count > input.maxCount()) {
                throw new ApiProblem(400, "too-many-images", "Too many images", "expected at most " + input.maxCount()
                        + " file part(s) named '" + input.name() + "', got " + count);
            }
        }
    }

    /** The task of the version a request runs on (the pinned one if deployed, else the current one), if known. */
    private Optional<TaskSpec> spec(String model, String pinnedVersion) {
        List<CatalogEntry> deployed = versions.apply(model);
        Optional<CatalogEntry> entry = deployed.stream().filter(e -> e.version().equals(pinnedVersion)).findFirst()
                .or(() -> deployed.isEmpty() ? Optional.empty() : Optional.of(deployed.getLast()));
        return entry.flatMap(e -> TaskSpecs.find(e.manifest().task()));
    }

    private Map<String, Object> description(String model) {
        List<CatalogEntry> deployed = versions.apply(model);
        CatalogEntry current = deployed.isEmpty() ? null : deployed.getLast();
        ModelManifest manifest = current == null ? null : current.manifest();
        Optional<TaskSpec> spec = manifest == null ? Optional.empty() : TaskSpecs.find(manifest.task());
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("name", model);
        description.put("task", manifest == null ? null : manifest.task());
        spec.ifPresent(s -> description.put("description", s.description()));
        description.put("currentVersion", current == null ? null : current.version());
        description.put("versions", deployed.reversed().stream().map(ModelDescriptions::version).toList());
        spec.ifPresent(s -> {
            description.put("inputs", s.inputs().stream().map(ModelDescriptions::input).toList());
            description.put("parameters", s.params().stream().map(p -> parameter(s, p, manifest.options())).toList());
            description.put("output", Map.of("type", s.output().type(), "description", s.output().description()));
        });
        if (manifest != null) {
            Map<String, Object> batching = new LinkedHashMap<>();
            batching.put("maxBatchSize", manifest.maxBatchSize() != null ? manifest.maxBatchSize() : ModelManifest.DEFAULT_MAX_BATCH_SIZE);
            batching.put("maxDelayMs", manifest.maxDelayMs() != null ? manifest.maxDelayMs() : ModelManifest.DEFAULT_MAX_DELAY_MS);
            description.put("batching", batching);
        }
        description.put("workerLive", workerLive.test(model));
        return description;
    }

    private static Map<String, Object> version(CatalogEntry entry) {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("version", entry.version());
        version.put("deployedAt", Instant.ofEpochMilli(entry.deployedAtMs()).toString());
        version.put("engine", entry.manifest().engine());
        version.put("license", entry.manifest().license());
        if (entry.manifest().source() != null) {
            version.put("source", entry.manifest().source());
        }
        return version;
    }

    private static Map<String, Object> input(InputSpec input) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("name", input.name());
        part.put("required", input.required());
        part.put("maxCount", input.maxCount());
        part.put("description", input.description());
        return part;
    }

    /** In JSON Schema's words where it has them: type, default, (exclusive) minimum and maximum, pattern. */
    private static Map<String, Object> parameter(TaskSpec spec, ParamSpec param, Map<String, String> options) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("name", param.name());
        described.put("type", param.type().jsonName());
        described.put("description", param.description());
        String defaultValue = param.defaultFor(options);
        if (defaultValue != null) {
            described.put("default", param.typed(defaultValue));
        }
        if (param.minimum() != null) {
            described.put(param.minimumExclusive() ? "exclusiveMinimum" : "minimum", bound(param, param.minimum()));
        }
        if (param.maximum() != null) {
            described.put(param.maximumExclusive() ? "exclusiveMaximum" : "maximum", bound(param, param.maximum()));
        }
        if (!param.values().isEmpty()) {
            described.put("values", param.values());
        }
        if (param.pattern() != null) {
            described.put("pattern", param.pattern().pattern());
        }
        Set<String> excluded = spec.excludedBy(param.name());
        if (!excluded.isEmpty()) {
            described.put("notWith", List.copyOf(excluded));
        }
        return described;
    }

    private static Object bound(ParamSpec param, double bound) {
        return param.type() == ParamSpec.Type.INTEGER ? (Object) (long) bound : (Object) bound;
    }
}
