package dev.kinfer.sink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What result-sink knows of one job: folded from its request (PENDING, callback) and its result (final status,
 * output). Either may arrive first, since they come from different topics.
 *
 * @param webhookDue    true in exactly one version of the state: the one in which the job became final with a
 *                      callback known; that version is what the webhook delivery is made from
 * @param webhookQueued whether that version has been emitted already, so a replayed result never sends twice
 * @param traceparent   the W3C trace context the job was submitted with (from its request), for the log; may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobState(String jobId, String tenant, String model, String status, Long submittedAt, Long completedAt,
                       String callbackUrl, String callbackSecretId, JsonNode result, boolean webhookDue, boolean webhookQueued,
                       String traceparent) {
    static final String PENDING = "PENDING";

    static JobState accepted(String jobId, String tenant, String model, long submittedAt, String callbackUrl, String callbackSecretId,
                             String traceparent) {
        return new JobState(jobId, tenant, model, PENDING, submittedAt, null, callbackUrl, callbackSecretId, null, false, false,
                traceparent);
    }

    static JobState completed(String jobId, String tenant, String model, String status, long completedAt, JsonNode result) {
        return new JobState(jobId, tenant, model, status, null, completedAt, null, null, result, false, false, null);
    }

    boolean isFinal() {
        return !PENDING.equals(status);
    }

    /** Folds {@code update} into this state. */
    JobState merge(JobState update) {
        boolean finalNow = isFinal() || update.isFinal();
        JobState source = update.isFinal() ? update : this;
        String callback = callbackUrl != null ? callbackUrl : update.callbackUrl;
        String secretId = callbackSecretId != null ? callbackSecretId : update.callbackSecretId;
        boolean due = finalNow && callback != null && !webhookQueued;
        return new JobState(jobId, tenant != null ? tenant : update.tenant, model != null ? model : update.model,
                finalNow ? source.status : PENDING,
                submittedAt != null ? submittedAt : update.submittedAt,
                finalNow ? source.completedAt : null,
                callback, secretId,
                finalNow ? source.result : null,
                due, webhookQueued || due,
                traceparent != null ? traceparent : update.traceparent);
    }
}
