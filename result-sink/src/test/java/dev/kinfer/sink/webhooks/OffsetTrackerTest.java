package dev.kinfer.sink.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("kinfer.webhooks", 0);
    private static final TopicPartition P1 = new TopicPartition("kinfer.webhooks", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldCommitOnlyUpToTheOldestDeliveryStillUnderWay() {
        long generation = tracker.started(P0, 10);
        tracker.started(P0, 11);
        tracker.started(P0, 12);
        tracker.finished(P0, 11, generation);
        tracker.finished(P0, 12, generation);

        assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, new OffsetAndMetadata(10)));
        assertThat(tracker.underWay()).isEqualTo(1);

        tracker.finished(P0, 10, generation);
        assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, new OffsetAndMetadata(13)));
    }

    @Test
    void shouldOfferOnlyWhatMovedSinceTheLastCommit() {
        tracker.finished(P0, 0, tracker.started(P0, 0));
        long generation = tracker.started(P1, 5);
        tracker.committed(tracker.toCommit());

        assertThat(tracker.toCommit()).isEmpty();
        tracker.finished(P1, 5, generation);
        assertThat(tracker.toCommit()).isEqualTo(Map.of(P1, new OffsetAndMetadata(6)));
        assertThat(tracker.underWay(P1)).isZero();
    }

    @Test
    void shouldNotLetADeliveryOfAnEarlierAssignmentFinishTheCurrentOnesWork() {
        long before = tracker.started(P0, 7);
        tracker.forget(P0);
        tracker.started(P0, 7);

        tracker.finished(P0, 7, before);

        assertThat(tracker.underWay(P0)).isEqualTo(1);
        assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, new OffsetAndMetadata(7)));
    }

    @Test
    void shouldForgetAPartitionThatLeft() {
        tracker.started(P0, 3);
        tracker.forget(P0);

        assertThat(tracker.toCommit()).isEmpty();
        assertThat(tracker.underWay()).isZero();
    }
}
