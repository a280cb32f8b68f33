package dev.kinfer.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.ingest.auth.Authenticator;
import dev.kinfer.jobs.JobDocument;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.store.ObjectStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a client learns a job's outcome without polling a store in a loop: {@code :predict} answers with the result
 * when it comes within the wait, {@code GET /v1/jobs/{id}?wait=} long-polls, and {@code /events} streams it
 * (Server-Sent Events). Results reach them from the {@link JobTracker} the moment they are committed.
 */
final class JobRoutes {
    /** The default wait of {@code :predict}, and the most any request may ask for. */
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    static final Duration MAX_WAIT = Duration.ofMinutes(5);
    /** The most jobs {@code GET /v1/jobs} lists. */
    static final int MAX_RECENT = 100;
    /** An event stream ends after this even if its job has not (the client reconnects). */
    private static final Duration MAX_STREAM = Duration.ofMinutes(10);
    /** The longest any client may wait on one job here: what the tracker must remember a job for. */
    static final Duration LONGEST_WAIT = MAX_STREAM;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Pattern PREFER_WAIT = Pattern.compile("(?:^|[,;\\s])wait=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobTracker tracker;
    private final JobStatusProxy sink;
    private final ObjectStore store;

    JobRoutes(JobTracker tracker, JobStatusProxy sink, ObjectStore store) {
        this.tracker = tracker;
        this.sink = sink;
        this.store = store;
    }

    /**
     * Answers a just-accepted job (or the identical one it joined, {@code jobId}): 200 with its result if it comes
     * within the wait, else 202 and it goes on.
     */
    Answer whenDone(Context ctx, String jobId, InferenceRequest request, CompletableFuture<InferenceResult> result) {
        Duration wait = requestedWait(ctx, DEFAULT_WAIT);
        long submittedAt = request.getSubmittedAt().toEpochMilli();
        Optional<InferenceResult> done = await(result, wait);
        if (done.isPresent()) {
            return new Answer(200, null, JobDocument.finished(done.get(), submittedAt, false).render(store));
        }
        return new Answer(202, "/v1/jobs/" + jobId,
                new JobDocument(jobId, request.getModel(), JobDocument.PENDING, submittedAt, null, null, false, null).render(store));
    }

    /** A job of {@code tenant} that exists already (accepted here or elsewhere), as its document now: 200 once final, else 202. */
    Optional<Answer> existing(String jobId, String tenant) {
        Current current = current(jobId, tenant);
        if (current.status() != 200) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Answer(current.isFinal() ? 200 : 202, "/v1/jobs/" + jobId, (ObjectNode) JSON.readTree(current.body())));
        } catch (IOException e) {
            throw new IllegalStateException("result-sink answered a job that is not JSON", e);
        }
    }

    /**
     * {@code GET /v1/jobs?limit=}: the caller's tenant's most recent jobs (1 to {@value #MAX_RECENT}, default 20), newest
     * first, as result-sink keeps them: id, model, status and times; {@code GET /v1/jobs/{id}} has the rest.
     */
    void recent(Context ctx) {
        String limit = ctx.queryParam("limit");
        int count;
        try {
            count = limit == null ? 20 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > MAX_RECENT) {
            throw new ApiProblem(400, "invalid-limit", "Invalid limit", "limit is a whole number from 1 to " + MAX_RECENT);
        }
        JobStatusProxy.Answer answer = sink.recent(Authenticator.principal(ctx).tenant(), count);
        ctx.status(answer.status()).contentType(answer.contentType()).result(answer.body());
    }

    /** {@code GET /v1/jobs/{id}}, waiting up to {@code ?wait=} seconds (or {@code Prefer: wait=}) for the result. */
    void status(Context ctx) {
        String id = RouteParams.jobId(ctx);
        String tenant = Authenticator.principal(ctx).tenant();
        // Committed and seen here: no need to ask result-sink, unless the job has a webhook, whose progress only
        // result-sink knows.
        Optional<InferenceResult> known = tracker.finished(id)
                .filter(result -> result.getTenant().equals(tenant) && result.getCallback() == null);
        if (known.isPresent()) {
            ctx.json(finished(known.get()));
            return;
        }
        Duration wait = requestedWait(ctx, Duration.ZERO);
        CompletableFuture<InferenceResult> result = wait.isPositive() ? tracker.result(id, tenant) : null; // before asking: misses nothing
        Current current = current(id, tenant);
        Optional<InferenceResult> finishedHere = tracker.finished(id).filter(done -> done.getTenant().equals(tenant));
        if (current.status() == 404 && finishedHere.isPresent()) {
            // result-sink has not folded the result in yet: the job's end is known here all the same.
            if (result != null) {
                tracker.unwatch(id, result);
            }
            ctx.json(finished(finishedHere.get()));
            return;
        }
        if (current.isFinal() || result == null) {
            if (result != null) {
                tracker.unwatch(id, result);
            }
            current.writeTo(ctx);
            return;
        }
        Optional<InferenceResult> done = await(result, wait); // pending for this tenant: the result is this tenant's
        if (done.isPresent()) {
            ctx.json(finished(done.get()));
        } else {
            current.writeTo(ctx);
        }
    }

    /**
     * {@code GET /v1/jobs/{id}/events}: a Server-Sent Events stream of the job's status, now and when it ends; the
     * stream ends with the job (or after {@link #MAX_STREAM}: the client reconnects). Written directly rather than
     * through Javalin's SSE support, which answers only clients that send {@code Accept: text/event-stream}.
     */
    void events(Context ctx) {
        String id = RouteParams.jobId(ctx);
        String tenant = Authenticator.principal(ctx).tenant();
        CompletableFuture<InferenceResult> result = tracker.result(id, tenant);
        CompletableFuture<JobStarted> started = tracker.started(id);
        Current current = current(id, tenant);
        if (current.status() != 200) {
            tracker.unwatch(id, result);
            current.writeTo(ctx);
            return;
        }
        ctx.contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no");
        Instant giveUpAt = Instant.now().plus(MAX_STREAM);
        try {
            OutputStream out = ctx.res().getOutputStream();
            send(out, "event: status\ndata: " + new String(current.body(), StandardCharsets.UTF_8) + "\n\n");
            boolean ended = current.isFinal();
            boolean toldRunning = current.isRunning();
            while (!ended && Instant.now().isBefore(giveUpAt)) {
                awaitEither(result, toldRunning ? result : started, KEEP_ALIVE);
                Optional<InferenceResult> done = result.isDone() ? await(result, Duration.ZERO) : Optional.empty();
                if (!toldRunning && started.isDone()) {
                    // First, even when the result is in too: each step the job went through is told, in order.
                    JobStarted start = started.join();
                    if (start.getTenant().equals(tenant)) {
                        send(out, "event: status\ndata: " + JobDocument.running(start, submittedAt(id)).render(store) + "\n\n");
                    }
                    toldRunning = true;
                } else if (done.isPresent()) {
                    send(out, "event: status\ndata: " + finished(done.get()) + "\n\n");
                    ended = true;
                } else {
                    send(out, ": keep-alive\n\n");
                }
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    /** Waits until either future completes, or {@code timeout}. */
    private static void awaitEither(CompletableFuture<?> first, CompletableFuture<?> second, Duration timeout) {
        try {
            CompletableFuture.anyOf(first, second).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the caller looks at each
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(OutputStream out, String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private ObjectNode finished(InferenceResult result) {
        return JobDocument.finished(result, submittedAt(result.getRequestId()), false).render(store);
    }

    /** When the job was submitted, if it was accepted here and is still tracked. */
    private Long submittedAt(String jobId) {
        return tracker.request(jobId).map(r -> r.getSubmittedAt().toEpochMilli()).orElse(null);
    }

    /** {@code POST /v1/jobs/{id}/webhook:redeliver}: result-sink queues a new delivery of the job's webhook. */
    void redeliverWebhook(Context ctx) {
        JobStatusProxy.Answer answer = sink.redeliver(RouteParams.jobId(ctx), Authenticator.principal(ctx).tenant());
        ctx.status(answer.status()).contentType(answer.contentType()).result(answer.body());
    }

    /**
     * What is known of a job now: result-sink's answer, or, for a job accepted here that it has not folded in yet,
     * pending. Another tenant's job is unknown (404), as if it did not exist.
     */
    private Current current(String id, String tenant) {
        JobStatusProxy.Answer answer = sink.fetch(id, tenant);
        if (answer.status() == 404) {
            Optional<InferenceRequest> accepted = tracker.request(id).filter(request -> request.getTenant().equals(tenant));
            if (accepted.isPresent()) {
                return new Current(200, "application/json", JobDocument.pending(accepted.get()).render(store).toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Current(answer.status(), answer.contentType(), answer.body());
    }

    private record Current(int status, String contentType, byte[] body) {
        boolean isFinal() {
            if (status != 200) {
                return true; // an error answer does not change by waiting
            }
            try {
                JsonNode document = JSON.readTree(body);
                return JobDocument.isFinal(document.path("status").asText());
            } catch (IOException e) {
                return true;
            }
        }

        boolean isRunning() {
            try {
                return status == 200 && JobDocument.RUNNING.equals(JSON.readTree(body).path("status").asText());
            } catch (IOException e) {
                return false;
            }
        }

        void writeTo(Context ctx) {
            ctx.status(status).contentType(contentType).result(body);
        }
    }

    /** {@code ?wait=} or {@code ?timeout=} seconds, else {@code Prefer: wait=}, else the default; at most {@link #MAX_WAIT}. */
    static Duration requestedWait(Context ctx, Duration otherwise) {
        String query = ctx.queryParam("wait") != null ? ctx.queryParam("wait") : ctx.queryParam("timeout");
        return waitOf(query, ctx.header("Prefer"), otherwise);
    }

    static Duration waitOf(String query, String prefer, Duration otherwise) {
        String seconds = query;
        if (seconds == null && prefer != null) {
            Matcher wait = PREFER_WAIT.matcher(prefer);
            seconds = wait.find() ? wait.group(1) : null;
        }
        if (seconds == null) {
            return otherwise;
        }
        try {
            long value = Long.parseLong(seconds.strip());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return Duration.ofSeconds(Math.min(value, MAX_WAIT.toSeconds()));
        } catch (NumberFormatException e) {
            throw new ApiProblem(400, "invalid-wait", "Invalid wait", "wait is a whole number of seconds, 0 to " + MAX_WAIT.toSeconds());
        }
    }

    private static Optional<InferenceResult> await(CompletableFuture<InferenceResult> result, Duration wait) {
        try {
            return Optional.of(result.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            // The run a request joined could not be published: it gets the same refusal.
            throw e.getCause() instanceof ApiProblem problem ? problem : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

}
