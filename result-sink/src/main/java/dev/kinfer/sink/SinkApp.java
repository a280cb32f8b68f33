package dev.kinfer.sink;

import dev.kinfer.credentials.SigningKey;
import dev.kinfer.credentials.WebhookSecrets;
import dev.kinfer.schemas.JvmMeters;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.sink.webhooks.WebhookService;
import dev.kinfer.store.ObjectStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * result-sink wired: the job-status Streams app, its HTTP API, webhook delivery, and the tap that records requests
 * produced straight to Kafka as jobs ({@link RequestTap}). {@code GET /metrics} serves
 * Prometheus metrics: HTTP requests ({@code kinfer_http_requests_seconds}), webhooks ({@code kinfer_webhook_*}),
 * Kafka Streams' own ({@code kafka_stream_*}), the JVM's.
 */
public final class SinkApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkApp.class);
    private static final int PARTITIONS = 4;
    private static final String SERVED_TENANT = "kinfer.servedTenant";

    private final ObjectStore store;
    private final KafkaStreams streams;
    private final JobView views;
    private final WebhookSecrets secrets;
    private final WebhookService webhooks;
    private final RequestTap requestTap;
    private final Thread requestTapThread;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streamsMetrics;
    private final Javalin http;

    private SinkApp(SinkConfig config) {
        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        this.store = new ObjectStore(config.store());
        this.views = new JobView(store);
        this.streams = new KafkaStreams(JobTopology.build(registry, config.jobRetention()), streamsProperties(config));
        this.secrets = new WebhookSecrets(config.kafka());
        this.requestTap = new RequestTap(config.kafka(), registry, config.jobRetention(), metrics);
        this.requestTapThread = Thread.ofPlatform().name("request-tap").unstarted(requestTap);
        this.webhooks = new WebhookService(config.kafka(), config.webhooks(), this::signingKeys, views::render, metrics);
        JvmMeters.bindTo(metrics);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics);
        this.http = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.jetty.host = config.host();
            javalin.jetty.port = config.port();
            HttpObservation.install(javalin, metrics, SinkApp::servedTenant);
            javalin.routes.get("/v1/jobs", this::recent);
            javalin.routes.get("/v1/jobs/{id}", this::job);
            javalin.routes.post("/v1/jobs/{id}/webhook:redeliver", this::redeliver);
            javalin.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            // The tap dead or hung is mended only by a restart; readiness leaves it out, since job status still serves.
            javalin.routes.get("/health/live", ctx -> ctx.status(requestTap.live() ? 200 : 503)
                    .result(requestTap.live() ? "live" : "not live: Kafka-native requests are no longer being read"));
            javalin.routes.exception(InvalidStateStoreException.class, (e, ctx) ->
                    problem(ctx, 503, "status-unavailable", "Job status unavailable", "job status is moving between instances; retry"));
            javalin.routes.exception(Exception.class, (e, ctx) -> {
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                problem(ctx, 500, "internal-error", "Internal error", "the server failed; see its logs");
            });
            javalin.routes.get("/health/ready", ctx -> {
                boolean running = streams.state() == KafkaStreams.State.RUNNING;
                boolean delivering = webhooks.healthy();
                ctx.status(running && delivering ? 200 : 503).result(running && delivering ? "ready"
                        : "not ready: streams " + streams.state() + (delivering ? "" : ", webhook dispatcher stalled"));
            });
        });
    }

    public static SinkApp start(SinkConfig config) {
        try (Admin admin = Admin.create(config.kafka().clientConfig(Map.of()))) {
            TopicAdmin.ensure(admin, List.of(TopicAdmin.Spec.of(Topics.RESULTS, PARTITIONS), TopicAdmin.Spec.of(Topics.JOBS, PARTITIONS),
                    TopicAdmin.Spec.progress(PARTITIONS)),
                    Duration.ofSeconds(30));
        }
        SinkApp app = new SinkApp(config);
        app.http.start(); // first: a port that is taken fails the start before any thread keeps the JVM alive
        app.streams.start();
        app.requestTapThread.start();
        app.startWebhooks();
        log.info("result-sink listening on {}:{}", config.host(), app.http.port());
        return app;
    }

    /** Once the secrets are read: a delivery taken before would find its tenant's secret missing. */
    private void startWebhooks() {
        try {
            if (!secrets.awaitCaughtUp(Duration.ofSeconds(60))) {
                throw new IllegalStateException("could not read the webhook secrets (" + Topics.WEBHOOK_SECRETS + ") within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the webhook secrets", e);
        }
        webhooks.start();
    }

    public int port() {
        return http.port();
    }

    private void job(Context ctx) {
        JobState state = ownJob(ctx);
        if (state != null) {
            ctx.json(views.renderWithWebhook(state));
        }
    }

    /** {@code GET /v1/jobs?tenant=&limit=}: the tenant's most recent jobs, newest first (ingest-api checks the limit). */
    private void recent(Context ctx) {
        String tenant = ctx.queryParam("tenant");
        if (tenant == null) {
            problem(ctx, 400, "tenant-required", "Tenant required", "ask as ingest-api does: ?tenant=<the caller's tenant>");
            return;
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            problem(ctx, 503, "status-unavailable", "Job status unavailable", "job status is being restored (" + streams.state() + ")");
            return;
        }
        int limit = Math.clamp(ctx.queryParamAsClass("limit", Integer.class).getOrDefault(20), 1, 100);
        ReadOnlyKeyValueStore<String, JobState> jobs = streams.store(
                StoreQueryParameters.fromNameAndType(JobTopology.JOBS_STORE, QueryableStoreTypes.keyValueStore()));
        List<Map<String, Object>> listed = new ArrayList<>();
        try (KeyValueIterator<String, JobState> all = jobs.all()) {
            Iterator<JobState> states = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return all.hasNext();
                }

                @Override
                public JobState next() {
                    return all.next().value;
                }
            };
            for (JobState job : RecentJobs.of(states, tenant, limit)) {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("jobId", job.jobId());
                summary.put("model", job.model());
                summary.put("status", job.status());
                summary.put("submittedAt", job.submittedAt() == null ? null : Instant.ofEpochMilli(job.submittedAt()).toString());
                summary.put("completedAt", job.completedAt() == null ? null : Instant.ofEpochMilli(job.completedAt()).toString());
                summary.put("links", Map.of("self", "/v1/jobs/" + job.jobId()));
                listed.add(summary);
            }
        }
        ctx.attribute(SERVED_TENANT, tenant);
        ctx.json(Map.of("jobs", listed));
    }

    /** {@code POST /v1/jobs/{id}/webhook:redeliver}: a new delivery of a finished job's webhook, with a new id. */
    private void redeliver(Context ctx) {
        JobState state = ownJob(ctx);
        if (state == null) {
            return;
        }
        if (state.callbackUrl() == null) {
            problem(ctx, 409, "no-callback", "No callback", "job " + state.jobId() + " was submitted without a callbackUrl");
        } else if (!state.isFinal()) {
            problem(ctx, 409, "job-not-finished", "Job not finished", "job " + state.jobId() + " is " + state.status()
                    + "; its webhook is sent when it ends");
        } else {
            String deliveryId = webhooks.redeliver(state);
            ctx.status(202).json(Map.of("jobId", state.jobId(), "deliveryId", deliveryId, "links", Map.of("self", "/v1/jobs/" + state.jobId())));
        }
    }

    /**
     * The job named in the path if it is the asking tenant's; otherwise the problem is answered and null returned.
     * ingest-api asks on behalf of a tenant: another tenant's job must look exactly like no job.
     */
    private JobState ownJob(Context ctx) {
        String id = ctx.pathParam("id");
        MDC.put(LogContext.JOB_ID, id);
        if (streams.state() != KafkaStreams.State.RUNNING) {
            problem(ctx, 503, "status-unavailable", "Job status unavailable", "job status is being restored (" + streams.state() + ")");
            return null;
        }
        String tenant = ctx.queryParam("tenant");
        if (tenant == null) {
            problem(ctx, 400, "tenant-required", "Tenant required", "ask as ingest-api does: ?tenant=<the caller's tenant>");
            return null;
        }
        ReadOnlyKeyValueStore<String, JobState> jobs = streams.store(
                StoreQueryParameters.fromNameAndType(JobTopology.JOBS_STORE, QueryableStoreTypes.keyValueStore()));
        JobState state = jobs.get(id);
        if (state == null || !tenant.equals(state.tenant())) {
            problem(ctx, 404, "unknown-job", "Unknown job", "no job with id " + id);
            return null;
        }
        ctx.attribute(SERVED_TENANT, tenant);
        return state;
    }

    /** The keys of a tenant's webhook secret that sign now: during a rotation, the new one and the retiring one. */
    private List<byte[]> signingKeys(String tenant, String secretId) {
        return secrets.find(tenant, secretId).map(secret -> secret.keysAt(Instant.now()).stream().map(SigningKey::hmacKey).toList())
                .orElse(List.of());
    }

    /** The tenant a job was answered for (the one ingest-api asked for, proven to own it); none otherwise. */
    private static String servedTenant(Context ctx) {
        return ctx.attribute(SERVED_TENANT);
    }

    private static void problem(Context ctx, int status, String code, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://kinfer.dev/problems/" + code);
        body.put("title", title);
        body.put("status", status);
        body.put("code", code);
        body.put("detail", detail);
        ctx.status(status).json(body).contentType("application/problem+json");
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Properties streamsProperties(SinkConfig config) {
        Map<String, Object> own = new HashMap<>();
        own.put(StreamsConfig.APPLICATION_ID_CONFIG, "kinfer-result-sink");
        own.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        own.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        own.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        own.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        own.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // A record on an input topic that is not a valid job or result is logged and skipped: job status must
        // not stop for one bad record.
        own.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // Likewise a record that passes deserialization but fails in processing (a field it lacks, say).
        own.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        Properties props = new Properties();
        props.putAll(config.kafka().clientConfig(own)); // Streams hands the passed-through properties to every client it makes
        return props;
    }

    @Override
    public void close() {
        http.stop();
        webhooks.close();
        requestTap.stop();
        joinQuietly(requestTapThread);
        secrets.close();
        streams.close(Duration.ofSeconds(10));
        streamsMetrics.close();
        store.close();
    }
}
