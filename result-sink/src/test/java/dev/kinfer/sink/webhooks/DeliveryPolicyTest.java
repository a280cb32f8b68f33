package dev.kinfer.sink.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeliveryPolicyTest {
    private final DeliveryPolicy policy = new DeliveryPolicy(new RetrySchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2))));

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void shouldCountAny2xxAsDelivered(int status) {
        assertThat(policy.decide(answered(status), 1)).isInstanceOf(DeliveryPolicy.Decision.Delivered.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 429, 408, 301, 302, 307})
    void shouldRetryWhatMayPass(int status) {
        assertThat(policy.decide(answered(status), 1)).isEqualTo(
                new DeliveryPolicy.Decision.Retry(Duration.ofSeconds(1), "the receiver answered " + status));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 413, 422})
    void shouldDeadLetterAtOnceWhatNoRetryChanges(int status) {
        assertThat(policy.decide(answered(status), 1)).isInstanceOf(DeliveryPolicy.Decision.DeadLetter.class);
    }

    @Test
    void shouldStopAt410Gone() {
        assertThat(policy.decide(answered(410), 1)).isInstanceOf(DeliveryPolicy.Decision.Gone.class);
    }

    @Test
    void shouldRetryConnectionFailuresUntilTheScheduleEndsThenDeadLetter() {
        AttemptResult refused = new AttemptResult.Failed("Connection refused");

        assertThat(policy.decide(refused, 1)).isEqualTo(new DeliveryPolicy.Decision.Retry(Duration.ofSeconds(1), "Connection refused"));
        assertThat(policy.decide(refused, 2)).isEqualTo(new DeliveryPolicy.Decision.Retry(Duration.ofSeconds(2), "Connection refused"));
        assertThat(policy.decide(refused, 3)).isInstanceOfSatisfying(DeliveryPolicy.Decision.DeadLetter.class,
                dead -> assertThat(dead.reason()).contains("after 3", "Connection refused"));
    }

    @Test
    void shouldHonourRetryAfter() {
        AttemptResult busy = new AttemptResult.Answered(503, Optional.of(Duration.ofMillis(1500)), "");

        assertThat(policy.decide(busy, 1)).isEqualTo(new DeliveryPolicy.Decision.Retry(Duration.ofSeconds(2), "the receiver answered 503"));
    }

    @Test
    void shouldNeverRetryWhatTheGuardRefused() {
        assertThat(policy.decide(new AttemptResult.Refused("127.0.0.1 is loopback"), 1))
                .isEqualTo(new DeliveryPolicy.Decision.Refused("127.0.0.1 is loopback"));
    }

    private static AttemptResult answered(int status) {
        return new AttemptResult.Answered(status, Optional.empty(), "");
    }
}
