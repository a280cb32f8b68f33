package dev.kinfer.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: attempt {@code n} waits a random time between half and all of
 * {@code min(max, initial * 2^n)}, so that workers retrying the same outage do not retry in step.
 */
record Backoff(Duration initial, Duration max) {
    Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    Duration delay(int attempt) {
        long cap = initial.toMillis() << Math.min(attempt, 30);
        cap = cap <= 0 ? max.toMillis() : Math.min(cap, max.toMillis());
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }
}
