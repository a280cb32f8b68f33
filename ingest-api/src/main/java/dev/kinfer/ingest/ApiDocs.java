package dev.kinfer.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.ParsedEndpoint;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's description and its interactive reference: {@code GET /openapi.json} answers the OpenAPI 3.1 document
 * kept beside the code ({@code openapi.json} on the classpath, read once), and {@code GET /docs} a page of Swagger UI
 * whose files come from its webjar in this service's own classpath, under {@code /docs/assets/} (no CDN; the page's
 * Content-Security-Policy allows no other origin). When the server starts, every route it serves is checked against
 * the document and the outcome logged: an undocumented route is an error.
 */
public final class ApiDocs {
    /** Where the document is served, and its classpath resource. */
    public static final String DOCUMENT_PATH = "/openapi.json";
    public static final String DOCS_PATH = "/docs";
    /** Swagger UI's own files: the webjar's directory, served as static files. */
    public static final String ASSETS_PATH = "/docs/assets";
    /** What the start-up check logs when every route is documented. */
    static final String ALL_DOCUMENTED = "openapi.json documents every route served";
    private static final String DOCUMENT_RESOURCE = "openapi.json";
    private static final String WEBJAR_PROPERTIES = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
    private static final String WEBJAR_ROOT = "/META-INF/resources/webjars/swagger-ui/";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace", "query");
    private static final Logger log = LoggerFactory.getLogger(ApiDocs.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The page's one inline script (allowed by its hash): Swagger UI on the document, nothing fetched from elsewhere. */
    private static final String INIT_SCRIPT = """
            window.addEventListener("load", function () {
              window.ui = SwaggerUIBundle({
                url: "openapi.json",
                dom_id: "#swagger-ui",
                deepLinking: true,
                presets: [SwaggerUIBundle.presets.apis],
                layout: "BaseLayout",
                validatorUrl: null,
                tryItOutEnabled: false
              });
            });
            """;

    private ApiDocs() {
    }

    /**
     * Adds {@code GET /openapi.json}, {@code GET /docs} and Swagger UI's files to the app being configured, and the
     * start-up check of its routes against the document: {@code Javalin.create(javalin -> ApiDocs.register(javalin))}.
     */
    public static void register(JavalinConfig javalin) {
        byte[] document = resource(DOCUMENT_RESOURCE);
        JsonNode parsed = parse(document);
        String version = swaggerUiVersion();
        String page = page(version);
        String policy = contentSecurityPolicy();
        javalin.staticFiles.add(files -> {
            files.hostedPath = ASSETS_PATH;
            files.directory = WEBJAR_ROOT + version;
            files.location = Location.CLASSPATH;
            // The page asks for each file with ?v=<version>, so a new Swagger UI is fetched anew at once.
            files.headers = Map.of("Cache-Control", "public, max-age=86400");
        });
        javalin.routes.get(DOCUMENT_PATH, ctx -> ctx.header("Access-Control-Allow-Origin", "*")
                .contentType("application/json").result(document));
        javalin.routes.get(DOCS_PATH, ctx -> docsPage(ctx, page, policy));
        JavalinState state = javalin.unsafe;
        javalin.events.serverStarted(() -> logCoverage(parsed, served(state.internalRouter.allHttpHandlers())));
    }

    private static void docsPage(Context ctx, String page, String policy) {
        if (ctx.path().endsWith("/")) {
            // The page's links are relative (so it works under a path prefix too): they need the path without the slash.
            ctx.redirect("../docs");
            return;
        }
        ctx.header("Content-Security-Policy", policy).header("X-Content-Type-Options", "nosniff")
                .contentType("text/html; charset=utf-8").result(page);
    }

    /** A route the server answers: its method and Javalin path, and whether it serves a given request path. */
    record Route(String method, String path, Predicate<String> serves) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** A documented operation: its method (upper case) and OpenAPI path. */
    record Operation(String method, String path) {
        /** A request path this operation answers: each path parameter {@code x}. */
        String samplePath() {
            return path.replaceAll("\\{[^}/]+}", "x");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static List<Route> served(List<ParsedEndpoint> endpoints) {
        List<Route> routes = new ArrayList<>();
        for (ParsedEndpoint endpoint : endpoints) {
            if (endpoint.endpoint.method.isHttpMethod()) {
                routes.add(new Route(endpoint.endpoint.method.name(), endpoint.endpoint.path, endpoint::matches));
            }
        }
        return routes;
    }

    /** Every operation of the document, in its order. */
    static List<Operation> operations(JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (METHODS.contains(method)) {
                    operations.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey()));
                }
            }
        }
        return operations;
    }

    /** Routes the server answers that no operation of the document describes. */
    static List<Route> undocumented(JsonNode document, List<Route> served) {
        List<Operation> operations = operations(document);
        return served.stream().filter(route -> operations.stream()
                .noneMatch(op -> op.method().equals(route.method()) && route.serves().test(op.samplePath()))).toList();
    }

    /** Operations of the document that no route answers. */
    static List<Operation> unserved(JsonNode document, List<Route> served) {
        return operations(document).stream().filter(op -> served.stream()
                .noneMatch(route -> route.method().equals(op.method()) && route.serves().test(op.samplePath()))).toList();
    }

    private static void logCoverage(JsonNode document, List<Route> served) {
        List<Route> missing = undocumented(document, served);
        if (missing.isEmpty()) {
            log.info("{} ({} routes)", ALL_DOCUMENTED, served.size());
        } else {
            log.error("routes served but missing from openapi.json: {}; describe them in ingest-api/src/main/resources/openapi.json", missing);
        }
        List<Operation> unserved = unserved(document, served);
        if (!unserved.isEmpty()) {
            log.warn("openapi.json describes operations no route serves: {}", unserved);
        }
    }

    private static String page(String version) {
        String assets = "docs/assets/"; // relative to /docs, as the document's URL is
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>kinfer API reference</title>
                  <link rel="stylesheet" href="%1$sswagger-ui.css?v=%2$s">
                  <link rel="icon" type="image/png" href="%1$sfavicon-32x32.png?v=%2$s" sizes="32x32">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="%1$sswagger-ui-bundle.js?v=%2$s"></script>
                  <script>%3$s</script>
                </body>
                </html>
                """.formatted(assets, version, INIT_SCRIPT);
    }

    /** Only this origin; the inline script by its hash; Swagger UI sets inline styles and uses data: images. */
    private static String contentSecurityPolicy() {
        return "default-src 'none'; script-src 'self' 'sha256-" + sha256Base64(INIT_SCRIPT) + "'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
    }

    private static String sha256Base64(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The version of the Swagger UI webjar on the classpath: its files live under a directory of that name. */
    static String swaggerUiVersion() {
        Properties properties = new Properties();
        try (InputStream in = new ByteArrayInputStream(resource(WEBJAR_PROPERTIES))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = properties.getProperty("version");
        if (version == null || !version.matches("[0-9A-Za-z._-]+")) {
            throw new IllegalStateException(WEBJAR_PROPERTIES + " names no version");
        }
        return version;
    }

    private static JsonNode parse(byte[] document) {
        try {
            return JSON.readTree(document);
        } catch (IOException e) {
            throw new IllegalStateException(DOCUMENT_RESOURCE + " is not JSON: " + e.getMessage(), e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
