package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private final OffsetLedger ledger = new OffsetLedger();

    private static List<ProducerRecord<String, byte[]>> output(String key) {
        return List.of(new ProducerRecord<>("results", key, new byte[0]));
    }

    @Test
    void shouldHoldOutputsUntilEveryEarlierRecordHasFinished() {
        ledger.track(P0, 10);
        ledger.track(P0, 11);
        ledger.track(P0, 12);
        ledger.complete(P0, 11, output("b"));
        ledger.complete(P0, 12, output("c"));

        assertThat(ledger.drain().isEmpty()).as("offset 10 still runs").isTrue();

        ledger.complete(P0, 10, output("a"));
        OffsetLedger.Committable committable = ledger.drain();

        assertThat(committable.outputs()).extracting(ProducerRecord::key).containsExactly("a", "b", "c");
        assertThat(committable.offsets().get(P0).offset()).isEqualTo(13);
        assertThat(ledger.uncommitted()).isZero();
    }

    @Test
    void shouldCommitEachPartitionsPrefixOnItsOwn() {
        ledger.track(P0, 0);
        ledger.track(P0, 1);
        ledger.track(P1, 5);
        ledger.complete(P0, 0, output("a"));
        ledger.complete(P1, 5, output("x"));

        OffsetLedger.Committable committable = ledger.drain();

        assertThat(committable.offsets().get(P0).offset()).isEqualTo(1);
        assertThat(committable.offsets().get(P1).offset()).isEqualTo(6);
        assertThat(ledger.uncommitted()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreResultsForPartitionsThatWereRevokedMeanwhile() {
        ledger.track(P0, 0);
        ledger.forget(List.of(P0));
        ledger.complete(P0, 0, output("late"));

        assertThat(ledger.drain().isEmpty()).isTrue();
    }
}
