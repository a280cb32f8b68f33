package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.InferenceRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatcherTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Batcher batcher = new Batcher(3, Duration.ofMillis(10));

    private Job job(TopicPartition partition, long offset, String bucket, Instant at) {
        return new Job(partition, offset, new InferenceRequest(), at, null, bucket, CompletableFuture.completedFuture(List.of()));
    }

    @Test
    void shouldServeALoneRequestOnlyAfterMaxDelay() {
        batcher.add(job(P0, 0, "a", t0));

        assertThat(batcher.nextReady(t0.plusMillis(9))).isEmpty();
        assertThat(batcher.timeUntilReady(t0.plusMillis(4))).isEqualTo(Duration.ofMillis(6));
        assertThat(batcher.nextReady(t0.plusMillis(10))).hasValueSatisfying(b -> assertThat(b).hasSize(1));
        assertThat(batcher.size()).isZero();
    }

    @Test
    void shouldServeAFullBatchAtOnceAndKeepTheRestInOrder() {
        for (int i = 0; i < 5; i++) {
            batcher.add(job(P0, i, "a", t0.plusMillis(i)));
        }

        List<Job> first = batcher.nextReady(t0.plusMillis(5)).orElseThrow();

        assertThat(first).extracting(Job::offset).containsExactly(0L, 1L, 2L);
        assertThat(batcher.nextReady(t0.plusMillis(5))).isEmpty();
        assertThat(batcher.nextReady(t0.plusMillis(13))).hasValueSatisfying(b -> assertThat(b).extracting(Job::offset).containsExactly(3L, 4L));
    }

    @Test
    void shouldNeverMixBucketsAndServeTheOldestReadyFirst() {
        batcher.add(job(P0, 0, "64x64", t0.plusMillis(1)));
        batcher.add(job(P0, 1, "32x32", t0));
        batcher.add(job(P0, 2, "64x64", t0.plusMillis(2)));

        assertThat(batcher.nextReady(t0.plusMillis(20)).orElseThrow()).extracting(Job::bucket).containsExactly("32x32");
        assertThat(batcher.nextReady(t0.plusMillis(20)).orElseThrow()).extracting(Job::bucket).containsExactly("64x64", "64x64");
    }

    @Test
    void shouldDropTheJobsOfRevokedPartitions() {
        batcher.add(job(P0, 0, "a", t0));
        batcher.add(job(P1, 0, "a", t0));

        assertThat(batcher.remove(List.of(P1))).extracting(Job::partition).containsExactly(P1);
        assertThat(batcher.size()).isEqualTo(1);
        assertThat(batcher.nextReady(t0.plusMillis(10)).orElseThrow()).extracting(Job::partition).containsExactly(P0);
    }
}
