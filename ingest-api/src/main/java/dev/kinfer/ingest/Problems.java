package dev.kinfer.ingest;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@link ApiProblem}s as RFC 9457 problem details. */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";
    /** A refused path can be kilobytes long; the problem names it, it need not repeat all of it. */
    private static final int MAX_INSTANCE_LENGTH = 256;
    private static final String RETRY_AFTER = "Retry-After";
    private static final String DEFAULT_RETRY_AFTER_SECONDS = "5";

    private Problems() {
    }

    static void write(Context ctx, ApiProblem problem) {
        problem.headers().forEach(ctx::header);
        if (problem.status() == 503 && ctx.res().getHeader(RETRY_AFTER) == null) {
            // Every 503 is a passing condition (a dependency down, no worker yet): say when to try again.
            ctx.header(RETRY_AFTER, DEFAULT_RETRY_AFTER_SECONDS);
        }
        ctx.status(problem.status()).json(body(problem, ctx.path())).contentType(CONTENT_TYPE);
    }

    static Map<String, Object> body(ApiProblem problem, String path) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://kinfer.dev/problems/" + problem.code());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("code", problem.code());
        body.put("detail", problem.detail());
        body.put("instance", path == null || path.length() <= MAX_INSTANCE_LENGTH ? path : path.substring(0, MAX_INSTANCE_LENGTH) + "…");
        return body;
    }
}
