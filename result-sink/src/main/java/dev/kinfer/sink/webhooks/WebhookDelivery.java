package dev.kinfer.sink.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.kinfer.sink.JobState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One webhook delivery on its way: the record on {@code kinfer.webhooks} and its retry topics. The job's state is
 * carried along, so each attempt renders the job document afresh (download links are presigned for an hour, and a
 * delivery may be retried for days).
 *
 * @param deliveryId the {@code webhook-id}: the same on every attempt of this delivery, new for a redelivery
 * @param attempts   the attempts made so far, oldest first
 * @param notBefore  the earliest time (epoch ms) of the next attempt; 0 for at once
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WebhookDelivery(String deliveryId, JobState job, List<Attempt> attempts, long notBefore) {
    static final String DEFAULT_SECRET_ID = "default";

    public WebhookDelivery {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    /**
     * A job's first delivery. Its id follows from the job id, so whoever makes it again (a replay) makes the same one;
     * hashed, because a job id produced straight to Kafka can be any text, and this one goes into a header.
     */
    public static WebhookDelivery first(JobState job) {
        return new WebhookDelivery("msg_" + UUID.nameUUIDFromBytes(("webhook:" + job.jobId()).getBytes(StandardCharsets.UTF_8)), job,
                List.of(), 0);
    }

    /** A delivery asked for again: a new id, so a receiver that deduplicates takes it. */
    public static WebhookDelivery redelivery(JobState job) {
        return new WebhookDelivery("msg_" + UUID.randomUUID(), job, List.of(), 0);
    }

    /** Anyone who can write the topic could write garbage: a delivery lacking these is skipped. */
    boolean wellFormed() {
        return deliveryId != null && job != null && job.jobId() != null && job.tenant() != null && job.callbackUrl() != null
                && job.status() != null;
    }

    String jobId() {
        return job.jobId();
    }

    String url() {
        return job.callbackUrl();
    }

    String secretId() {
        return job.callbackSecretId() == null ? DEFAULT_SECRET_ID : job.callbackSecretId();
    }

    /** {@code job.succeeded}, {@code job.failed} or {@code job.expired}. */
    String eventType() {
        return "job." + job.status().toLowerCase(Locale.ROOT);
    }

    /** When the first attempt was made; {@code now} if none has been. */
    long firstAttemptAt(long now) {
        return attempts.isEmpty() ? now : attempts.getFirst().at();
    }

    WebhookDelivery after(Attempt attempt, long nextAttemptAt) {
        List<Attempt> made = new ArrayList<>(attempts);
        made.add(attempt);
        return new WebhookDelivery(deliveryId, job, made, nextAttemptAt);
    }
}
