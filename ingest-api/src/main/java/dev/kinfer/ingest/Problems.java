package dev.kinfer.ingest;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@link ApiProblem}s as RFC 9457 problem details. */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";

    private Problems() {
    }

    static void write(Context ctx, ApiProblem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://kinfer.dev/problems/" + problem.code());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("code", problem.code());
        body.put("detail", problem.detail());
        body.put("instance", ctx.path());
        ctx.status(problem.status()).json(body).contentType(CONTENT_TYPE);
    }
}
