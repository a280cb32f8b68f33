package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kinfer.credentials.Tenants;
import dev.kinfer.ingest.auth.AuthConfig;
import dev.kinfer.ingest.auth.Authenticator;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link EdgeMetrics} and {@link RequestContext} on a real Javalin server set up as IngestApp sets up its own:
 * virtual threads, an authentication before-handler, problem answers from exception handlers.
 */
class EdgeMetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEY = "X-API-Key";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Logger routeLog = (Logger) LoggerFactory.getLogger("edge-metrics-test");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Javalin app;
    private String base;

    @BeforeEach
    void start() {
        logged.start();
        routeLog.addAppender(logged);
        Authenticator authenticator = Authenticator.of(AuthConfig.OFF, null); // everyone who gets past the check below is 'public'
        app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            EdgeMetrics.install(javalin, registry);
            javalin.routes.before(ctx -> {
                if (!ctx.path().startsWith("/health/")) {
                    if (ctx.header(KEY) == null) {
                        throw new ApiProblem(401, "unauthenticated", "Authentication required", "no key");
                    }
                    authenticator.authenticate(ctx);
                }
            });
            javalin.routes.get("/v1/jobs/{id}", ctx -> {
                routeLog.info("status of {}", ctx.pathParam("id"));
                ctx.result("ok");
            });
            javalin.routes.get("/health/live", ctx -> {
                routeLog.info("live");
                ctx.result("live");
            });
            javalin.routes.get("/boom", ctx -> {
                throw new IllegalStateException("boom");
            });
            javalin.routes.exception(ApiProblem.class, (problem, ctx) -> Problems.write(ctx, problem));
            javalin.routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).result(e.getMessage()));
            javalin.routes.exception(Exception.class, (e, ctx) ->
                    Problems.write(ctx, new ApiProblem(500, "internal-error", "Internal error", "see the logs")));
        });
        app.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + app.port();
    }

    @AfterEach
    void stop() {
        app.stop();
        routeLog.detachAppender(logged);
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The timer is recorded in an after-handler, which may finish just after the client has its answer. */
    private Timer timer(String route, String method, String status, String tenant) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Timer timer = registry.find(EdgeMetrics.REQUESTS).tags("route", route, "method", method, "status", status, "tenant", tenant).timer();
            if (timer != null && timer.count() > 0) {
                return timer;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + EdgeMetrics.REQUESTS + " " + route + " " + method + " " + status + " " + tenant + " in\n"
                + registry.scrape());
    }

    @Test
    void shouldTimeARequestByItsRouteTemplateStatusAndTenant() throws Exception {
        get("/v1/jobs/a1", Map.of(KEY, "k"));
        get("/v1/jobs/b2", Map.of(KEY, "k"));

        assertThat(timer("/v1/jobs/{id}", "GET", "200", Tenants.PUBLIC).count()).isEqualTo(2);
        assertThat(registry.scrape()).contains("kinfer_http_requests_seconds_bucket{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"200\","
                + "tenant=\"public\",le=\"0.005\"}").doesNotContain("a1");
    }

    @Test
    void shouldNameTheRouteOfARequestAuthenticationRefusedWithNoTenant() throws Exception {
        HttpResponse<String> response = get("/v1/jobs/a1", Map.of());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(timer("/v1/jobs/{id}", "GET", "401", EdgeMetrics.NO_TENANT).count()).isEqualTo(1);
    }

    @Test
    void shouldTagARequestNoRouteServesAsUnmatched() throws Exception {
        get("/v1/no/such/route/x9", Map.of(KEY, "k"));
        get("/v1/no/such/route/y8", Map.of());

        assertThat(timer(EdgeMetrics.UNMATCHED, "GET", "404", Tenants.PUBLIC).count()).isEqualTo(1);
        assertThat(timer(EdgeMetrics.UNMATCHED, "GET", "401", EdgeMetrics.NO_TENANT).count()).isEqualTo(1);
        assertThat(registry.scrape()).doesNotContain("x9").doesNotContain("y8");
    }

    @Test
    void shouldTimeARequestThatFailedWithAnException() throws Exception {
        assertThat(get("/boom", Map.of(KEY, "k")).statusCode()).isEqualTo(500);

        assertThat(timer("/boom", "GET", "500", Tenants.PUBLIC).count()).isEqualTo(1);
    }

    @Test
    void shouldEchoASafeRequestIdAndPutItTheTenantAndTheTraceOnTheRequestsLogLines() throws Exception {
        HttpResponse<String> response = get("/v1/jobs/a1", Map.of(KEY, "k", "X-Request-Id", "client-42", "traceparent", TRACEPARENT));

        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("client-42");
        assertThat(logged.list).singleElement().satisfies(line -> assertThat(line.getMDCPropertyMap()).containsAllEntriesOf(Map.of(
                "requestId", "client-42", "tenant", Tenants.PUBLIC, "traceparent", TRACEPARENT,
                "traceId", "4bf92f3577b34da6a3ce929d0e0e4736")));
    }

    @Test
    void shouldMakeUpARequestIdForAnUnsafeOneAndIgnoreAnInvalidTraceparent() throws Exception {
        HttpResponse<String> response = get("/health/live", Map.of("X-Request-Id", "{\"forged\":true}", "traceparent", "00-xyz-01"));

        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches(UUID);
        assertThat(logged.list).singleElement().satisfies(line -> assertThat(line.getMDCPropertyMap())
                .containsEntry("requestId", id).doesNotContainKeys("tenant", "traceparent", "traceId"));
    }

    @Test
    void shouldGiveEveryRefusalARequestIdToo() throws Exception {
        List<HttpResponse<String>> refused = List.of(get("/v1/jobs/a1", Map.of()), get("/nowhere", Map.of(KEY, "k")));

        assertThat(refused).allSatisfy(response -> assertThat(response.headers().firstValue("X-Request-Id")).hasValueSatisfying(
                id -> assertThat(id).matches(UUID)));
    }

    @Test
    void shouldPublishTheJvmsMetrics() {
        assertThat(registry.scrape()).contains("jvm_memory_used_bytes").contains("jvm_threads_live_threads").contains("process_cpu_usage");
    }
}
