package dev.kinfer.schemas;

import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * What every service puts in its log lines' MDC (logstash-logback-encoder writes each entry as a JSON field) while
 * it works on one HTTP request or one job, under the same names everywhere, and the checks on what clients send
 * for them: a W3C {@code traceparent} (carried in {@link InferenceRequest#getTraceparent()} from ingest-api to the
 * worker and result-sink) and an {@code X-Request-Id}.
 */
public final class LogContext {
    /** The HTTP request's id: the client's {@code X-Request-Id} when it is a safe token, else one made up. */
    public static final String REQUEST_ID = "requestId";
    /** The job's id: {@link InferenceRequest#getRequestId()}, the key of its records, {@code jobId} in the HTTP API. */
    public static final String JOB_ID = "jobId";
    public static final String TENANT = "tenant";
    public static final String MODEL = "model";
    /** The W3C trace context the client sent, as sent (once valid). */
    public static final String TRACEPARENT = "traceparent";
    /** Its trace id alone (32 hex digits): what log stores join traces on. */
    public static final String TRACE_ID = "traceId";

    /** {@code KINFER_SERVICE}: read by each service's {@code logback.xml} (not by Java), declared here to be documented. */
    public static final Setting<String> SERVICE = Setting.string("KINFER_SERVICE").defaultTo("kinfer")
            .doc("The `service` field of every JSON log line (read by each service's `logback.xml`); `./kinfer up` sets it per process.");
    /** The logging settings every service has. */
    public static final Settings SETTINGS = Settings.of(SERVICE);

    /** Version 00 of W3C Trace Context: version, trace id, parent (span) id, flags; lower-case hex only. */
    private static final Pattern TRACEPARENT_00 = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);
    /** Short, and nothing that could forge a log line, a header or a JSON field. */
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private LogContext() {
    }

    /**
     * {@code header} if it is a valid version-00 {@code traceparent} (W3C Trace Context: lower-case hex, neither
     * id all zeros), else null: an invalid one is ignored, as the recommendation asks.
     */
    public static String traceparent(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        Matcher parts = TRACEPARENT_00.matcher(value);
        if (!parts.matches() || parts.group(1).equals(ZERO_TRACE) || parts.group(2).equals(ZERO_PARENT)) {
            return null;
        }
        return value;
    }

    /** The trace id of a valid {@code traceparent}, else null. */
    public static String traceId(String traceparent) {
        String valid = traceparent(traceparent);
        return valid == null ? null : valid.substring(3, 35);
    }

    /** {@code header} if it is a safe request id (1 to 64 letters, digits and {@code . _ : -}), else null. */
    public static String requestId(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        return SAFE_REQUEST_ID.matcher(value).matches() ? value : null;
    }

    /** Puts the job's id, tenant, model and trace context in the MDC until the scope closes. */
    public static Scope job(InferenceRequest request) {
        return job(request.getRequestId(), request.getTenant(), request.getModel(), request.getTraceparent());
    }

    /** Puts a job's id, tenant, model and trace context (each when known) in the MDC until the scope closes. */
    public static Scope job(String jobId, String tenant, String model, String traceparent) {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(JOB_ID, jobId);
        entries.put(TENANT, tenant);
        entries.put(MODEL, model);
        entries.putAll(trace(traceparent));
        return put(entries);
    }

    /** {@link #TRACEPARENT} and {@link #TRACE_ID} of a valid {@code traceparent}; both null otherwise. */
    public static Map<String, String> trace(String traceparent) {
        String valid = traceparent(traceparent);
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(TRACEPARENT, valid);
        entries.put(TRACE_ID, valid == null ? null : valid.substring(3, 35));
        return entries;
    }

    /**
     * Puts {@code entries} in this thread's MDC (a null value removes that key) until the scope closes, which puts
     * back what was there before: scopes nest.
     */
    public static Scope put(Map<String, String> entries) {
        Map<String, String> previous = new LinkedHashMap<>();
        entries.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            set(key, value);
        });
        return () -> previous.forEach(LogContext::set);
    }

    private static void set(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** An MDC scope; closing it cannot fail. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
