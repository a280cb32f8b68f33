package dev.kinfer.sink;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.jobs.JobDocument;
import dev.kinfer.sink.webhooks.Attempt;
import dev.kinfer.sink.webhooks.DeliveryStatus;
import dev.kinfer.store.ObjectStore;
import java.time.Instant;

/** Renders a job's state for clients as the {@link JobDocument} every service answers with. */
final class JobView {
    private final ObjectStore store;

    JobView(ObjectStore store) {
        this.store = store;
    }

    /** The job document, as the webhook carries it. */
    ObjectNode render(JobState state) {
        return new JobDocument(state.jobId(), state.model(), state.status(), state.submittedAt(), state.completedAt(), state.result(),
                false, state.running()).render(store);
    }

    /** The job document with where its webhook delivery stands, as {@code GET /v1/jobs/{id}} answers. */
    ObjectNode renderWithWebhook(JobState state) {
        ObjectNode view = render(state);
        DeliveryStatus webhook = state.webhook();
        if (webhook != null) {
            ObjectNode delivery = view.putObject("webhook");
            delivery.put("deliveryId", webhook.deliveryId());
            delivery.put("state", webhook.state());
            ArrayNode attempts = delivery.putArray("attempts");
            for (Attempt attempt : webhook.attempts()) {
                ObjectNode made = attempts.addObject().put("at", Instant.ofEpochMilli(attempt.at()).toString());
                if (attempt.status() != null) {
                    made.put("status", attempt.status());
                } else {
                    made.put("error", attempt.error());
                }
            }
            if (webhook.nextAttemptAt() != null) {
                delivery.put("nextAttemptAt", Instant.ofEpochMilli(webhook.nextAttemptAt()).toString());
            }
            if (webhook.reason() != null) {
                delivery.put("reason", webhook.reason());
            }
        }
        return view;
    }
}
