package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.sink.webhooks.Attempt;
import dev.kinfer.sink.webhooks.DeliveryStatus;
import dev.kinfer.sink.webhooks.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobStateTest {
    private final JobState accepted = JobState.accepted("j1", "t", "m", 1000L, "https://example.org/hook", "default", null);
    private final JobState completed = JobState.completed("j1", "t", "m", "SUCCEEDED", 2000L, JsonNodeFactory.instance.objectNode(),
            null, null);

    @Test
    void shouldOweOneWebhookWhenTheResultFollowsTheRequest() {
        JobState state = accepted.merge(completed);

        assertThat(state.status()).isEqualTo("SUCCEEDED");
        assertThat(state.submittedAt()).isEqualTo(1000L);
        assertThat(state.webhookDue()).isTrue();
        assertThat(state.merge(completed).webhookDue()).as("a replayed result sends nothing again").isFalse();
    }

    @Test
    void shouldOweOneWebhookWhenTheResultArrivesFirst() {
        // A worker's result carries its request's callback.
        JobState answered = JobState.completed("j1", "t", "m", "SUCCEEDED", 2000L, JsonNodeFactory.instance.objectNode(),
                "https://example.org/hook", "default");
        JobState state = answered.merge(accepted);

        assertThat(state.status()).isEqualTo("SUCCEEDED");
        assertThat(state.submittedAt()).isEqualTo(1000L);
        assertThat(state.callbackUrl()).isEqualTo("https://example.org/hook");
        assertThat(state.webhookDue()).isTrue();
        assertThat(state.merge(accepted).webhookDue()).isFalse();
    }

    @Test
    void shouldNotLetARequestReusingAFinishedJobsIdRedirectItsWebhook() {
        JobState finished = JobState.accepted("j1", "t", "m", 1000L, null, null, null).merge(completed);
        JobState reused = JobState.accepted("j1", "t", "m", 3000L, "https://attacker.example/hook", "default", null);

        JobState state = finished.merge(reused);

        assertThat(state.callbackUrl()).isNull();
        assertThat(state.webhookDue()).isFalse();
        assertThat(state.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldIgnoreEventsOfAnotherTenantUnderTheSameId() {
        JobState otherTenantsRequest = JobState.accepted("j1", "intruder", "m", 3000L, "https://attacker.example/hook", "default", null);
        JobState otherTenantsResult = JobState.completed("j1", "intruder", "m", "FAILED", 4000L, JsonNodeFactory.instance.objectNode(),
                "https://attacker.example/hook", "default");

        assertThat(accepted.merge(completed).merge(otherTenantsRequest).merge(otherTenantsResult))
                .isEqualTo(accepted.merge(completed));
        assertThat(accepted.merge(otherTenantsResult).status()).as("a pending job is not ended by another tenant").isEqualTo("PENDING");
    }

    @Test
    void shouldKeepTheRequestsTraceContextWhicheverArrivesFirst() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        JobState traced = JobState.accepted("j1", "t", "m", 1000L, null, null, traceparent);

        assertThat(traced.merge(completed).traceparent()).isEqualTo(traceparent);
        assertThat(completed.merge(traced).traceparent()).isEqualTo(traceparent);
        assertThat(completed.merge(traced).merge(completed).traceparent()).as("a replayed result").isEqualTo(traceparent);
    }

    @Test
    void shouldRunFromTheWorkersStartUntilTheResultWhicheverOrderTheyArrive() {
        JobState started = JobState.started(JobStarted.newBuilder().setRequestId("j1").setTenant("t").setModel("m")
                .setModelVersion("v2").setStartedAt(Instant.ofEpochMilli(1500)).setQueuedMs(500L).setBatchSize(4).setWorkerId("w1").build());

        JobState running = accepted.merge(started);
        assertThat(running.status()).isEqualTo("RUNNING");
        assertThat(running.isFinal()).isFalse();
        assertThat(running.running().path("batchSize").asInt()).isEqualTo(4);
        assertThat(running.running().path("modelVersion").asText()).isEqualTo("v2");
        assertThat(running.callbackUrl()).isEqualTo("https://example.org/hook");
        assertThat(running.webhookDue()).isFalse();
        assertThat(started.merge(started).submittedAt()).as("known before the request is: from the time queued").isEqualTo(1000L);

        JobState done = running.merge(completed);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.running()).isNull();
        assertThat(done.webhookDue()).isTrue();
        assertThat(done.merge(started).status()).as("a start told late changes nothing").isEqualTo("SUCCEEDED");
        assertThat(done.merge(started).webhookDue()).isFalse();
    }

    @Test
    void shouldStayPendingAfterTheStoreReadsTheStateBack() {
        var serde = JsonSerde.of(JobEvent.class);
        JobEvent stored = serde.deserializer().deserialize("t", serde.serializer().serialize("t", JobEvent.of(accepted)));

        assertThat(stored.applyTo(null).status()).as("no start was told").isEqualTo("PENDING");
        assertThat(stored.applyTo(null).merge(completed).status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void shouldStayPendingAndOweNothingUntilTheResult() {
        assertThat(accepted.merge(accepted).status()).isEqualTo("PENDING");
        assertThat(accepted.merge(accepted).webhookDue()).isFalse();
    }

    @Test
    void shouldOweTheWebhookOfAResultThatBringsItsOwnCallbackAlthoughNoRequestWasSeen() {
        JobState kafkaNative = JobState.completed("j2", "t", "m", "FAILED", 2000L, JsonNodeFactory.instance.objectNode(),
                "https://example.org/hook", "rotating");

        JobState folded = JobEvent.of(kafkaNative).applyTo(null);

        assertThat(folded.webhookDue()).isTrue();
        assertThat(folded.callbackSecretId()).isEqualTo("rotating");
        assertThat(JobEvent.of(kafkaNative).applyTo(folded.emitted()).webhookDue()).as("a replayed result").isFalse();
    }

    @Test
    void shouldCarryTheWebhooksProgressButNotRecreateAForgottenJob() {
        DeliveryStatus retrying = new DeliveryStatus("msg_1", DeliveryStatus.RETRYING, List.of(new Attempt(3000L, 503, null)), 8000L,
                "the receiver answered 503");

        JobState withWebhook = JobEvent.of(retrying).applyTo(accepted.merge(completed).emitted());

        assertThat(withWebhook.webhook()).isEqualTo(retrying);
        assertThat(withWebhook.merge(completed).webhook()).as("kept through later events").isEqualTo(retrying);
        assertThat(JobEvent.of(retrying).applyTo(null)).isNull();
    }

    @Test
    void shouldExpireAfterTheRetentionCountedFromTheEndOrFromSubmissionIfItNeverEnded() {
        JobState finished = accepted.merge(completed);

        assertThat(finished.expired(2000L + Duration.ofDays(7).toMillis(), Duration.ofDays(7))).isFalse();
        assertThat(finished.expired(2001L + Duration.ofDays(7).toMillis(), Duration.ofDays(7))).isTrue();
        assertThat(accepted.expired(1001L + Duration.ofDays(7).toMillis(), Duration.ofDays(7))).isTrue();
    }

    @Test
    void shouldGiveAJobsFirstDeliveryTheSameIdWhoeverMakesItAndARedeliveryANewOne() {
        JobState finished = accepted.merge(completed);

        assertThat(WebhookDelivery.first(finished).deliveryId()).isEqualTo(WebhookDelivery.first(finished).deliveryId())
                .startsWith("msg_").doesNotContain("j1");
        assertThat(WebhookDelivery.redelivery(finished).deliveryId()).isNotEqualTo(WebhookDelivery.first(finished).deliveryId());
    }
}
