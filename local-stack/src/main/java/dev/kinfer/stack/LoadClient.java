package dev.kinfer.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One HTTP client of {@code ./kinfer bench --http}: sends a JPEG as {@code multipart/form-data} (part
 * {@code image}) the way a client does, follows the job to its end in one of the ways kinfer offers (or calls the
 * hand-written baseline server), and times it on this JVM's clock. A {@code 503} or {@code 429} is retried after
 * its {@code Retry-After} (at most 1 s), as a client would, and counted.
 */
final class LoadClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "EXPIRED", "DEAD_LETTERED", "CANCELLED");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration POLL_EVERY = Duration.ofMillis(20);

    /** How a client gets its answer. */
    enum Mode {
        PREDICT("kinfer `:predict`"),
        SSE("kinfer job + SSE"),
        POLL("kinfer job + polling 20 ms"),
        BASELINE("hand-written server");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /**
     * One request as the client saw it. Times in ns on this JVM's clock ({@code start} is when it was due, for an
     * open loop); stage figures from the job's {@code result.timings} (NaN where the answer has none).
     */
    record Sample(long start, long end, boolean ok, int retries, double batchSize, double queuedMs, double fetchMs,
                  double inferenceMs, String error) {
        double latencyMs() {
            return (end - start) / 1e6;
        }
    }

    /** The endpoint answered 404: this kind of call is not offered by the server under test. */
    static final class NotOffered extends RuntimeException {
        NotOffered(String what) {
            super(what);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiUrl;
    private final String baselineUrl;
    private final String model;
    /** Sent as {@code X-API-Key} to every server (the baseline ignores it: the same header cost on both sides). */
    private final String apiKey;
    private final AtomicInteger retries = new AtomicInteger();

    LoadClient(String apiUrl, String baselineUrl, String model, String apiKey) {
        this.apiUrl = apiUrl;
        this.apiKey = apiKey;
        this.baselineUrl = baselineUrl;
        this.model = model;
    }

    /** Sends {@code jpeg} and waits for its final answer; {@code due} is the start of its latency. */
    Sample call(Mode mode, byte[] jpeg, long due) {
        int retriesBefore = retries.get();
        try {
            JsonNode answer = switch (mode) {
                case BASELINE -> baseline(jpeg);
                case PREDICT -> predict(jpeg);
                case SSE -> events(submit(jpeg));
                case POLL -> poll(submit(jpeg));
            };
            long end = System.nanoTime();
            int retried = retries.get() - retriesBefore;
            if (mode == Mode.BASELINE) {
                return new Sample(due, end, true, retried, answer.path("batchSize").asDouble(Double.NaN), Double.NaN, Double.NaN,
                        Double.NaN, null);
            }
            JsonNode timings = answer.path("result").path("timings");
            boolean ok = "SUCCEEDED".equals(answer.path("status").asText());
            return new Sample(due, end, ok, retried, number(timings, "batchSize"), number(timings, "queuedMs"),
                    number(timings, "fetchMs"), number(timings, "inferenceMs"),
                    ok ? null : answer.path("status").asText() + " " + answer.path("result").path("error"));
        } catch (NotOffered e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return new Sample(due, System.nanoTime(), false, retries.get() - retriesBefore, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sample(due, System.nanoTime(), false, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "interrupted");
        }
    }

    private static double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isNumber() ? Double.NaN : value.asDouble();
    }

    private JsonNode baseline(byte[] jpeg) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = postImage(baselineUrl + "/predict", jpeg);
        if (response.statusCode() != 200) {
            throw new IOException("baseline answered " + response.statusCode() + ": " + text(response));
        }
        return JSON.readTree(response.body());
    }

    /** {@code POST :predict}: 200 with the finished job, or 202 and then the job, waited on with {@code ?wait=30}. */
    private JsonNode predict(byte[] jpeg) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = postImage(apiUrl + "/v1/models/" + model + ":predict", jpeg);
        if (response.statusCode() == 404 && text(response).contains("no route")) {
            throw new NotOffered("POST /v1/models/{model}:predict answered 404: " + text(response));
        }
        if (response.statusCode() == 200) {
            return JSON.readTree(response.body());
        }
        if (response.statusCode() != 202) {
            throw new IOException(":predict answered " + response.statusCode() + ": " + text(response));
        }
        JsonNode job = JSON.readTree(response.body());
        String self = job.path("links").path("self").asText("/v1/jobs/" + job.path("jobId").asText());
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (!FINAL.contains(job.path("status").asText()) && System.nanoTime() < deadline) {
            HttpResponse<byte[]> poll = get(apiUrl + self + (self.contains("?") ? "&" : "?") + "wait=30", Duration.ofSeconds(40));
            if (poll.statusCode() == 200) {
                job = JSON.readTree(poll.body());
            } else if (poll.statusCode() != 404) {
                throw new IOException("GET " + self + " answered " + poll.statusCode() + ": " + text(poll));
            }
        }
        return job;
    }

    /** {@code POST /v1/models/{model}/jobs}: the job's id once accepted. */
    private String submit(byte[] jpeg) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = postImage(apiUrl + "/v1/models/" + model + "/jobs", jpeg);
        if (response.statusCode() == 200) {
            // A cache hit may answer the finished job at once.
            return JSON.readTree(response.body()).path("jobId").asText();
        }
        if (response.statusCode() != 202) {
            throw new IOException("POST /jobs answered " + response.statusCode() + ": " + text(response));
        }
        return JSON.readTree(response.body()).path("jobId").asText();
    }

    /** {@code GET /v1/jobs/{id}} every 20 ms until the job is final (404 while result-sink has not seen it yet). */
    private JsonNode poll(String jobId) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<byte[]> response = get(apiUrl + "/v1/jobs/" + jobId, Duration.ofSeconds(15));
            if (response.statusCode() == 200) {
                JsonNode job = JSON.readTree(response.body());
                if (FINAL.contains(job.path("status").asText())) {
                    return job;
                }
            } else if (response.statusCode() != 404) {
                throw new IOException("GET /v1/jobs/" + jobId + " answered " + response.statusCode() + ": " + text(response));
            }
            Thread.sleep(POLL_EVERY);
        }
        throw new IOException("job " + jobId + " not final after " + REQUEST_TIMEOUT);
    }

    /**
     * {@code GET /v1/jobs/{id}/events}: Server-Sent Events, each event's data the job document, until one is final
     * (the stream ends with the job). A stream that ends early is followed by one plain {@code GET} of the job.
     */
    private JsonNode events(String jobId) throws IOException, InterruptedException {
        HttpRequest request = authorized(URI.create(apiUrl + "/v1/jobs/" + jobId + "/events"))
                .header("Accept", "text/event-stream").timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() == 404) {
                String body = String.join("\n", lines.toList());
                if (body.contains("no route")) {
                    throw new NotOffered("GET /v1/jobs/{id}/events answered 404: " + body);
                }
                throw new IOException("GET /v1/jobs/" + jobId + "/events answered 404: " + body);
            }
            if (response.statusCode() != 200) {
                throw new IOException("GET /v1/jobs/" + jobId + "/events answered " + response.statusCode());
            }
            StringBuilder data = new StringBuilder();
            String event = "message";
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if ("error".equals(event)) {
                        throw new IOException("event stream of job " + jobId + " sent an error: " + data);
                    }
                    if (!data.isEmpty()) {
                        JsonNode document = JSON.readTree(data.toString());
                        if (FINAL.contains(document.path("status").asText())) {
                            return document;
                        }
                    }
                    data.setLength(0);
                    event = "message";
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
        }
        HttpResponse<byte[]> job = get(apiUrl + "/v1/jobs/" + jobId, Duration.ofSeconds(15));
        JsonNode document = job.statusCode() == 200 ? JSON.readTree(job.body()) : null;
        if (document == null || !FINAL.contains(document.path("status").asText())) {
            throw new IOException("event stream of job " + jobId + " ended before the job did");
        }
        return document;
    }

    private HttpResponse<byte[]> postImage(String url, byte[] jpeg) throws IOException, InterruptedException {
        String boundary = "kinfer-bench-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(jpeg.length + 256);
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"bench.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(jpeg);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest request = authorized(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (true) {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if ((status != 503 && status != 429) || System.nanoTime() > deadline) {
                return response;
            }
            retries.incrementAndGet();
            long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
            Thread.sleep(Math.min(1000, Math.max(50, seconds * 1000)));
        }
    }

    private HttpResponse<byte[]> get(String url, Duration timeout) throws IOException, InterruptedException {
        return http.send(authorized(URI.create(url)).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder authorized(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        return apiKey == null ? request : request.header("X-API-Key", apiKey);
    }

    private static String text(HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
