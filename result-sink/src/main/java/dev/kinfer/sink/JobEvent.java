package dev.kinfer.sink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kinfer.sink.webhooks.DeliveryStatus;

/**
 * One thing that happened to a job, on its way to the job's state: a request or result ({@code job}), or a webhook
 * delivery's progress ({@code webhook}). Exactly one is set.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobEvent(JobState job, DeliveryStatus webhook) {
    static JobEvent of(JobState job) {
        return new JobEvent(job, null);
    }

    static JobEvent of(DeliveryStatus webhook) {
        return new JobEvent(null, webhook);
    }

    /** The job's state after this event; null when a delivery's progress arrives for a job no longer kept. */
    JobState applyTo(JobState current) {
        if (job != null) {
            // The first event is folded into itself, which works out what it owes: a result that brings its own
            // callback (a request produced straight to Kafka) owes its webhook at once.
            return current == null ? job.merge(job) : current.merge(job);
        }
        if (current == null) {
            return null;
        }
        // The job follows its latest delivery: a redelivery's "scheduled" starts it, and news of an earlier delivery
        // (still retrying, say) no longer shows.
        boolean latest = current.webhook() == null || current.webhook().deliveryId().equals(webhook.deliveryId())
                || DeliveryStatus.SCHEDULED.equals(webhook.state());
        return latest ? current.withWebhook(webhook) : current;
    }
}
