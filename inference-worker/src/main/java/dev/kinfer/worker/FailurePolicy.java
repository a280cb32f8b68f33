package dev.kinfer.worker;

import dev.kinfer.schemas.serde.SchemaRegistryException;
import dev.kinfer.store.ObjectStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one failure policy. Every exception is {@link Kind#FATAL} (the process cannot go on: it exits
 * and is restarted), {@link Kind#TRANSIENT} (trying again may help: a store timeout, a broker hiccup, a
 * registry 5xx) or {@link Kind#PERMANENT} (this request or record cannot succeed, whatever is retried).
 *
 * <p>For one request, a transient failure is retried with {@link Backoff} until {@code retryFor} has passed;
 * then the request fails alone, marked retriable. For the loop (commits), see {@link RequestWorker}.
 */
final class FailurePolicy {
    private static final Logger log = LoggerFactory.getLogger(FailurePolicy.class);

    enum Kind { PERMANENT, TRANSIENT, FATAL }

    private final Backoff backoff;
    private final Duration retryFor;

    FailurePolicy(Backoff backoff, Duration retryFor) {
        this.backoff = backoff;
        this.retryFor = retryFor;
    }

    Backoff backoff() {
        return backoff;
    }

    static Kind classify(Throwable failure) {
        Throwable cause = unwrap(failure);
        return switch (cause) {
            case Error e -> Kind.FATAL; // out of memory, a broken class path: nothing a retry or a skip fixes
            case ProducerFencedException e -> Kind.FATAL; // another instance took over this transactional id
            case InvalidProducerEpochException e -> Kind.TRANSIENT; // a transaction timed out: a new producer recovers
            case AuthorizationException e -> Kind.FATAL;
            case AuthenticationException e -> Kind.FATAL;
            case RequestFailure e -> Kind.PERMANENT; // already decided for its request (retriable or not)
            case ObjectStoreException e -> e.isTransient() ? Kind.TRANSIENT : Kind.PERMANENT;
            case SchemaRegistryException e -> e.isTransient() ? Kind.TRANSIENT : Kind.PERMANENT;
            case SerializationException e -> Kind.PERMANENT; // the record's bytes, not the broker
            case RetriableException e -> Kind.TRANSIENT;
            case KafkaException e -> Kind.TRANSIENT; // a failed commit: abort, and the uncommitted part runs again
            case IOException e -> Kind.TRANSIENT;
            case UncheckedIOException e -> Kind.TRANSIENT;
            case java.util.concurrent.TimeoutException e -> Kind.TRANSIENT;
            default -> Kind.PERMANENT;
        };
    }

    /**
     * Runs one request's call to a dependency, retrying transient failures until {@code retryFor} has passed.
     *
     * @throws RequestFailure with {@code retriable} set once the time is up, so the request fails alone
     */
    <T> T retrying(String what, Supplier<T> call) {
        Instant giveUpAt = Instant.now().plus(retryFor);
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (classify(e) != Kind.TRANSIENT) {
                    throw e;
                }
                Duration left = Duration.between(Instant.now(), giveUpAt);
                if (!left.isPositive()) {
                    throw new RequestFailure(ErrorCodes.DEPENDENCY_UNAVAILABLE, what + " failed for " + retryFor.toSeconds()
                            + " s: " + e.getMessage(), true);
                }
                Duration delay = backoff.delay(attempt);
                delay = delay.compareTo(left) < 0 ? delay : left;
                log.debug("{} failed (attempt {}), retrying in {} ms: {}", what, attempt + 1, delay.toMillis(), e.toString());
                sleep(delay);
            }
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestFailure(ErrorCodes.DEPENDENCY_UNAVAILABLE, "interrupted while waiting to retry", true);
        }
    }
}
