package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kinfer.schemas.serde.SchemaRegistryException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class RequestTapTest {
    @Test
    void shouldReadARecordAgainOnlyForFailuresThatMayPass() {
        assertThat(RequestTap.retriable(new TimeoutException("delivery timed out"))).isTrue();
        assertThat(RequestTap.retriable(new NotLeaderOrFollowerException("moving"))).isTrue();
        assertThat(RequestTap.retriable(new TopicAuthorizationException("kinfer.jobs"))).as("an operator fixes the ACL").isTrue();
        assertThat(RequestTap.retriable(new SchemaRegistryException("unreachable", 0, null))).isTrue();
        assertThat(RequestTap.retriable(new SchemaRegistryException("overloaded", 503, null))).isTrue();
    }

    @Test
    void shouldSkipARecordWhoseFailureIsItsOwn() {
        assertThat(RequestTap.retriable(new RecordTooLargeException("2 MiB"))).isFalse();
        assertThat(RequestTap.retriable(new AvroRuntimeException("bad union"))).isFalse();
        assertThat(RequestTap.retriable(new IllegalStateException("a bug"))).isFalse();
        assertThat(RequestTap.retriable(new SchemaRegistryException("no such schema id", 404, null))).isFalse();
    }
}
