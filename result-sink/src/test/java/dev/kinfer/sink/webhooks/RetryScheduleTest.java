package dev.kinfer.sink.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private final RetrySchedule schedule = new RetrySchedule(RetrySchedule.DEFAULT);

    @Test
    void shouldFollowThePublishedScheduleForAboutThreeDays() {
        assertThat(schedule.next(1, Optional.empty())).contains(Duration.ofSeconds(5));
        assertThat(schedule.next(2, Optional.empty())).contains(Duration.ofMinutes(5));
        assertThat(schedule.next(3, Optional.empty())).contains(Duration.ofMinutes(30));
        assertThat(schedule.next(4, Optional.empty())).contains(Duration.ofHours(2));
        assertThat(schedule.next(5, Optional.empty())).contains(Duration.ofHours(5));
        assertThat(schedule.next(6, Optional.empty())).contains(Duration.ofHours(10));
        assertThat(schedule.next(11, Optional.empty())).contains(Duration.ofHours(10));
        assertThat(schedule.next(12, Optional.empty())).as("the twelfth attempt was the last").isEmpty();
        assertThat(schedule.span()).isBetween(Duration.ofHours(60), Duration.ofHours(72));
        assertThat(schedule.steps()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
                Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10));
    }

    @Test
    void shouldWaitAtLeastWhatRetryAfterAsksRoundedUpToAStepSoEachTopicStaysInOrder() {
        assertThat(schedule.next(1, Optional.of(Duration.ofSeconds(2)))).as("shorter than scheduled: the schedule")
                .contains(Duration.ofSeconds(5));
        assertThat(schedule.next(1, Optional.of(Duration.ofSeconds(60)))).contains(Duration.ofMinutes(5));
        assertThat(schedule.next(1, Optional.of(Duration.ofMinutes(5)))).contains(Duration.ofMinutes(5));
        assertThat(schedule.next(2, Optional.of(Duration.ofDays(3)))).as("past the longest step: the longest")
                .contains(Duration.ofHours(10));
    }

    @Test
    void shouldRefuseStepsThatAreNotWholePositiveSeconds() {
        assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ofMillis(500)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(List.of(Duration.ZERO))).isInstanceOf(IllegalArgumentException.class);
    }
}
