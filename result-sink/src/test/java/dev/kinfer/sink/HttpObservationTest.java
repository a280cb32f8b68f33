package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HttpObservationTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Logger routeLog = (Logger) LoggerFactory.getLogger("http-observation-test");
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Javalin app;
    private String base;

    @BeforeEach
    void start() {
        logged.start();
        routeLog.addAppender(logged);
        app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            HttpObservation.install(javalin, registry, ctx -> ctx.attribute("served"));
            javalin.routes.get("/v1/jobs/{id}", ctx -> {
                routeLog.info("job {}", ctx.pathParam("id"));
                ctx.attribute("served", ctx.queryParam("tenant"));
                ctx.result("ok");
            });
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

    private Timer timer(String route, String status, String tenant) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Timer timer = registry.find(HttpObservation.REQUESTS).tags("route", route, "status", status, "tenant", tenant).timer();
            if (timer != null && timer.count() > 0) {
                return timer;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no timer " + route + " " + status + " " + tenant + " in\n" + registry.scrape());
    }

    @Test
    void shouldTimeByRouteTemplateAndTenantAndTagWhatNoRouteServesAsUnmatched() throws Exception {
        get("/v1/jobs/j-1?tenant=acme", Map.of());
        get("/elsewhere/j-2", Map.of());

        assertThat(timer("/v1/jobs/{id}", "200", "acme").count()).isEqualTo(1);
        assertThat(timer(HttpObservation.UNMATCHED, "404", HttpObservation.NO_TENANT).count()).isEqualTo(1);
        assertThat(registry.scrape()).contains("kinfer_http_requests_seconds_bucket{").doesNotContain("j-1").doesNotContain("j-2");
    }

    @Test
    void shouldKeepTheForwardedRequestIdAndTraceOnTheRequestsLogLines() throws Exception {
        HttpResponse<String> response = get("/v1/jobs/j-1?tenant=acme", Map.of("X-Request-Id", "ingest-7", "traceparent", TRACEPARENT));

        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("ingest-7");
        assertThat(logged.list).singleElement().satisfies(line -> assertThat(line.getMDCPropertyMap()).containsAllEntriesOf(Map.of(
                "requestId", "ingest-7", "traceparent", TRACEPARENT, "traceId", "4bf92f3577b34da6a3ce929d0e0e4736")));
    }
}
