package dev.kinfer.ingest;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Job status lives in result-sink; this forwards {@code GET /v1/jobs/{id}} there so that clients see one base
 * URL on a single machine. Behind an ingress the route goes to result-sink directly and this is never hit.
 */
final class JobStatusProxy {
    private final URI jobsUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    JobStatusProxy(String jobsUrl) {
        this.jobsUrl = URI.create(jobsUrl.endsWith("/") ? jobsUrl : jobsUrl + "/");
    }

    void forward(Context ctx) {
        String id = URLEncoder.encode(ctx.pathParam("id"), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(jobsUrl.resolve("v1/jobs/" + id)).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            ctx.status(response.statusCode());
            response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
            ctx.result(response.body());
        } catch (IOException e) {
            throw new ApiProblem(503, "status-unavailable", "Job status unavailable", "result-sink cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "status-unavailable", "Job status unavailable", "interrupted");
        }
    }
}
