package dev.kinfer.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** A submission's answer as a value: written now, and kept to answer a retry with the same {@code Idempotency-Key}. */
record Answer(int status, String location, ObjectNode body) {
    void writeTo(Context ctx) {
        if (location != null) {
            ctx.header("Location", location);
        }
        ctx.status(status).contentType("application/json").result(body.toString());
    }
}
