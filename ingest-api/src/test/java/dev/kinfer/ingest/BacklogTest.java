package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BacklogTest {
    private final FakeClock clock = new FakeClock();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicInteger asked = new AtomicInteger();
    private final Backlog backlog = new Backlog(model -> {
        asked.incrementAndGet();
        return lag.get();
    }, 100, clock);

    @Test
    void workPastTheBoundIsRefusedUntilTheWorkersCatchUp() {
        lag.set(100);
        assertThatNoException().isThrownBy(() -> backlog.admit("m"));
        lag.set(101);
        clock.advance(Backlog.RECHECK);
        ApiProblem refused = catchThrowableOfType(ApiProblem.class, () -> backlog.admit("m"));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("model-overloaded");
        assertThat(refused.headers()).containsKey("Retry-After");
        lag.set(3);
        clock.advance(Backlog.RECHECK);
        assertThatNoException().isThrownBy(() -> backlog.admit("m"));
    }

    @Test
    void theLagIsAskedForAtMostOncePerRecheck() {
        for (int i = 0; i < 50; i++) {
            backlog.admit("m");
            clock.advance(Duration.ofMillis(10));
        }
        assertThat(asked.get()).isEqualTo(1);
        clock.advance(Backlog.RECHECK);
        backlog.admit("m");
        assertThat(asked.get()).isEqualTo(2);
    }

    @Test
    void whenKafkaCannotTellTheLastMeasureCounts() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        Backlog flaky = new Backlog(model -> {
            if (down.get()) {
                throw new IllegalStateException("broker down");
            }
            return 500;
        }, 100, clock);
        catchThrowableOfType(ApiProblem.class, () -> flaky.admit("m"));
        down.set(true);
        clock.advance(Backlog.RECHECK);
        assertThat(catchThrowableOfType(ApiProblem.class, () -> flaky.admit("m")).code()).isEqualTo("model-overloaded");
        Backlog neverMeasured = new Backlog(model -> {
            throw new IllegalStateException("broker down");
        }, 100, clock);
        assertThatNoException().isThrownBy(() -> neverMeasured.admit("m"));
    }

    @Test
    void aZeroBoundAdmitsEverything() {
        Backlog unbounded = new Backlog(model -> {
            throw new AssertionError("not asked");
        }, 0, clock);
        assertThatNoException().isThrownBy(() -> unbounded.admit("m"));
    }
}
