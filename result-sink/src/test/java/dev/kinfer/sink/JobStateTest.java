package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class JobStateTest {
    private final JobState accepted = JobState.accepted("j1", "t", "m", 1000L, "https://example.org/hook", "default");
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
    void shouldStayPendingAndOweNothingUntilTheResult() {
        assertThat(accepted.merge(accepted).status()).isEqualTo("PENDING");
        assertThat(accepted.merge(accepted).webhookDue()).isFalse();
    }
}
