package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class JobStateTest {
    private final JobState accepted = JobState.accepted("j1", "t", "m", 1000L, "https://example.org/hook", "default", null);
    private final JobState completed = JobState.completed("j1", "t", "m", "SUCCEEDED", 2000L, JsonNodeFactory.instance.objectNode());

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
        JobState state = completed.merge(accepted);

        assertThat(state.status()).isEqualTo("SUCCEEDED");
        assertThat(state.callbackUrl()).isEqualTo("https://example.org/hook");
        assertThat(state.webhookDue()).isTrue();
        assertThat(state.merge(accepted).webhookDue()).isFalse();
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
    void shouldStayPendingAndOweNothingUntilTheResult() {
        assertThat(accepted.merge(accepted).status()).isEqualTo("PENDING");
        assertThat(accepted.merge(accepted).webhookDue()).isFalse();
    }
}
