package dev.kinfer.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether a replay's result topic exists. A request may name one ({@code resultTopic}); a result sent to a topic
 * that does not exist would block the transaction it is part of, and every request in it, for the producer's
 * {@code max.block.ms}. A replay sends many requests to one topic, so what was learnt is kept a short while.
 */
final class ReplayTopics {
    private static final Duration REMEMBERED_FOR = Duration.ofSeconds(30);
    /** A topic not there yet may be made any moment (a replay makes its own): not knowing it is remembered briefly. */
    private static final Duration ABSENCE_REMEMBERED_FOR = Duration.ofSeconds(2);

    private record Known(boolean exists, long at) {
    }

    private final Predicate<String> lookup;
    private final Clock clock;
    private final Map<String, Known> known = new HashMap<>();

    /** {@code lookup} asks the cluster; it is called on the poll thread, so it must be bounded. */
    ReplayTopics(Predicate<String> lookup, Clock clock) {
        this.lookup = lookup;
        this.clock = clock;
    }

    boolean exists(String topic) {
        long now = clock.millis();
        Known entry = known.get(topic);
        if (entry == null || now - entry.at() > (entry.exists() ? REMEMBERED_FOR : ABSENCE_REMEMBERED_FOR).toMillis()) {
            if (known.size() > 1_000) {
                known.clear(); // names come from untrusted records: bound what is remembered
            }
            entry = new Known(lookup.test(topic), now);
            known.put(topic, entry);
        }
        return entry.exists();
    }
}
