package dev.kinfer.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the webhooks {@link JobTopology} decided on, at least once: offsets are committed only after a
 * delivery ended (accepted, refused by the guard, or out of attempts). Receivers deduplicate by
 * {@code X-Kinfer-Delivery}, which is the job id.
 */
final class WebhookDispatcher implements Runnable {
    static final String DELIVERY_HEADER = "X-Kinfer-Delivery";
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Duration> BACKOFF = List.of(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(5));

    private final KafkaConsumer<String, JobState> consumer;
    private final JobView views;
    private final WebhookSigner signer;
    private final CallbackGuard guard;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER) // a redirect could lead past the guard
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final AtomicBoolean running = new AtomicBoolean(true);

    WebhookDispatcher(KafkaConsumer<String, JobState> consumer, JobView views, WebhookSigner signer, CallbackGuard guard) {
        this.consumer = consumer;
        this.views = views;
        this.signer = signer;
        this.guard = guard;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.WEBHOOKS));
            while (running.get()) {
                for (ConsumerRecord<String, JobState> record : pollSkippingUnreadable()) {
                    deliverOne(record);
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close();
        }
    }

    /** Polls; a record that is not a webhook decision is logged and skipped rather than stopping deliveries. */
    private Iterable<ConsumerRecord<String, JobState>> pollSkippingUnreadable() {
        try {
            return consumer.poll(Duration.ofMillis(200));
        } catch (RecordDeserializationException e) {
            log.error("skipping unreadable record {}-{}@{}: {}", e.topicPartition().topic(), e.topicPartition().partition(), e.offset(),
                    e.getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return List.of();
        }
    }

    /** One delivery's failure (a malformed decision, an unusable URL) is logged; the next one goes on. */
    private void deliverOne(ConsumerRecord<String, JobState> record) {
        if (record.value() == null) {
            return;
        }
        JobState state = record.value();
        try (LogContext.Scope scope = LogContext.job(state.jobId(), state.tenant(), state.model(), state.traceparent())) {
            deliver(state);
        } catch (RuntimeException e) {
            log.error("webhook decision {}-{}@{} could not be delivered", record.topic(), record.partition(), record.offset(), e);
        }
    }

    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    private void deliver(JobState state) {
        String refusal = guard.refusal(state.callbackUrl());
        if (refusal != null) {
            log.warn("webhook for job {} not sent: {}", state.jobId(), refusal);
            return;
        }
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(views.render(state));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String traceparent = LogContext.traceparent(state.traceparent());
        for (int attempt = 0; attempt <= BACKOFF.size() && running.get(); attempt++) {
            long now = Instant.now().getEpochSecond();
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(state.callbackUrl()));
            if (traceparent != null) {
                builder.header("traceparent", traceparent); // the client's trace goes on to its receiver
            }
            HttpRequest request = builder
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "kinfer-webhooks")
                    .header(DELIVERY_HEADER, state.jobId())
                    .header(WebhookSigner.SIGNATURE_HEADER, signer.sign(now, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    log.info("webhook for job {} delivered ({})", state.jobId(), status);
                    return;
                }
                log.warn("webhook for job {} answered {} (attempt {})", state.jobId(), status, attempt + 1);
            } catch (IOException e) {
                log.warn("webhook for job {} failed (attempt {}): {}", state.jobId(), attempt + 1, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (attempt < BACKOFF.size()) {
                sleep(BACKOFF.get(attempt));
            }
        }
        log.error("webhook for job {} to {} given up after {} attempts", state.jobId(), state.callbackUrl(), BACKOFF.size() + 1);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
