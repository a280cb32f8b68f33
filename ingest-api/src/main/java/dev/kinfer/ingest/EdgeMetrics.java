package dev.kinfer.ingest;

import dev.kinfer.ingest.auth.Authenticator;
import dev.kinfer.ingest.auth.Principal;
import dev.kinfer.schemas.JvmMeters;
import io.javalin.config.JavalinConfig;
import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.InternalRouter;
import io.javalin.router.ParsedEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;

/**
 * ingest-api's HTTP metrics and request log context, installed on the Javalin config before any other handler:
 * {@code EdgeMetrics.install(javalin, metrics)}.
 *
 * <p>Every request, whatever its outcome (refused by authentication, no such route, an exception), is timed into
 * {@value #REQUESTS} (Prometheus: {@code kinfer_http_requests_seconds_bucket|_count|_sum|_max}), tagged
 * {@code route} (the endpoint's path template, e.g. {@code /v1/jobs/{id}}, never the raw path: {@value #UNMATCHED}
 * for a request no endpoint serves), {@code method}, {@code status} and {@code tenant} (the authenticated caller's,
 * else {@value #NO_TENANT}). The histogram has fixed buckets from 5 ms to 5 min (long polls and {@code :predict}
 * wait up to 300 s): a percentile histogram would publish some 80 buckets per series. The JVM's memory, GC,
 * threads, class loading, CPU and uptime are bound too. {@link RequestContext} opens and closes the request's log
 * context around it all.
 */
public final class EdgeMetrics {
    /** The timer's name; Prometheus appends {@code _seconds}. */
    public static final String REQUESTS = "kinfer_http_requests";
    public static final String UNMATCHED = "unmatched";
    public static final String NO_TENANT = "none";
    private static final String STARTED = "kinfer.startedNanos";
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private EdgeMetrics() {
    }

    /**
     * Times every request into {@code registry} and keeps its log context, with handlers that run before and after
     * all others (so call this before registering any other before-handler, authentication included); binds the
     * JVM's metrics.
     */
    public static void install(JavalinConfig javalin, MeterRegistry registry) {
        JvmMeters.bindTo(registry);
        JavalinState state = javalin.unsafe;
        javalin.routes.before(ctx -> {
            ctx.attribute(STARTED, System.nanoTime());
            RequestContext.open(ctx);
        });
        javalin.routes.after(ctx -> {
            try {
                Long started = ctx.attribute(STARTED);
                if (started != null) {
                    timer(registry, route(ctx, state.internalRouter), ctx.method().name(), ctx.statusCode(), tenant(ctx))
                            .record(Duration.ofNanos(System.nanoTime() - started));
                }
            } finally {
                RequestContext.close(ctx);
            }
        });
    }


    static Timer timer(MeterRegistry registry, String route, String method, int status, String tenant) {
        return Timer.builder(REQUESTS)
                .description("HTTP requests served, by route template, method, status and tenant")
                .tags(Tags.of("route", route, "method", method, "status", Integer.toString(status), "tenant", tenant))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /**
     * The path template of the endpoint that served the request; when a before-handler refused it before its
     * endpoint ran (401, 429, ...), the template of the endpoint it was for; {@value #UNMATCHED} when none serves it.
     */
    static String route(Context ctx, InternalRouter router) {
        Endpoint served = ctx.endpoints().lastHttpEndpoint();
        if (served != null) {
            return served.path;
        }
        if (router == null) {
            return UNMATCHED;
        }
        String path = ctx.path();
        String contextPath = ctx.contextPath();
        if (contextPath.length() > 1 && path.startsWith(contextPath)) {
            path = path.substring(contextPath.length());
        }
        return router.findHttpHandlerEntries(ctx.method(), path).findFirst().map(EdgeMetrics::template).orElse(UNMATCHED);
    }

    private static String template(ParsedEndpoint endpoint) {
        return endpoint.endpoint.path;
    }

    private static String tenant(Context ctx) {
        Optional<Principal> caller = Authenticator.authenticated(ctx);
        return caller.map(Principal::tenant).orElse(NO_TENANT);
    }
}
