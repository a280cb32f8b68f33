package dev.kinfer.sink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kinfer.jobs.JobDocument;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.sink.webhooks.DeliveryStatus;
import java.time.Duration;

/**
 * What result-sink knows of one job: folded from its request (PENDING, callback), its result (final status, output,
 * and the callback again, for a request that was produced straight to Kafka) and its webhook delivery's progress.
 * The request and the result may arrive in either order, since they come from different topics.
 *
 * @param webhookDue    true in exactly one version of the state: the one in which the job became final with a
 *                      callback known; that version is what the webhook delivery is made from
 * @param webhookQueued whether that version has been emitted already, so a replayed result never sends twice
 * @param traceparent   the W3C trace context the job was submitted with, for the log; may be null
 * @param webhook       where the job's latest webhook delivery stands; null before there is one
 * @param running       what the worker said when it started the job ({@link JobDocument#runningOf}); null before
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobState(String jobId, String tenant, String model, String status, Long submittedAt, Long completedAt,
                       String callbackUrl, String callbackSecretId, JsonNode result, boolean webhookDue, boolean webhookQueued,
                       String traceparent, DeliveryStatus webhook, JsonNode running) {
    static final String PENDING = JobDocument.PENDING;
    static final String RUNNING = JobDocument.RUNNING;

    static JobState accepted(String jobId, String tenant, String model, long submittedAt, String callbackUrl, String callbackSecretId,
                             String traceparent) {
        return new JobState(jobId, tenant, model, PENDING, submittedAt, null, callbackUrl, callbackSecretId, null, false, false,
                traceparent, null, null);
    }

    /** A worker started the job; when it was submitted follows from how long it queued. */
    static JobState started(JobStarted started) {
        long startedAt = started.getStartedAt().toEpochMilli();
        return new JobState(started.getRequestId(), started.getTenant(), started.getModel(), RUNNING, startedAt - started.getQueuedMs(),
                null, null, null, null, false, false, null, null, JobDocument.runningOf(started));
    }

    static JobState completed(String jobId, String tenant, String model, String status, long completedAt, JsonNode result,
                              String callbackUrl, String callbackSecretId) {
        return new JobState(jobId, tenant, model, status, null, completedAt, callbackUrl, callbackSecretId, result, false, false, null,
                null, null);
    }

    boolean isFinal() {
        return JobDocument.isFinal(status);
    }

    /**
     * Folds {@code update} (a request or a result) into this state. Anyone who may produce to a request topic can
     * reuse a job's id: an event of another tenant is not this job's and changes nothing, and a request arriving
     * after the job ended (it carries the callback in its result) cannot add one, so that no reused id redirects
     * a finished job's webhook.
     */
    JobState merge(JobState update) {
        if (tenant != null && update.tenant != null && !tenant.equals(update.tenant)) {
            return this;
        }
        boolean finalNow = isFinal() || update.isFinal();
        JobState source = update.isFinal() ? update : this;
        boolean mayAddCallback = !isFinal() || update.isFinal();
        String callback = callbackUrl != null || !mayAddCallback ? callbackUrl : update.callbackUrl;
        String secretId = callbackSecretId != null || !mayAddCallback ? callbackSecretId : update.callbackSecretId;
        boolean due = finalNow && callback != null && !webhookQueued;
        // A batch run again after a rebalance: its latest start. Jackson reads an absent node back as NullNode.
        JsonNode run = isObject(update.running) ? update.running : isObject(running) ? running : null;
        return new JobState(jobId, tenant != null ? tenant : update.tenant, model != null ? model : update.model,
                finalNow ? source.status : run != null ? RUNNING : PENDING,
                submittedAt != null ? submittedAt : update.submittedAt,
                finalNow ? source.completedAt : null,
                callback, secretId,
                finalNow ? source.result : null,
                due, webhookQueued || due,
                traceparent != null ? traceparent : update.traceparent,
                webhook, finalNow ? null : run);
    }

    private static boolean isObject(JsonNode node) {
        return node != null && node.isObject();
    }

    /** This state once its webhook has been emitted: owing nothing more. */
    JobState emitted() {
        return new JobState(jobId, tenant, model, status, submittedAt, completedAt, callbackUrl, callbackSecretId, result, false, true,
                traceparent, webhook, running);
    }

    JobState withWebhook(DeliveryStatus delivery) {
        return new JobState(jobId, tenant, model, status, submittedAt, completedAt, callbackUrl, callbackSecretId, result, webhookDue,
                webhookQueued, traceparent, delivery, running);
    }

    /** Whether the store may forget this job: finished (or submitted, if it never finished) longer than {@code retention} ago. */
    boolean expired(long now, Duration retention) {
        Long since = isFinal() ? completedAt : submittedAt;
        return since != null && now - since > retention.toMillis();
    }
}
