package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {
    private final RestartBackoff backoff = new RestartBackoff();

    @Test
    void shouldDoubleTheWaitForCrashesInARowUpToThirtySeconds() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            delays.add(backoff.next(Duration.ofSeconds(5)).delay().toSeconds());
        }

        assertThat(delays).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    }

    @Test
    void shouldStartOverAfterARunThatLastedAMinuteButKeepCountingRestarts() {
        backoff.next(Duration.ofSeconds(5));
        backoff.next(Duration.ofSeconds(5));
        RestartBackoff.Restart almostStable = backoff.next(RestartBackoff.STABLE.minusMillis(1));
        RestartBackoff.Restart afterStable = backoff.next(RestartBackoff.STABLE);

        assertThat(almostStable.delay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(afterStable.delay()).isEqualTo(RestartBackoff.FIRST);
        assertThat(afterStable.number()).isEqualTo(4);
    }

    @Test
    void shouldNeverOverflowHoweverLongItCrashes() {
        for (int i = 0; i < 100; i++) {
            backoff.next(Duration.ZERO);
        }

        assertThat(backoff.next(Duration.ZERO)).isEqualTo(new RestartBackoff.Restart(RestartBackoff.MAX, 101));
    }
}
