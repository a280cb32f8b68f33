package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayTopicsTest {
    private final List<String> asked = new ArrayList<>();
    private Set<String> cluster = Set.of("kinfer.results.replay.a");
    private Instant now = Instant.parse("2026-11-23T00:00:00Z");

    private final ReplayTopics topics = new ReplayTopics(topic -> {
        asked.add(topic);
        return cluster.contains(topic);
    }, new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });

    @Test
    void shouldAskTheClusterOnceAWhilePerTopic() {
        assertThat(topics.exists("kinfer.results.replay.a")).isTrue();
        assertThat(topics.exists("kinfer.results.replay.b")).isFalse();
        assertThat(topics.exists("kinfer.results.replay.a")).isTrue();
        assertThat(asked).containsExactly("kinfer.results.replay.a", "kinfer.results.replay.b");

        cluster = Set.of("kinfer.results.replay.a", "kinfer.results.replay.b");
        now = now.plus(Duration.ofSeconds(3));
        assertThat(topics.exists("kinfer.results.replay.b")).as("a topic made since is seen within seconds").isTrue();
        cluster = Set.of("kinfer.results.replay.b");
        assertThat(topics.exists("kinfer.results.replay.a")).as("one known to exist is not asked about again soon").isTrue();
        now = now.plus(Duration.ofSeconds(31));
        assertThat(topics.exists("kinfer.results.replay.a")).isFalse();
    }
}
