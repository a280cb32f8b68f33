package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LivenessTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final Liveness liveness = new Liveness(clock, Duration.ofSeconds(60), Duration.ofSeconds(30));

    @Test
    void shouldBeLiveWhileTheLoopTurnsAndBatchesEndInTime() {
        liveness.loopBeat();
        liveness.batchStarted();
        now = now.plusSeconds(29);
        liveness.loopBeat();
        liveness.batchEnded();
        now = now.plusSeconds(59);

        assertThat(liveness.problem()).isNull();
    }

    @Test
    void shouldNotBeLiveWhenOneBatchRunsPastTheLimit() {
        liveness.loopBeat();
        liveness.batchStarted();
        now = now.plusSeconds(31);
        liveness.loopBeat();

        assertThat(liveness.problem()).contains("one batch has been in the model for 31 s", "KINFER_MAX_BATCH_SECONDS");
    }

    @Test
    void shouldNotBeLiveWhenTheLoopStopsTurning() {
        liveness.loopBeat();
        now = now.plusSeconds(61);

        assertThat(liveness.problem()).contains("loop has not turned for 61 s");
    }

    @Test
    void shouldStayNotLiveAfterAFatalFailure() {
        liveness.loopBeat();
        liveness.fatal("fenced");
        liveness.loopBeat();

        assertThat(liveness.problem()).isEqualTo("fenced");
    }
}
