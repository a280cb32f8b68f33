package dev.kinfer.ingest;

import dev.kinfer.schemas.LogContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.MDC;

/**
 * Job status lives in result-sink; this asks it for {@code GET /v1/jobs/{id}} (and a job's webhook redelivery) on
 * behalf of the caller's tenant, so that clients see one base URL. result-sink trusts the tenant it is told: keep its port inside the cluster, never
 * route clients to it. The request's id and trace context (from its log context) go along, so result-sink's log
 * lines for it carry them too.
 */
final class JobStatusProxy {
    private final URI jobsUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What result-sink answered. */
    record Answer(int status, String contentType, byte[] body) {
    }

    JobStatusProxy(String jobsUrl) {
        this.jobsUrl = URI.create(jobsUrl.endsWith("/") ? jobsUrl : jobsUrl + "/");
    }

    /** The job as result-sink knows it, if it is {@code tenant}'s (another tenant's job is answered 404, as unknown). */
    Answer fetch(String jobId, String tenant) {
        return send(request(jobId, "", tenant).GET());
    }

    /** The tenant's most recent jobs, newest first, at most {@code limit}. */
    Answer recent(String tenant, int limit) {
        return send(HttpRequest.newBuilder(jobsUrl.resolve("v1/jobs?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8)
                + "&limit=" + limit)).timeout(Duration.ofSeconds(10)).GET());
    }

    /** Asks result-sink to deliver the job's webhook again, with a new id. */
    Answer redeliver(String jobId, String tenant) {
        return send(request(jobId, "/webhook:redeliver", tenant).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder request(String jobId, String suffix, String tenant) {
        String id = URLEncoder.encode(jobId, StandardCharsets.UTF_8);
        HttpRequest.Builder builder = HttpRequest.newBuilder(jobsUrl.resolve("v1/jobs/" + id + suffix + "?tenant="
                + URLEncoder.encode(tenant, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10));
        forward(builder, RequestContext.REQUEST_ID_HEADER, MDC.get(LogContext.REQUEST_ID));
        forward(builder, RequestContext.TRACEPARENT_HEADER, MDC.get(LogContext.TRACEPARENT));
        return builder;
    }

    private Answer send(HttpRequest.Builder builder) {
        try {
            HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.body());
        } catch (IOException e) {
            throw new ApiProblem(503, "status-unavailable", "Job status unavailable", "result-sink cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "status-unavailable", "Job status unavailable", "interrupted");
        }
    }

    private static void forward(HttpRequest.Builder request, String header, String value) {
        if (value != null) {
            request.header(header, value);
        }
    }
}
