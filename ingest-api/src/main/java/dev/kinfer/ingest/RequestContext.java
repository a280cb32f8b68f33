package dev.kinfer.ingest;

import dev.kinfer.schemas.LogContext;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.MDC;

/**
 * Who and what a request is, on every log line written while it is served: its id (the client's
 * {@code X-Request-Id} when that is a safe token, else a new UUID; echoed in the response), the caller's tenant once
 * authenticated, and the client's W3C {@code traceparent} when valid. They live in the serving thread's MDC
 * (ingest-api serves each request on its own virtual thread) from the first before-handler to the last after-handler;
 * logstash-logback-encoder writes each as a JSON field.
 */
public final class RequestContext {
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    public static final String TRACEPARENT_HEADER = "traceparent";
    private static final String ID = "kinfer.requestId";
    private static final String SCOPE = "kinfer.logScope";

    private RequestContext() {
    }

    /** Opens the request's log context: called first thing (a before-handler). */
    static void open(Context ctx) {
        String id = LogContext.requestId(ctx.header(REQUEST_ID_HEADER));
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        ctx.attribute(ID, id);
        ctx.header(REQUEST_ID_HEADER, id); // set now: error answers keep the headers already set
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(LogContext.REQUEST_ID, id);
        entries.put(LogContext.TENANT, null); // set by authentication
        entries.put(LogContext.JOB_ID, null);
        entries.put(LogContext.MODEL, null);
        entries.putAll(LogContext.trace(ctx.header(TRACEPARENT_HEADER)));
        ctx.attribute(SCOPE, LogContext.put(entries));
    }

    /** Closes it: called last thing (an after-handler). */
    static void close(Context ctx) {
        LogContext.Scope scope = ctx.attribute(SCOPE);
        if (scope != null) {
            ctx.attribute(SCOPE, null);
            scope.close();
        }
    }

    /** The request's id, as echoed in {@code X-Request-Id}; null before {@link #open}. */
    public static String requestId(Context ctx) {
        return ctx.attribute(ID);
    }

    /**
     * The request's W3C {@code traceparent} if it sent a valid one, else null: what goes in
     * {@code InferenceRequest.traceparent}, for the worker and result-sink to log.
     */
    public static String traceparent(Context ctx) {
        return LogContext.traceparent(ctx.header(TRACEPARENT_HEADER));
    }

    /** The authenticated caller's tenant, on this request's log lines from now on. */
    public static void tenant(String tenant) {
        MDC.put(LogContext.TENANT, tenant);
    }

    /** The job this request submits, on its log lines from now on (as on the worker's and result-sink's). */
    public static void job(String jobId, String model) {
        MDC.put(LogContext.JOB_ID, jobId);
        MDC.put(LogContext.MODEL, model);
    }
}
