package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class WorkerPresenceTest {
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final FakeClock clock = new FakeClock();
    private final List<String> asked = new ArrayList<>();
    private boolean live;
    private boolean kafkaDown;
    private final WorkerPresence presence = new WorkerPresence(model -> {
        asked.add(model);
        if (kafkaDown) {
            throw new TimeoutException("broker unreachable");
        }
        return live;
    }, GRACE, clock);

    @Test
    void shouldServeAModelNeverSeenWithAWorkerUntilTheGraceFromStartIsOver() {
        clock.advance(GRACE);
        assertThat(presence.available("detect-faces")).isTrue();

        clock.advance(Duration.ofSeconds(1));
        assertThat(presence.available("detect-faces")).isFalse();
    }

    @Test
    void shouldRefuseAModelOnlyOnceItsLastWorkerHasBeenGoneLongerThanTheGrace() {
        live = true;
        clock.advance(Duration.ofMinutes(5));
        assertThat(presence.available("detect-faces")).isTrue();

        live = false;
        clock.advance(GRACE);
        assertThat(presence.available("detect-faces")).as("gone exactly the grace").isTrue();
        clock.advance(WorkerPresence.RECHECK);
        assertThat(presence.available("detect-faces")).isFalse();

        live = true;
        clock.advance(WorkerPresence.RECHECK);
        assertThat(presence.available("detect-faces")).as("a worker is back").isTrue();
    }

    @Test
    void shouldAskKafkaAtMostOncePerRecheckPerModel() {
        live = true;
        presence.available("detect-faces");
        clock.advance(WorkerPresence.RECHECK.minusMillis(1));
        presence.available("detect-faces");
        presence.available("upscale");
        assertThat(asked).containsExactly("detect-faces", "upscale");

        clock.advance(Duration.ofMillis(1));
        presence.available("detect-faces");
        assertThat(asked).containsExactly("detect-faces", "upscale", "detect-faces");
    }

    @Test
    void shouldSeeAWorkerThatLeftOnlyAtTheNextRecheck() {
        live = true;
        clock.advance(Duration.ofMinutes(5));
        presence.available("detect-faces");

        live = false;
        clock.advance(GRACE.plusSeconds(1));
        assertThat(presence.available("detect-faces")).as("checked once more now, alive when last seen " + GRACE + " ago").isFalse();
    }

    @Test
    void shouldJudgeOnWhatWasLastSeenWhileKafkaCannotTell() {
        live = true;
        presence.available("detect-faces");

        kafkaDown = true;
        clock.advance(GRACE);
        assertThat(presence.available("detect-faces")).isTrue();
        clock.advance(WorkerPresence.RECHECK);
        assertThat(presence.available("detect-faces")).isFalse();
    }

    @Test
    void shouldTellClientsToRetryAfterTheGraceButNotSoonerThanTheRecheck() {
        assertThat(presence.retryAfter()).isEqualTo(GRACE);
        assertThat(new WorkerPresence(model -> false, Duration.ofSeconds(1), clock).retryAfter()).isEqualTo(WorkerPresence.RECHECK);
    }
}
