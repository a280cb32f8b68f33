package dev.kinfer.sink.webhooks;

import java.time.Duration;

/**
 * What came of one turn of a delivery, to be kept in Kafka: the delivery's new status (for the job document), and
 * where the delivery goes next, if anywhere: a retry topic, or the dead-letter topic. Kept apart from the attempt
 * itself so that, when Kafka does not take it at once, only the writing is done again, never the attempt.
 *
 * @param made      the delivery with this turn's attempt added (unchanged when it was deferred)
 * @param status    the status to publish; null when the delivery was only deferred
 * @param retryStep the retry topic's step when the delivery goes on; null when it ended
 * @param dead      why the delivery goes to the dead-letter topic; null when it does not
 * @param outcome   what the attempt came to, for the metrics; null when no attempt was made
 */
record Outcome(WebhookDelivery made, DeliveryStatus status, Duration retryStep, String dead, String outcome, long nanos) {
    static Outcome ended(WebhookDelivery made, String state, String reason, long nanos) {
        return new Outcome(made, new DeliveryStatus(made.deliveryId(), state, made.attempts(), null, reason), null, null, state, nanos);
    }

    static Outcome retried(WebhookDelivery next, Duration step, String reason, long nanos) {
        return new Outcome(next, new DeliveryStatus(next.deliveryId(), DeliveryStatus.RETRYING, next.attempts(), next.notBefore(), reason),
                step, null, DeliveryStatus.RETRYING, nanos);
    }

    static Outcome deadLettered(WebhookDelivery made, String reason, long nanos) {
        return new Outcome(made, new DeliveryStatus(made.deliveryId(), DeliveryStatus.DEAD_LETTERED, made.attempts(), null, reason), null,
                reason, DeliveryStatus.DEAD_LETTERED, nanos);
    }

    /** Not attempted (its receiver's host had no free slot): back on a retry topic, no attempt counted. */
    static Outcome deferred(WebhookDelivery later, Duration step) {
        return new Outcome(later, null, step, null, null, 0);
    }
}
