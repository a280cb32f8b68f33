package dev.kinfer.sink;

import dev.kinfer.schemas.LogContext;
import io.javalin.config.JavalinConfig;
import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * result-sink's HTTP metrics and request log context, as ingest-api has them: every request timed into
 * {@value #REQUESTS} (Prometheus {@code kinfer_http_requests_seconds_*}) by {@code route} (the path template,
 * {@value #UNMATCHED} when no endpoint serves it), {@code method}, {@code status} and {@code tenant}; its
 * {@code X-Request-Id} (ingest-api forwards its own) and W3C {@code traceparent} on every log line written while it
 * is served, the id echoed in the response.
 */
final class HttpObservation {
    static final String REQUESTS = "kinfer_http_requests";
    static final String UNMATCHED = "unmatched";
    static final String NO_TENANT = "none";
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String TRACEPARENT_HEADER = "traceparent";
    private static final String STARTED = "kinfer.startedNanos";
    private static final String SCOPE = "kinfer.logScope";
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private HttpObservation() {
    }

    /** Before and after every other handler (call it first); {@code tenant} names the tenant a request was served for. */
    static void install(JavalinConfig javalin, MeterRegistry registry, Function<Context, String> tenant) {
        JavalinState state = javalin.unsafe;
        javalin.routes.before(ctx -> {
            ctx.attribute(STARTED, System.nanoTime());
            String id = LogContext.requestId(ctx.header(REQUEST_ID_HEADER));
            if (id == null) {
                id = UUID.randomUUID().toString();
            }
            ctx.header(REQUEST_ID_HEADER, id);
            Map<String, String> entries = new LinkedHashMap<>();
            entries.put(LogContext.REQUEST_ID, id);
            entries.put(LogContext.JOB_ID, null);
            entries.put(LogContext.TENANT, null);
            entries.put(LogContext.MODEL, null);
            entries.putAll(LogContext.trace(ctx.header(TRACEPARENT_HEADER)));
            ctx.attribute(SCOPE, LogContext.put(entries));
        });
        javalin.routes.after(ctx -> {
            try {
                Long started = ctx.attribute(STARTED);
                if (started != null) {
                    String served = tenant.apply(ctx);
                    Timer.builder(REQUESTS)
                            .description("HTTP requests served, by route template, method, status and tenant")
                            .tags(Tags.of("route", route(ctx, state.internalRouter), "method", ctx.method().name(),
                                    "status", Integer.toString(ctx.statusCode()), "tenant", served == null ? NO_TENANT : served))
                            .serviceLevelObjectives(BUCKETS)
                            .register(registry)
                            .record(Duration.ofNanos(System.nanoTime() - started));
                }
            } finally {
                LogContext.Scope scope = ctx.attribute(SCOPE);
                if (scope != null) {
                    ctx.attribute(SCOPE, null);
                    scope.close();
                }
            }
        });
    }


    /** The served endpoint's path template, or the template of the one a before-handler stopped; else unmatched. */
    static String route(Context ctx, InternalRouter router) {
        Endpoint served = ctx.endpoints().lastHttpEndpoint();
        if (served != null) {
            return served.path;
        }
        if (router == null) {
            return UNMATCHED;
        }
        return router.findHttpHandlerEntries(ctx.method(), ctx.path()).findFirst().map(entry -> entry.endpoint.path).orElse(UNMATCHED);
    }
}
