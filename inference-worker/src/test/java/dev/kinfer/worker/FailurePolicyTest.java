package dev.kinfer.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kinfer.schemas.serde.SchemaRegistryException;
import dev.kinfer.store.ObjectNotFoundException;
import dev.kinfer.store.ObjectStoreException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class FailurePolicyTest {
    private final FailurePolicy policy = new FailurePolicy(new Backoff(Duration.ofMillis(1), Duration.ofMillis(4)), Duration.ofMillis(200));

    @Test
    void shouldClassifyEveryFailureOnce() {
        assertThat(FailurePolicy.classify(new ObjectStoreException("timeout", true, null))).isEqualTo(FailurePolicy.Kind.TRANSIENT);
        assertThat(FailurePolicy.classify(new ObjectStoreException("denied", false, null))).isEqualTo(FailurePolicy.Kind.PERMANENT);
        assertThat(FailurePolicy.classify(new SchemaRegistryException("down", 0, null))).isEqualTo(FailurePolicy.Kind.TRANSIENT);
        assertThat(FailurePolicy.classify(new SchemaRegistryException("500", 503, null))).isEqualTo(FailurePolicy.Kind.TRANSIENT);
        assertThat(FailurePolicy.classify(new SchemaRegistryException("unknown id", 404, null))).isEqualTo(FailurePolicy.Kind.PERMANENT);
        assertThat(FailurePolicy.classify(new SerializationException("garbage"))).isEqualTo(FailurePolicy.Kind.PERMANENT);
        assertThat(FailurePolicy.classify(new TimeoutException("broker"))).isEqualTo(FailurePolicy.Kind.TRANSIENT);
        assertThat(FailurePolicy.classify(new KafkaException("commit failed"))).isEqualTo(FailurePolicy.Kind.TRANSIENT);
        assertThat(FailurePolicy.classify(new ProducerFencedException("zombie"))).isEqualTo(FailurePolicy.Kind.FATAL);
        assertThat(FailurePolicy.classify(new OutOfMemoryError())).isEqualTo(FailurePolicy.Kind.FATAL);
        assertThat(FailurePolicy.classify(new NullPointerException())).isEqualTo(FailurePolicy.Kind.PERMANENT);
        assertThat(FailurePolicy.classify(new RequestFailure("x", "y", true))).isEqualTo(FailurePolicy.Kind.PERMANENT);
        assertThat(FailurePolicy.classify(new ExecutionException(new ObjectStoreException("t", true, null))))
                .as("unwrapped").isEqualTo(FailurePolicy.Kind.TRANSIENT);
    }

    @Test
    void shouldRetryTransientFailuresUntilTheyPass() {
        AtomicInteger calls = new AtomicInteger();

        String value = policy.retrying("get", () -> {
            if (calls.incrementAndGet() < 4) {
                throw new ObjectStoreException("connection refused", true, null);
            }
            return "bytes";
        });

        assertThat(value).isEqualTo("bytes");
        assertThat(calls).hasValue(4);
    }

    @Test
    void shouldFailTheRequestAsRetriableWhenTheDependencyStaysDown() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> policy.retrying("get s3://b/k", () -> {
            calls.incrementAndGet();
            throw new ObjectStoreException("connection refused", true, null);
        })).isInstanceOfSatisfying(RequestFailure.class, failure -> {
            assertThat(failure.code()).isEqualTo(ErrorCodes.DEPENDENCY_UNAVAILABLE);
            assertThat(failure.retriable()).isTrue();
            assertThat(failure.getMessage()).contains("get s3://b/k", "connection refused");
        });
        assertThat(calls.get()).isGreaterThan(5);
    }

    @Test
    void shouldNotRetryPermanentFailures() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> policy.retrying("get", () -> {
            calls.incrementAndGet();
            throw new ObjectNotFoundException("s3://b/k", null);
        })).isInstanceOf(ObjectNotFoundException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldBackOffExponentiallyWithJitterUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.delay(0).toMillis()).isBetween(50L, 100L);
            assertThat(backoff.delay(2).toMillis()).isBetween(200L, 400L);
            assertThat(backoff.delay(40).toMillis()).isBetween(1000L, 2000L);
        }
    }
}
