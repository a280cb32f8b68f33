package dev.kinfer.sink.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes what deliveries come to: new deliveries, retries onto the retry topic of their delay, dead letters, and
 * each delivery's status for the job document. Every write waits for the broker's acknowledgement, so a delivery's
 * record is only let go (its offset committed) once its next step is safe in Kafka.
 */
public final class WebhookTopics {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    /** What the dead-letter topic holds: the delivery with every attempt, and why it ended there. */
    public record DeadLetter(WebhookDelivery delivery, String reason, long at) {
    }

    private final Producer<String, byte[]> producer;

    public WebhookTopics(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /**
     * A delivery to make at once (a redelivery). Its status first: the job then follows this delivery, and an
     * attempt's status cannot be overtaken by it.
     */
    public void deliver(WebhookDelivery delivery) {
        write(Topics.WEBHOOK_STATUS, delivery.jobId(), DeliveryStatus.scheduled(delivery.deliveryId()));
        write(Topics.WEBHOOKS, delivery.jobId(), delivery);
    }

    /**
     * Keeps an outcome: the status first, then the delivery's next place. Written again after a failure, the status
     * is harmless to repeat, and the next place is only written once the status is in.
     */
    void keep(Outcome outcome, long now) {
        String jobId = outcome.made().jobId();
        if (outcome.status() != null) {
            write(Topics.WEBHOOK_STATUS, jobId, outcome.status());
        }
        if (outcome.retryStep() != null) {
            write(Topics.webhookRetry(outcome.retryStep()), jobId, outcome.made());
        }
        if (outcome.dead() != null) {
            write(Topics.WEBHOOKS_DLQ, jobId, new DeadLetter(outcome.made(), outcome.dead(), now));
        }
    }

    private void write(String topic, String key, Object value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsBytes(value))).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic, e);
        }
    }
}
