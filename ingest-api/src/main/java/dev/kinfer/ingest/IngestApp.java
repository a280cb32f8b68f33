package dev.kinfer.ingest;

import dev.kinfer.schemas.Callback;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.ObjectStoreException;
import dev.kinfer.store.S3Uri;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest-api's HTTP routes and the objects behind them, wired in one place that tests reuse. */
public final class IngestApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestApp.class);
    private static final String PARAM_PREFIX = "param.";
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String DEFAULT_TENANT = "public";

    private final IngestConfig config;
    private final ObjectStore store;
    private final Admin admin;
    private final ModelDirectory models;
    private final RequestPublisher publisher;
    private final ImageValidator validator;
    private final JobStatusProxy jobs;
    private final Javalin http;

    private IngestApp(IngestConfig config) {
        this.config = config;
        this.store = new ObjectStore(config.store());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
        this.models = new ModelDirectory(admin);
        this.publisher = new RequestPublisher(config.bootstrapServers(), new SchemaRegistryClient(config.registryUrl()));
        this.validator = new ImageValidator(config.maxImageBytes(), config.maxImagePixels());
        this.jobs = new JobStatusProxy(config.jobsUrl());
        this.http = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.jetty.host = config.host();
            javalin.jetty.port = config.port();
            // Room for the multipart framing around the largest accepted image; the image itself is checked exactly.
            javalin.jetty.multipartConfig.maxFileSize(config.maxImageBytes() + 1, SizeUnit.BYTES);
            javalin.jetty.multipartConfig.maxTotalRequestSize(config.maxImageBytes() + (1 << 20), SizeUnit.BYTES);
            javalin.http.maxRequestSize = config.maxImageBytes() + (1 << 20);
            javalin.routes.post("/v1/models/{model}/jobs", this::submit);
            javalin.routes.get("/v1/jobs/{id}", jobs::forward);
            javalin.routes.get("/v1/models", ctx -> ctx.json(Map.of("models", models.names())));
            javalin.routes.get("/health/live", ctx -> ctx.result("live"));
            javalin.routes.get("/health/ready", ctx -> ctx.result("ready"));
            javalin.routes.exception(ApiProblem.class, (problem, ctx) -> Problems.write(ctx, problem));
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                Problems.write(ctx, new ApiProblem(500, "internal-error", "Internal error", "the server failed; see its logs"));
            });
            javalin.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    Problems.write(ctx, new ApiProblem(404, "not-found", "Not found", "no route " + ctx.method() + " " + ctx.path()));
                }
            });
        });
    }

    /** Builds the app and starts listening. */
    public static IngestApp start(IngestConfig config) {
        IngestApp app = new IngestApp(config);
        app.store.ensureBucket();
        app.http.start();
        log.info("ingest-api listening on {}:{}", config.host(), app.port());
        return app;
    }

    public int port() {
        return http.port();
    }

    private void submit(Context ctx) {
        String model = ctx.pathParam("model");
        if (!models.exists(model)) {
            throw new ApiProblem(404, "unknown-model", "Unknown model",
                    "no model named '" + model + "' is deployed; deployed models: " + models.names());
        }
        if (!ctx.isMultipartFormData()) {
            throw new ApiProblem(415, "multipart-required", "Multipart form required",
                    "send the image as a multipart/form-data part named 'image'");
        }
        List<UploadedFile> images = uploadedFiles(ctx, "image");
        if (images.size() != 1) {
            throw new ApiProblem(400, "missing-image", "Image missing",
                    "expected exactly one file part named 'image', got " + images.size());
        }
        // A second image: the style of a style transfer, or the face to compare with in a verification.
        List<UploadedFile> seconds = new ArrayList<>(uploadedFiles(ctx, "style"));
        seconds.addAll(uploadedFiles(ctx, "reference"));
        if (seconds.size() > 1) {
            throw new ApiProblem(400, "too-many-images", "Too many images", "expected at most one file part named 'style' or 'reference'");
        }
        // Everything is validated before anything is stored: a bad second image must not leave the first behind.
        List<ValidatedImage> inputs = new ArrayList<>();
        inputs.add(validator.validate(read(images.getFirst())));
        for (UploadedFile second : seconds) {
            inputs.add(validator.validate(read(second)));
        }
        String callbackUrl = CallbackUrls.validate(ctx.formParam("callbackUrl"));
        Map<String, String> params = params(ctx);
        String version = modelVersion(ctx);

        List<ImageRef> refs = new ArrayList<>();
        for (ValidatedImage image : inputs) {
            refs.add(storeOnce(image));
        }
        ValidatedImage image = inputs.getFirst();
        InferenceRequest request = InferenceRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenant(DEFAULT_TENANT)
                .setModel(model)
                .setModelVersion(version)
                .setInputs(refs)
                .setParams(params)
                .setCallback(callbackUrl == null ? null : new Callback(callbackUrl, "default"))
                .setSubmittedAt(Instant.now())
                .setCacheKey(CacheKeys.of(model, version, params, inputs.stream().map(ValidatedImage::sha256).toList()))
                .build();
        publisher.publish(request);
        log.info("accepted job {} for {} ({} bytes, {}x{})", request.getRequestId(), model, image.bytes().length,
                image.width(), image.height());

        String self = "/v1/jobs/" + request.getRequestId();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", request.getRequestId());
        body.put("model", model);
        body.put("status", "PENDING");
        body.put("links", Map.of("self", self));
        ctx.status(202).header("Location", self).json(body);
    }

    /** Content-addressed: an image uploaded twice is stored once. */
    private ImageRef storeOnce(ValidatedImage image) {
        S3Uri uri = store.imageUri(image.sha256());
        try {
            if (!store.exists(uri)) {
                store.put(uri, image.bytes(), image.contentType());
            }
        } catch (ObjectStoreException e) {
            throw new ApiProblem(503, "store-unavailable", "Object store unavailable", "the image could not be stored: " + e.getMessage());
        }
        return new ImageRef(uri.toString(), image.sha256(), image.contentType(), image.width(), image.height(),
                (long) image.bytes().length);
    }

    private static List<UploadedFile> uploadedFiles(Context ctx, String part) {
        try {
            return ctx.uploadedFiles(part);
        } catch (RuntimeException e) {
            // Jetty reports a part over the configured limit while parsing the form.
            if (String.valueOf(e.getMessage()).toLowerCase().contains("max")) {
                throw new ApiProblem(413, "image-too-large", "Image too large", "the upload exceeds the size limit: " + e.getMessage());
            }
            throw new ApiProblem(400, "invalid-multipart", "Invalid multipart body", String.valueOf(e.getMessage()));
        }
    }

    private byte[] read(UploadedFile file) {
        if (file.size() > config.maxImageBytes()) {
            throw validator.tooLarge(file.size());
        }
        try (InputStream in = file.content()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ApiProblem(400, "invalid-multipart", "Upload unreadable", e.getMessage());
        }
    }

    /** An optional form field pinning the model version; the worker says if no such version is deployed. */
    private static String modelVersion(Context ctx) {
        String version = ctx.formParam("modelVersion");
        if (version == null || version.isBlank()) {
            return null;
        }
        if (!VERSION.matcher(version).matches()) {
            throw new ApiProblem(400, "invalid-model-version", "Invalid model version", "modelVersion must match " + VERSION);
        }
        return version;
    }

    /** Model parameters come as form fields named {@code param.<name>}. */
    private static Map<String, String> params(Context ctx) {
        Map<String, String> params = new TreeMap<>();
        ctx.formParamMap().forEach((name, values) -> {
            if (name.startsWith(PARAM_PREFIX) && !values.isEmpty()) {
                params.put(name.substring(PARAM_PREFIX.length()), values.getFirst());
            }
        });
        return params;
    }

    @Override
    public void close() {
        http.stop();
        publisher.close();
        admin.close();
        store.close();
    }
}
