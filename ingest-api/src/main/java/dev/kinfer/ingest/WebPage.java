package dev.kinfer.ingest;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web page at {@code /} and its scripts and styles under {@value #ASSETS}: plain files from the classpath
 * ({@code web/}), no build step and no third-party origin. Public: the page asks for the API key and its calls carry it.
 */
final class WebPage {
    /** Where the page's scripts and styles are served from. */
    static final String ASSETS = "/ui";
    private static final String PAGE_RESOURCE = "/web/index.html";
    /**
     * Scripts, styles and calls from this origin only; images also from http(s) origins, because outputs are shown
     * through presigned links to the object store, which is another origin (S3, MinIO), and from blob: (thumbnails).
     */
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob: http: https:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private WebPage() {
    }

    static void register(JavalinConfig javalin) {
        byte[] page = resource(PAGE_RESOURCE);
        javalin.staticFiles.add(files -> {
            files.hostedPath = ASSETS;
            files.directory = "/web/ui";
            files.location = Location.CLASSPATH;
            // Not versioned in their names: revalidated, so a new kinfer's page never runs an old script.
            files.headers = Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff");
        });
        javalin.routes.get("/", ctx -> page(ctx, page));
    }

    private static void page(Context ctx, byte[] page) {
        ctx.header("Content-Security-Policy", POLICY).header("X-Content-Type-Options", "nosniff").header("Cache-Control", "no-cache")
                .contentType("text/html; charset=utf-8").result(page);
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
