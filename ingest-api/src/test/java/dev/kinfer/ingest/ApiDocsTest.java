package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@link ApiDocs} on a real Javalin server: the document and the Swagger UI page and files it serves, and its
 * start-up check of the routes Javalin's router holds against the document. (The routes IngestApp itself registers
 * are checked the same way on the real service by OpenApiIT, through the line this check logs.)
 */
class ApiDocsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Handler OK = ctx -> ctx.result("ok");
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

    private final List<Javalin> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Javalin::stop);
    }

    /** ingest-api's routes as IngestApp registers them, with stand-in handlers. */
    private static void ingestRoutes(JavalinConfig javalin) {
        javalin.routes.post("/v1/models/{model}/jobs", OK);
        javalin.routes.post("/v1/models/{modelAndVerb}", OK);
        javalin.routes.post("/v1/uploads", OK);
        javalin.routes.get("/v1/models/{model}", OK);
        javalin.routes.get("/v1/jobs", OK);
        javalin.routes.get("/v1/jobs/{id}", OK);
        javalin.routes.get("/v1/jobs/{id}/events", OK);
        javalin.routes.post("/v1/jobs/{id}/webhook:redeliver", OK);
        javalin.routes.get("/v1/models", OK);
        javalin.routes.post("/v1/admin/models", OK);
        javalin.routes.delete("/v1/admin/models/{model}/versions/{version}", OK);
        javalin.routes.get("/v1/webhook-secrets", OK);
        javalin.routes.post("/v1/webhook-secrets", OK);
        javalin.routes.post("/v1/webhook-secrets/{idAndVerb}", OK);
        javalin.routes.delete("/v1/webhook-secrets/{id}", OK);
        javalin.routes.get("/metrics", OK);
        javalin.routes.get("/health/live", OK);
        javalin.routes.get("/health/ready", OK);
        javalin.routes.get("/", OK);
    }

    private String start(Consumer<JavalinConfig> routes) {
        Javalin app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            ApiDocs.register(javalin);
            routes.accept(javalin);
        });
        started.add(app);
        app.start("127.0.0.1", 0);
        return "http://127.0.0.1:" + app.port();
    }

    private static HttpResponse<byte[]> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void shouldServeTheDocumentFromTheClasspathAsJson() throws Exception {
        String base = start(ApiDocsTest::ingestRoutes);

        HttpResponse<byte[]> response = get(base + "/openapi.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).isEqualTo(ApiDocs.resource("openapi.json"));
    }

    @Test
    void shouldServeSwaggerUiFromThisServerOnlyWithEveryFileItNames() throws Exception {
        String base = start(ApiDocsTest::ingestRoutes);

        HttpResponse<byte[]> page = get(base + "/docs");
        String html = new String(page.body(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'").contains("script-src 'self' 'sha256-").doesNotContain("http"));
        assertThat(html).contains("SwaggerUIBundle(").contains("url: \"openapi.json\"").doesNotContain("//cdn").doesNotContain("https:");
        List<String> assets = new ArrayList<>();
        Matcher m = ASSET.matcher(html);
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertThat(assets).hasSizeGreaterThanOrEqualTo(3).allSatisfy(asset -> assertThat(asset).doesNotContain(":").doesNotStartWith("/"));
        for (String asset : assets) {
            HttpResponse<byte[]> file = get(URI.create(base + "/docs").resolve(asset).toString());
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
            assertThat(file.body()).as(asset).isNotEmpty();
        }
        HttpResponse<byte[]> bundle = get(base + "/docs/assets/swagger-ui-bundle.js");
        assertThat(bundle.body().length).isGreaterThan(1_000_000);
        assertThat(bundle.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("javascript"));
        assertThat(get(base + "/docs/assets/swagger-ui.css").headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/css"));
        assertThat(ApiDocs.swaggerUiVersion()).isEqualTo("5.17.14");
    }

    @Test
    void shouldSendDocsWithASlashToThePageItsRelativeLinksWorkFrom() throws Exception {
        String base = start(ApiDocsTest::ingestRoutes);

        HttpResponse<byte[]> response = get(base + "/docs/");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(URI.create(base + "/docs/").resolve(response.headers().firstValue("Location").orElseThrow()).getPath()).isEqualTo("/docs");
    }

    @Test
    void shouldFindEveryRouteOfTheRouterDocumentedAndEveryOperationServed() {
        Javalin app = Javalin.create(javalin -> {
            ApiDocs.register(javalin);
            ingestRoutes(javalin);
        });
        JsonNode document = OpenApiContract.fromClasspath().document();
        List<ApiDocs.Route> served = ApiDocs.served(app.unsafe.internalRouter.allHttpHandlers());

        assertThat(served).extracting(ApiDocs.Route::toString).contains("GET /openapi.json", "GET /docs", "POST /v1/models/{modelAndVerb}");
        assertThat(ApiDocs.undocumented(document, served)).isEmpty();
        assertThat(ApiDocs.unserved(document, served)).isEmpty();
    }

    @Test
    void shouldNameARouteMissingFromTheDocumentAndAnOperationNoRouteServes() {
        Javalin app = Javalin.create(javalin -> {
            ApiDocs.register(javalin);
            ingestRoutes(javalin);
            javalin.routes.delete("/v1/jobs/{id}", OK);
            javalin.routes.get("/v1/tenants", OK);
        });
        Javalin without = Javalin.create(javalin -> {
            ApiDocs.register(javalin);
            javalin.routes.post("/v1/models/{model}/jobs", OK);
        });
        JsonNode document = OpenApiContract.fromClasspath().document();

        assertThat(ApiDocs.undocumented(document, ApiDocs.served(app.unsafe.internalRouter.allHttpHandlers())))
                .extracting(ApiDocs.Route::toString).containsExactlyInAnyOrder("DELETE /v1/jobs/{id}", "GET /v1/tenants");
        assertThat(ApiDocs.unserved(document, ApiDocs.served(without.unsafe.internalRouter.allHttpHandlers())))
                .extracting(ApiDocs.Operation::toString).contains("POST /v1/models/{model}:predict", "GET /v1/jobs/{id}")
                .doesNotContain("POST /v1/models/{model}/jobs", "GET /docs");
    }

    @Test
    void shouldLogAtStartWhetherEveryRouteIsDocumented() {
        Logger logger = (Logger) LoggerFactory.getLogger(ApiDocs.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            start(ApiDocsTest::ingestRoutes);
            start(javalin -> {
                ingestRoutes(javalin);
                javalin.routes.get("/v1/tenants", OK);
            });
        } finally {
            logger.detachAppender(appender);
        }

        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).startsWith(ApiDocs.ALL_DOCUMENTED))
                .anySatisfy(line -> assertThat(line).contains("routes served but missing from openapi.json: [GET /v1/tenants]"));
    }
}
