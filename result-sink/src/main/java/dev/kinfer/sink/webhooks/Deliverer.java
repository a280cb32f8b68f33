package dev.kinfer.sink.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.sink.JobState;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one attempt at a delivery and says what came of it ({@link Outcome}): delivered, to be retried,
 * dead-lettered, refused or gone. Nothing a delivery holds (a bad URL, a missing secret, a receiver that hangs) gets
 * out of here as an exception; only {@link Stopping} does. At most {@code concurrency} attempts are under way at
 * once, and at most {@code perHost} to one host; a delivery whose host has no free slot for a while is deferred to
 * the first retry step without counting an attempt, so one slow receiver holds up neither the others nor the
 * dispatcher.
 */
final class Deliverer {
    private static final Logger log = LoggerFactory.getLogger(Deliverer.class);
    private static final int GONE_ENDPOINTS_KEPT = 10_000;
    private static final double JITTER = 0.1;
    private static final int HOST_STRIPES = 1024;
    private static final Duration HOST_WAIT = Duration.ofSeconds(2);
    private static final int REASON_LENGTH = 200;

    private final WebhookClient client;
    private final SigningKeys keys;
    private final Function<JobState, ObjectNode> render;
    private final DeliveryPolicy policy;
    private final RetrySchedule schedule;
    private final Clock clock;
    private final Semaphore sending;
    /** Per-host limits, striped so that the hosts ever called cannot grow a map without end (two may share one). */
    private final Semaphore[] sendingToHost = new Semaphore[HOST_STRIPES];
    /** Endpoints that answered 410 Gone, and when: retries of deliveries begun before then are dropped. */
    private final Map<String, Long> goneEndpoints = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > GONE_ENDPOINTS_KEPT;
        }
    });

    Deliverer(WebhookClient client, SigningKeys keys, Function<JobState, ObjectNode> render, RetrySchedule schedule, Clock clock,
              int concurrency, int perHost) {
        this.client = client;
        this.keys = keys;
        this.render = render;
        this.policy = new DeliveryPolicy(schedule);
        this.schedule = schedule;
        this.clock = clock;
        this.sending = new Semaphore(concurrency);
        Arrays.setAll(sendingToHost, i -> new Semaphore(perHost));
    }

    /** One attempt; what came of it is for the caller to keep. */
    Outcome attempt(WebhookDelivery delivery) {
        JobState job = delivery.job();
        try (LogContext.Scope scope = LogContext.job(job.jobId(), job.tenant(), job.model(), job.traceparent())) {
            long startedAt = clock.millis();
            long startedNanos = System.nanoTime();
            Long goneAt = goneEndpoints.get(delivery.url());
            if (!delivery.attempts().isEmpty() && goneAt != null && goneAt >= delivery.firstAttemptAt(startedAt)) {
                return Outcome.ended(delivery, DeliveryStatus.GONE, "the endpoint answered 410 Gone to another delivery",
                        System.nanoTime() - startedNanos);
            }
            AttemptResult result = send(delivery);
            if (result == null) {
                Duration step = schedule.steps().getFirst();
                log.info("webhook {} for job {} deferred {}: its receiver's host is busy", delivery.deliveryId(), job.jobId(), step);
                return Outcome.deferred(new WebhookDelivery(delivery.deliveryId(), job, delivery.attempts(), clock.millis() + step.toMillis()),
                        step);
            }
            Attempt attempt = result instanceof AttemptResult.Answered answered ? Attempt.answered(startedAt, answered.status())
                    : Attempt.failed(startedAt, reason(result));
            WebhookDelivery made = delivery.after(attempt, 0);
            long nanos = System.nanoTime() - startedNanos;
            return switch (policy.decide(result, made.attempts().size())) {
                case DeliveryPolicy.Decision.Delivered delivered -> {
                    log.info("webhook {} for job {} delivered ({})", delivery.deliveryId(), job.jobId(), attempt.status());
                    yield Outcome.ended(made, DeliveryStatus.DELIVERED, null, nanos);
                }
                case DeliveryPolicy.Decision.Retry retry -> retry(made, retry, nanos);
                case DeliveryPolicy.Decision.DeadLetter dead -> {
                    log.error("webhook {} for job {} dead-lettered: {}", delivery.deliveryId(), job.jobId(), shortened(dead.reason()));
                    yield Outcome.deadLettered(made, shortened(dead.reason()), nanos);
                }
                case DeliveryPolicy.Decision.Refused refused -> {
                    log.warn("webhook {} for job {} refused: {}", delivery.deliveryId(), job.jobId(), refused.reason());
                    yield Outcome.ended(made, DeliveryStatus.REFUSED, refused.reason(), nanos);
                }
                case DeliveryPolicy.Decision.Gone gone -> {
                    log.warn("webhook {} for job {}: the receiver answered 410 Gone; no more retries to it", delivery.deliveryId(), job.jobId());
                    goneEndpoints.put(delivery.url(), startedAt);
                    yield Outcome.ended(made, DeliveryStatus.GONE, "the receiver answered 410 Gone", nanos);
                }
            };
        }
    }

    /** The attempt's result; null when the receiver's host had no free slot within {@link #HOST_WAIT}. */
    private AttemptResult send(WebhookDelivery delivery) {
        List<byte[]> signingKeys = keys.of(delivery.job().tenant(), delivery.secretId());
        if (signingKeys.isEmpty()) {
            // Worth retrying: the tenant may be about to make it, or this instance has not read it yet.
            return new AttemptResult.Failed("tenant " + delivery.job().tenant() + " has no webhook secret '" + delivery.secretId()
                    + "' (create one with POST /v1/webhook-secrets)");
        }
        URI url;
        byte[] body;
        try {
            url = URI.create(delivery.url());
            body = body(delivery);
        } catch (IllegalArgumentException e) {
            return new AttemptResult.Refused("the callback URL is not a URL: " + e.getMessage());
        } catch (RuntimeException e) {
            // The job cannot be rendered now (its output's link cannot be presigned, say): worth another try later.
            return new AttemptResult.Failed("cannot render the job: " + e);
        }
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        Semaphore toHost = sendingToHost[Math.floorMod(host.hashCode(), HOST_STRIPES)];
        try {
            if (!toHost.tryAcquire(HOST_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            try {
                sending.acquire();
                try {
                    // Signed now, not before the wait: receivers reject timestamps far from their clock.
                    AttemptResult result = client.post(url, headers(delivery, body, signingKeys), body);
                    if (Thread.currentThread().isInterrupted()) {
                        throw new Stopping();
                    }
                    return result;
                } finally {
                    sending.release();
                }
            } finally {
                toHost.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopping();
        }
    }

    private Map<String, String> headers(WebhookDelivery delivery, byte[] body, List<byte[]> signingKeys) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(Signatures.ID_HEADER, delivery.deliveryId());
        long timestamp = clock.millis() / 1000;
        headers.put(Signatures.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(Signatures.SIGNATURE_HEADER, Signatures.sign(delivery.deliveryId(), timestamp, body, signingKeys));
        String traceparent = LogContext.traceparent(delivery.job().traceparent());
        if (traceparent != null) {
            headers.put("traceparent", traceparent); // the client's trace goes on to its receiver
        }
        return headers;
    }

    /** The Standard Webhooks payload: the event's type and time, and the job document (links, never bytes). */
    private byte[] body(WebhookDelivery delivery) {
        JobState job = delivery.job();
        ObjectNode event = WebhookTopics.JSON.createObjectNode();
        event.put("type", delivery.eventType());
        long at = job.completedAt() != null ? job.completedAt() : clock.millis();
        event.put("timestamp", Instant.ofEpochMilli(at).toString());
        event.set("data", render.apply(job));
        try {
            return WebhookTopics.JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Outcome retry(WebhookDelivery made, DeliveryPolicy.Decision.Retry retry, long nanos) {
        long delay = retry.delay().toMillis();
        long due = clock.millis() + delay + (long) (delay * JITTER * ThreadLocalRandom.current().nextDouble());
        WebhookDelivery next = new WebhookDelivery(made.deliveryId(), made.job(), made.attempts(), due);
        String reason = shortened(retry.reason());
        log.warn("webhook {} for job {} failed (attempt {}): {}; next attempt at {}", made.deliveryId(), made.jobId(),
                made.attempts().size(), reason, Instant.ofEpochMilli(due));
        return Outcome.retried(next, retry.delay(), reason, nanos);
    }

    private static String reason(AttemptResult result) {
        return switch (result) {
            case AttemptResult.Failed failed -> failed.error();
            case AttemptResult.Refused refused -> refused.reason();
            case AttemptResult.Answered answered -> "answered " + answered.status();
        };
    }

    /** A receiver's answer may say anything at any length: the log and the job keep its start only. */
    private static String shortened(String reason) {
        return reason.length() <= REASON_LENGTH ? reason : reason.substring(0, REASON_LENGTH) + "…";
    }
}
