package dev.kinfer.sink.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * When a failed delivery is tried again: the n-th retry waits {@code delays[n-1]} after the attempt before it, and
 * there are as many retries as delays. Each distinct delay is one retry topic, whose records therefore come due in
 * the order they were written; a {@code Retry-After} longer than the scheduled delay moves the retry up to the first
 * step of the schedule that waits at least that long, so no topic ever holds a record due later than the ones
 * behind it.
 */
public record RetrySchedule(List<Duration> delays) {
    /** The published schedule: at once, then 5 s, 5 min, 30 min, 2 h, 5 h and 10 h six times: 12 attempts over about 2.8 days. */
    public static final List<Duration> DEFAULT = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10), Duration.ofHours(10),
            Duration.ofHours(10), Duration.ofHours(10), Duration.ofHours(10));

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.stream().anyMatch(d -> d.isNegative() || d.isZero() || d.toMillis() % 1000 != 0)) {
            throw new IllegalArgumentException("retry delays must be whole seconds, at least one: " + delays);
        }
    }

    /** The distinct delays, shortest first: one retry topic each. */
    public List<Duration> steps() {
        return delays.stream().distinct().sorted().toList();
    }

    /** How many attempts a delivery gets in all. */
    public int attempts() {
        return delays.size() + 1;
    }

    /**
     * The wait before the next attempt, after {@code attemptsMade} attempts; empty when there is none left.
     *
     * @param retryAfter what the receiver asked for, if anything
     */
    public Optional<Duration> next(int attemptsMade, Optional<Duration> retryAfter) {
        if (attemptsMade < 1 || attemptsMade > delays.size()) {
            return Optional.empty();
        }
        Duration scheduled = delays.get(attemptsMade - 1);
        Duration wanted = retryAfter.filter(asked -> asked.compareTo(scheduled) > 0).orElse(scheduled);
        List<Duration> steps = steps();
        return Optional.of(steps.stream().filter(step -> step.compareTo(wanted) >= 0).findFirst().orElse(steps.getLast()));
    }

    /** Roughly how long the whole schedule lasts, for the documentation and the topics' retention. */
    public Duration span() {
        return delays.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
