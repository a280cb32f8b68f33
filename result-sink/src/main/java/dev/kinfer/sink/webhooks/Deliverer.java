package dev.kinfer.sink.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.sink.JobState;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one attempt at a delivery and publishes what came of it: delivered, scheduled on a retry topic, dead-lettered,
 * refused or gone. Nothing a delivery holds (a bad URL, a missing secret, a receiver that hangs) gets out of here as
 * an exception. At most {@code concurrency} attempts are under way at once, and at most {@code perHost} to one host,
 * so one slow receiver cannot hold up the rest.
 */
final class Deliverer {
    private static final Logger log = LoggerFactory.getLogger(Deliverer.class);
    private static final int GONE_ENDPOINTS_KEPT = 10_000;
    private static final double JITTER = 0.1;
    private static final int HOST_STRIPES = 1024;

    private final WebhookClient client;
    private final SigningKeys keys;
    private final Function<JobState, ObjectNode> render;
    private final DeliveryPolicy policy;
    private final WebhookTopics topics;
    private final WebhookMetrics metrics;
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

    Deliverer(WebhookClient client, SigningKeys keys, Function<JobState, ObjectNode> render, DeliveryPolicy policy, WebhookTopics topics,
              WebhookMetrics metrics, Clock clock, int concurrency, int perHost) {
        this.client = client;
        this.keys = keys;
        this.render = render;
        this.policy = policy;
        this.topics = topics;
        this.metrics = metrics;
        this.clock = clock;
        this.sending = new Semaphore(concurrency);
        Arrays.setAll(sendingToHost, i -> new Semaphore(perHost));
    }

    /** One attempt, its outcome published; returns once that is safe in Kafka. */
    void attempt(WebhookDelivery delivery) {
        JobState job = delivery.job();
        try (LogContext.Scope scope = LogContext.job(job.jobId(), job.tenant(), job.model(), job.traceparent())) {
            long startedAt = clock.millis();
            long startedNanos = System.nanoTime();
            Long goneAt = goneEndpoints.get(delivery.url());
            if (!delivery.attempts().isEmpty() && goneAt != null && goneAt >= delivery.firstAttemptAt(startedAt)) {
                end(delivery, DeliveryStatus.GONE, null, "the endpoint answered 410 Gone to another delivery", startedNanos);
                return;
            }
            AttemptResult result = send(delivery, startedAt);
            Attempt attempt = result instanceof AttemptResult.Answered answered ? Attempt.answered(startedAt, answered.status())
                    : Attempt.failed(startedAt, reason(result));
            WebhookDelivery made = delivery.after(attempt, 0);
            switch (policy.decide(result, made.attempts().size())) {
                case DeliveryPolicy.Decision.Delivered delivered -> {
                    log.info("webhook {} for job {} delivered ({})", delivery.deliveryId(), job.jobId(), attempt.status());
                    end(made, DeliveryStatus.DELIVERED, null, null, startedNanos);
                }
                case DeliveryPolicy.Decision.Retry retry -> retry(made, retry, startedNanos);
                case DeliveryPolicy.Decision.DeadLetter dead -> {
                    log.error("webhook {} for job {} dead-lettered: {}", delivery.deliveryId(), job.jobId(), dead.reason());
                    topics.deadLetter(made, dead.reason(), clock.millis());
                    end(made, DeliveryStatus.DEAD_LETTERED, null, dead.reason(), startedNanos);
                }
                case DeliveryPolicy.Decision.Refused refused -> {
                    log.warn("webhook {} for job {} refused: {}", delivery.deliveryId(), job.jobId(), refused.reason());
                    end(made, DeliveryStatus.REFUSED, null, refused.reason(), startedNanos);
                }
                case DeliveryPolicy.Decision.Gone gone -> {
                    log.warn("webhook {} for job {}: {} answered 410 Gone; no more retries to it", delivery.deliveryId(), job.jobId(),
                            delivery.url());
                    goneEndpoints.put(delivery.url(), startedAt);
                    end(made, DeliveryStatus.GONE, null, "the receiver answered 410 Gone", startedNanos);
                }
            }
        }
    }

    private AttemptResult send(WebhookDelivery delivery, long now) {
        List<byte[]> signingKeys = keys.of(delivery.job().tenant(), delivery.secretId());
        if (signingKeys.isEmpty()) {
            return new AttemptResult.Refused("tenant " + delivery.job().tenant() + " has no webhook secret '" + delivery.secretId()
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
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(Signatures.ID_HEADER, delivery.deliveryId());
        long timestamp = now / 1000;
        headers.put(Signatures.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(Signatures.SIGNATURE_HEADER, Signatures.sign(delivery.deliveryId(), timestamp, body, signingKeys));
        String traceparent = LogContext.traceparent(delivery.job().traceparent());
        if (traceparent != null) {
            headers.put("traceparent", traceparent); // the client's trace goes on to its receiver
        }
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        Semaphore toHost = sendingToHost[Math.floorMod(host.hashCode(), HOST_STRIPES)];
        try {
            toHost.acquire();
            try {
                sending.acquire();
                try {
                    return client.post(url, headers, body);
                } finally {
                    sending.release();
                }
            } finally {
                toHost.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AttemptResult.Failed("interrupted (result-sink stopping)");
        }
    }

    /** The Standard Webhooks payload: the event's type and time, and the job document (links, never bytes). */
    private byte[] body(WebhookDelivery delivery) {
        JobState job = delivery.job();
        ObjectNode event = WebhookTopics.JSON.createObjectNode();
        event.put("type", delivery.eventType());
        long at = job.completedAt() != null ? job.completedAt() : clock.millis();
        event.put("timestamp", Instant.ofEpochMilli(at).toString());
        JsonNode data = render.apply(job);
        event.set("data", data);
        try {
            return WebhookTopics.JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void retry(WebhookDelivery made, DeliveryPolicy.Decision.Retry retry, long startedNanos) {
        long delay = retry.delay().toMillis();
        long due = clock.millis() + delay + (long) (delay * JITTER * ThreadLocalRandom.current().nextDouble());
        WebhookDelivery next = new WebhookDelivery(made.deliveryId(), made.job(), made.attempts(), due);
        log.warn("webhook {} for job {} failed (attempt {}): {}; next attempt at {}", made.deliveryId(), made.jobId(),
                made.attempts().size(), retry.reason(), Instant.ofEpochMilli(due));
        topics.retry(next, retry.delay());
        topics.status(made.jobId(), new DeliveryStatus(made.deliveryId(), DeliveryStatus.RETRYING, made.attempts(), due, retry.reason()));
        metrics.attempted(DeliveryStatus.RETRYING, System.nanoTime() - startedNanos);
    }

    private void end(WebhookDelivery made, String state, Long next, String reason, long startedNanos) {
        topics.status(made.jobId(), new DeliveryStatus(made.deliveryId(), state, made.attempts(), next, reason));
        metrics.attempted(state, System.nanoTime() - startedNanos);
    }

    private static String reason(AttemptResult result) {
        return switch (result) {
            case AttemptResult.Failed failed -> failed.error();
            case AttemptResult.Refused refused -> refused.reason();
            case AttemptResult.Answered answered -> "answered " + answered.status();
        };
    }
}
