package dev.kinfer.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.catalog.ModelCatalog;
import dev.kinfer.catalog.ModelDeployer;
import dev.kinfer.credentials.KeyRing;
import dev.kinfer.credentials.WebhookSecretAdmin;
import dev.kinfer.credentials.WebhookSecrets;
import dev.kinfer.ingest.auth.Authenticator;
import dev.kinfer.ingest.auth.Principal;
import dev.kinfer.ingest.auth.RateLimiter;
import dev.kinfer.jobs.JobDocument;
import dev.kinfer.schemas.Callback;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.CacheKeys;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.store.ContentHash;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.ObjectStoreException;
import dev.kinfer.store.S3Uri;
import io.github.bucket4j.TimeMeter;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest-api's HTTP routes and the objects behind them, wired in one place that tests reuse. */
public final class IngestApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestApp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long an {@code Idempotency-Key} answers retries, and how many are remembered. */
    private static final Duration IDEMPOTENCY_KEEP = Duration.ofHours(24);
    private static final int IDEMPOTENCY_MAX_KEYS = 100_000;
    private static final String PREDICT = ":predict";
    /** Partitions of the results and jobs topics when this instance is the first to need them (as result-sink makes them). */
    private static final int RESULT_PARTITIONS = 4;
    /** Jobs stay tracked a little longer than the longest wait, so no waiter outlives its entry. */
    private static final Duration TRACK_MARGIN = Duration.ofMinutes(1);
    /** Jetty's default, stated: a request line or headers beyond it are refused with 414 / 431 problem+json. */
    private static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;

    private final IngestConfig config;
    private final ObjectStore store;
    private final Admin admin;
    private final ModelDirectory models;
    private final WorkerPresence presence;
    private final Backlog backlog;
    private final RequestPublisher publisher;
    private final ImageValidator validator;
    private final JobTracker tracker;
    private final DeployedVersions catalog;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ResultCache cache;
    private final ResultFollower follower;
    private final JobRoutes jobs;
    private final ScheduledExecutorService sweeper;
    private final DecodeBulkhead decodes;
    private final KeyRing keys;
    private final WebhookSecrets webhookSecrets;
    private final CallbackSecrets callbackSecrets;
    private final WebhookSecretRoutes webhookSecretRoutes;
    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;
    private final Uploads uploads;
    private final SubmissionReader submissions;
    private final IdempotencyKeys idempotency;
    private final ModelDescriptions descriptions;
    private final AdminRoutes adminRoutes;
    private final Javalin http;

    private IngestApp(IngestConfig config) {
        this.config = config;
        this.store = new ObjectStore(config.store());
        this.admin = Admin.create(config.kafka().clientConfig(Map.of()));
        this.models = new ModelDirectory(admin);
        this.presence = WorkerPresence.fromKafka(admin, config.modelUnavailableAfter());
        this.backlog = Backlog.fromKafka(admin, config.maxBacklog());
        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        TopicAdmin.ensure(admin, List.of(TopicAdmin.Spec.of(Topics.RESULTS, RESULT_PARTITIONS), TopicAdmin.Spec.of(Topics.JOBS,
                RESULT_PARTITIONS), TopicAdmin.Spec.progress(RESULT_PARTITIONS)), Duration.ofSeconds(30));
        this.publisher = new RequestPublisher(config.kafka(), registry);
        this.validator = new ImageValidator(config.maxImageBytes(), config.maxImagePixels());
        this.tracker = new JobTracker(Clock.systemUTC(), JobRoutes.LONGEST_WAIT.plus(TRACK_MARGIN));
        // Made first: it creates kinfer.models if missing, and the catalogue reads the partitions that exist when it starts.
        ModelDeployer deployer = new ModelDeployer(config.kafka(), store);
        this.catalog = new DeployedVersions(new ModelCatalog(config.kafka()));
        this.cache = new ResultCache(Clock.systemUTC(), config.cacheTtl(), config.cacheMaxEntries(), JobRoutes.MAX_WAIT, metrics);
        this.follower = new ResultFollower(config.kafka(), registry, tracker, cache);
        publisher.bindMetrics(metrics);
        follower.bindMetrics(metrics);
        this.jobs = new JobRoutes(tracker, new JobStatusProxy(config.jobsUrl()), store);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("job-sweeper").daemon().unstarted(r));
        this.decodes = new DecodeBulkhead(config.maxConcurrentDecodes());
        this.keys = new KeyRing(config.kafka());
        this.authenticator = Authenticator.of(config.auth(), keys);
        this.webhookSecrets = new WebhookSecrets(config.kafka());
        this.callbackSecrets = new CallbackSecrets(webhookSecrets::find);
        this.webhookSecretRoutes = new WebhookSecretRoutes(webhookSecrets,
                new WebhookSecretAdmin(config.kafka(), webhookSecrets, Clock.systemUTC()), Clock.systemUTC());
        this.rateLimiter = new RateLimiter(TimeMeter.SYSTEM_NANOTIME, maxRequestBytes(config), metrics);
        this.uploads = new Uploads(store, config.maxImageBytes(), Clock.systemUTC());
        this.submissions = new SubmissionReader(config, validator, uploads);
        this.idempotency = new IdempotencyKeys(Clock.systemUTC(), IDEMPOTENCY_KEEP, IDEMPOTENCY_MAX_KEYS);
        this.descriptions = ModelDescriptions.of(models, catalog, presence);
        this.adminRoutes = new AdminRoutes(deployer, catalog);
        this.http = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.jetty.host = config.host();
            javalin.jetty.port = config.port();
            javalin.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES));
            javalin.jetty.modifyServer(server -> {
                server.setErrorHandler(new ProblemErrorHandler());
                // The body limit is Jetty's: it fails the read with a 413 HttpException that UploadForm recognises, and
                // refuses a too-long Content-Length before a route runs. Each image is then checked exactly. Model
                // deployment (admin only) takes model files, so its routes have a larger limit.
                RequestSizeLimits.install(server, maxRequestBytes(config), AdminRoutes.PREFIX, AdminRoutes.MAX_MODEL_BYTES);
            });
            javalin.http.maxRequestSize = maxRequestBytes(config);
            javalin.http.prefer405over404 = true;
            // Waiting for results parks a request; virtual threads make that cost no platform thread.
            javalin.concurrency.useVirtualThreads = true;
            ApiDocs.register(javalin);
            WebPage.register(javalin);
            EdgeMetrics.install(javalin, metrics); // first: times every request, opens its log context (request id, trace)
            javalin.routes.before(ctx -> {
                if (!isPublic(ctx.path())) {
                    authenticator.authenticate(ctx);
                }
            });
            javalin.routes.post("/v1/models/{model}/jobs", this::submit);
            javalin.routes.post("/v1/models/{modelAndVerb}", this::predict);
            javalin.routes.post("/v1/uploads", this::createUpload);
            javalin.routes.get("/v1/jobs", jobs::recent);
            javalin.routes.get("/v1/jobs/{id}", jobs::status);
            javalin.routes.get("/v1/jobs/{id}/events", jobs::events);
            javalin.routes.post("/v1/jobs/{id}/webhook:redeliver", jobs::redeliverWebhook);
            javalin.routes.get("/v1/models", descriptions::list);
            javalin.routes.get("/v1/models/{model}", descriptions::describe);
            javalin.routes.post("/v1/admin/models", adminRoutes::deploy);
            javalin.routes.delete("/v1/admin/models/{model}/versions/{version}", adminRoutes::undeploy);
            javalin.routes.get("/v1/webhook-secrets", webhookSecretRoutes::list);
            javalin.routes.post("/v1/webhook-secrets", webhookSecretRoutes::create);
            javalin.routes.post("/v1/webhook-secrets/{idAndVerb}", webhookSecretRoutes::rotate);
            javalin.routes.delete("/v1/webhook-secrets/{id}", webhookSecretRoutes::delete);
            javalin.routes.get("/metrics", ctx -> {
                Authenticator.requireAdmin(ctx);
                ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape());
            });
            javalin.routes.get("/health/live", ctx -> ctx.result("live"));
            javalin.routes.get("/health/ready", ctx -> ctx.result("ready"));
            javalin.routes.exception(ApiProblem.class, (problem, ctx) -> Problems.write(ctx, problem));
            javalin.routes.exception(HttpResponseException.class, IngestApp::routeProblem);
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                Problems.write(ctx, new ApiProblem(500, "internal-error", "Internal error", "the server failed; see its logs"));
            });
        });
    }

    /** Health checks answer anyone (probes carry no credentials); so does the API's own description. */
    private static boolean isPublic(String path) {
        return path.startsWith("/health/") || path.equals("/openapi.json") || path.equals("/docs") || path.startsWith("/docs/")
                || path.equals("/") || path.startsWith(WebPage.ASSETS + "/"); // the page asks for the key; its calls carry it
    }

    /** Two images (content and style, or face and reference) and the form around them. */
    private static long maxRequestBytes(IngestConfig config) {
        return 2 * config.maxImageBytes() + (1 << 20);
    }

    /** Javalin's own refusals: no such route (404), or a route that takes other methods (405, with {@code Allow}). */
    private static void routeProblem(HttpResponseException e, Context ctx) {
        if (e.getStatus() == 405) {
            String allowed = e.getDetails().getOrDefault("availableMethods", "");
            ctx.header("Allow", allowed);
            Problems.write(ctx, new ApiProblem(405, "method-not-allowed", "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path() + "; allowed: " + allowed));
        } else if (e.getStatus() == 404) {
            Problems.write(ctx, new ApiProblem(404, "not-found", "Not found", "no route " + ctx.method() + " " + ctx.path()));
        } else {
            Problems.write(ctx, new ApiProblem(e.getStatus(), e.getStatus() >= 500 ? "internal-error" : "bad-request",
                    e.getMessage(), e.getMessage()));
        }
    }

    /** Builds the app and starts listening. */
    public static IngestApp start(IngestConfig config) throws InterruptedException {
        IngestApp app = new IngestApp(config);
        app.store.ensureBucket();
        if (!config.auth().enabled()) {
            log.warn("authentication is OFF (KINFER_AUTH=off): anyone who reaches {}:{} is an admin of tenant 'public'",
                    config.host(), config.port());
        } else if (!app.keys.awaitCaughtUp(Duration.ofSeconds(30))) {
            throw new IllegalStateException("the API keys in " + Topics.KEYS + " could not be read within 30 s");
        }
        // Read before the first request, with or without authentication: submissions with a callback are checked against them.
        if (!app.webhookSecrets.awaitCaughtUp(Duration.ofSeconds(30))) {
            throw new IllegalStateException("the webhook secrets in " + Topics.WEBHOOK_SECRETS + " could not be read within 30 s");
        }
        app.follower.start();
        app.sweeper.scheduleWithFixedDelay(app.tracker::sweep, 10, 10, TimeUnit.SECONDS);
        app.http.start();
        log.info("ingest-api listening on {}:{}", config.host(), app.port());
        return app;
    }

    public int port() {
        return http.port();
    }

    /**
     * {@code POST /v1/models/{model}/jobs}: accepted (202), the result comes later; or, answered from the result
     * cache, the finished job at once (200).
     */
    private void submit(Context ctx) {
        respond(ctx, RouteParams.model(ctx), outcome -> switch (outcome) {
            case Outcome.Cached cached -> new Answer(200, null, JobDocument.finished(cached.result(), null, true).render(store));
            case Outcome.Running running -> {
                String self = "/v1/jobs/" + running.jobId();
                ObjectNode body = JSON.createObjectNode();
                body.put("jobId", running.jobId());
                body.put("model", running.request().getModel());
                body.put("status", JobDocument.PENDING);
                body.putObject("links").put("self", self);
                yield new Answer(202, self, body);
            }
        });
    }

    /** {@code POST /v1/models/{model}:predict}: one call, answered with the result when it comes within the wait. */
    private void predict(Context ctx) {
        String target = ctx.pathParam("modelAndVerb");
        if (!target.endsWith(PREDICT)) {
            throw new ApiProblem(404, "not-found", "Not found", "no route POST " + ctx.path() + "; did you mean /v1/models/{model}"
                    + PREDICT + " or /v1/models/{model}/jobs?");
        }
        respond(ctx, RouteParams.modelName(target.substring(0, target.length() - PREDICT.length())), outcome -> switch (outcome) {
            case Outcome.Cached cached -> new Answer(200, null, JobDocument.finished(cached.result(), null, true).render(store));
            case Outcome.Running running -> jobs.whenDone(ctx, running.jobId(), running.request(), running.result());
        });
    }

    /** {@code POST /v1/uploads}: a presigned PUT URL for one large image, to name in a JSON job body. */
    private void createUpload(Context ctx) {
        Principal caller = Authenticator.principal(ctx);
        rateLimiter.admitRequest(ctx, caller);
        ctx.status(201).json(uploads.create(caller.tenant()));
    }

    /** What a submission came to. */
    private sealed interface Outcome {
        /** Answered from the result cache: no job ran for it. */
        record Cached(InferenceResult result) implements Outcome {
        }

        /** A job runs for it: its own, or an identical one in flight that it joined ({@code jobId} is that job's). */
        record Running(String jobId, InferenceRequest request, CompletableFuture<InferenceResult> result) implements Outcome {
        }
    }

    /**
     * Everything a submission does before its answer: the caller's rate, the model's state, reading the submission,
     * then {@link #accept}. With an {@code Idempotency-Key}, a retry of an accepted submission is answered as the
     * first was (marked {@code Idempotent-Replayed}), even on another instance (the job id is derived from the key).
     */
    private void respond(Context ctx, String model, Function<Outcome, Answer> answering) {
        Principal caller = Authenticator.principal(ctx);
        rateLimiter.admitRequest(ctx, caller);
        if (!models.exists(model)) {
            throw descriptions.unknown(model);
        }
        if (!presence.available(model)) {
            throw new ApiProblem(503, "model-unavailable", "Model unavailable", "no worker has served '" + model + "' for more than "
                    + config.modelUnavailableAfter().toSeconds() + " s; the job would not run")
                    .header("Retry-After", Long.toString(presence.retryAfter().toSeconds()));
        }
        backlog.admit(model);
        String idempotencyKey = ctx.header(IdempotencyKeys.HEADER);
        if (idempotencyKey != null) {
            IdempotencyKeys.validate(idempotencyKey);
        }
        Submission sent = submissions.read(ctx);
        descriptions.check(model, sent);
        callbackSecrets.requireKnown(caller.tenant(), sent);
        if (idempotencyKey == null) {
            answering.apply(accept(ctx, caller, model, withImages(sent, caller), UUID.randomUUID().toString())).writeTo(ctx);
            return;
        }
        // Claimed before a JSON body's uploads are read: a retry is answered as the first was, though they are gone.
        switch (idempotency.claim(caller.tenant(), idempotencyKey, sent.fingerprint(model))) {
            case IdempotencyKeys.Claim.Replay replay -> {
                ctx.header("Idempotent-Replayed", "true");
                replay.answer().writeTo(ctx);
            }
            case IdempotencyKeys.Claim.Fresh fresh -> {
                String jobId = IdempotencyKeys.jobId(caller.tenant(), idempotencyKey);
                try {
                    Optional<Answer> elsewhere = jobs.existing(jobId, caller.tenant());
                    if (elsewhere.isPresent()) {
                        ctx.header("Idempotent-Replayed", "true"); // accepted before, through another instance
                    }
                    Answer answer = elsewhere.orElseGet(() -> answering.apply(accept(ctx, caller, model, withImages(sent, caller), jobId)));
                    idempotency.complete(fresh, answer);
                    answer.writeTo(ctx);
                } catch (RuntimeException e) {
                    idempotency.release(fresh);
                    throw e;
                }
            }
        }
    }

    /**
     * Answers from the result cache when it can (before any decoding: the cache is keyed by the bytes' hashes),
     * joins an identical run in flight, or validates the images, stores them once and publishes the request. A
     * request with a callback, or {@code Cache-Control: no-cache}, always runs: its client asked for a delivery, or
     * for a fresh answer.
     */
    /** The submission's images in hand (a JSON body's read from its uploads), their bytes charged to the caller's limit. */
    private Submission withImages(Submission sent, Principal caller) {
        Submission submission = submissions.withImages(sent, caller.tenant());
        rateLimiter.admitBytes(caller, submission.imageBytes());
        return submission;
    }

    private Outcome accept(Context ctx, Principal caller, String model, Submission submission, String jobId) {
        RequestContext.job(jobId, model);
        String cacheKey = CacheKeys.of(caller.tenant(), model, submission.params(), submission.hashes());
        String pinned = submission.pinnedVersion();
        // The version a result would come from: the pinned one, or the catalogue's current one (unknown: no caching).
        String version = pinned != null ? pinned : catalog.currentVersion(model).orElse(null);
        boolean cacheable = version != null && submission.callbackUrl() == null && !bypassesCache(ctx.header("Cache-Control"));
        if (cacheable) {
            Optional<InferenceResult> hit = cache.hit(cacheKey, version);
            if (hit.isPresent()) {
                return new Outcome.Cached(hit.get());
            }
        }
        // Everything is validated before anything is stored: a bad second image must not leave the first behind.
        List<ValidatedImage> inputs = decodes.run(ctx, () -> {
            List<ValidatedImage> validated = new ArrayList<>();
            for (int i = 0; i < submission.images().size(); i++) {
                validated.add(validator.validate(submission.images().get(i), submission.hashes().get(i)));
            }
            return validated;
        });
        InferenceRequest request = InferenceRequest.newBuilder()
                .setRequestId(jobId)
                .setTenant(caller.tenant())
                .setModel(model)
                .setModelVersion(pinned)
                .setInputs(List.of())
                .setParams(submission.params())
                .setCallback(submission.callbackUrl() == null ? null : new Callback(submission.callbackUrl(),
                        submission.callbackSecretId()))
                .setSubmittedAt(Instant.now())
                .setCacheKey(cacheKey)
                .setTraceparent(RequestContext.traceparent(ctx))
                .build();
        CompletableFuture<InferenceResult> result = tracker.accepted(request); // tracked first: the result cannot outrun it
        if (cacheable) {
            Optional<ResultCache.InFlight> running = cache.lead(cacheKey, version, request.getRequestId(), result);
            if (running.isPresent()) {
                tracker.forget(request.getRequestId());
                return new Outcome.Running(running.get().jobId(), request, running.get().result());
            }
        }
        try {
            List<ImageRef> refs = new ArrayList<>();
            for (ValidatedImage image : inputs) {
                refs.add(storeOnce(image));
            }
            request.setInputs(refs);
            publisher.publish(request);
        } catch (RuntimeException e) {
            tracker.forget(request.getRequestId());
            result.completeExceptionally(e); // requests that joined this run get its refusal, and the next one leads
            throw e;
        }
        submission.uploadIds().forEach(id -> uploads.remove(caller.tenant(), id));
        ValidatedImage image = inputs.getFirst();
        log.info("accepted job {} for {} ({} bytes, {}x{})", request.getRequestId(), model, image.bytes().length,
                image.width(), image.height());
        return new Outcome.Running(request.getRequestId(), request, result);
    }

    /** {@code Cache-Control: no-cache} (or {@code no-store}), among other directives or alone. */
    static boolean bypassesCache(String cacheControl) {
        return cacheControl != null && Arrays.stream(cacheControl.split(","))
                .map(directive -> directive.strip().toLowerCase(Locale.ROOT))
                .anyMatch(directive -> directive.equals("no-cache") || directive.equals("no-store"));
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

    @Override
    public void close() {
        http.stop();
        sweeper.shutdownNow();
        follower.close();
        adminRoutes.close();
        webhookSecretRoutes.close();
        webhookSecrets.close();
        catalog.close();
        keys.close();
        publisher.close();
        admin.close();
        store.close();
    }
}
