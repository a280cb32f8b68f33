package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
    private final FakeClock clock = new FakeClock();
    private final IdempotencyKeys keys = new IdempotencyKeys(clock, Duration.ofHours(24), 3);
    private final Answer first = new Answer(202, "/v1/jobs/j1", JsonNodeFactory.instance.objectNode().put("jobId", "j1"));

    @Test
    void aRetryOfTheSameRequestGetsTheFirstAnswer() {
        IdempotencyKeys.Claim.Fresh fresh = (IdempotencyKeys.Claim.Fresh) keys.claim("t", "k", "request-a");
        keys.complete(fresh, first);
        assertThat(keys.claim("t", "k", "request-a")).isEqualTo(new IdempotencyKeys.Claim.Replay(first));
    }

    @Test
    void theSameKeyForAnotherRequestOrWhileTheFirstIsInProgressIsAConflict() {
        IdempotencyKeys.Claim.Fresh fresh = (IdempotencyKeys.Claim.Fresh) keys.claim("t", "k", "request-a");
        assertThat(catchThrowableOfType(ApiProblem.class, () -> keys.claim("t", "k", "request-a")).code()).isEqualTo("idempotency-key-in-use");
        keys.complete(fresh, first);
        ApiProblem reused = catchThrowableOfType(ApiProblem.class, () -> keys.claim("t", "k", "request-b"));
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.code()).isEqualTo("idempotency-key-reused");
    }

    @Test
    void keysArePerTenantAndARefusedSubmissionFreesItsKey() {
        assertThat(keys.claim("t", "k", "request-a")).isInstanceOf(IdempotencyKeys.Claim.Fresh.class);
        IdempotencyKeys.Claim.Fresh other = (IdempotencyKeys.Claim.Fresh) keys.claim("u", "k", "request-b");
        keys.release(other);
        assertThat(keys.claim("u", "k", "request-c")).isInstanceOf(IdempotencyKeys.Claim.Fresh.class);
        assertThat(IdempotencyKeys.jobId("t", "k")).isEqualTo(IdempotencyKeys.jobId("t", "k")).isNotEqualTo(IdempotencyKeys.jobId("u", "k"));
    }

    @Test
    void keysExpireAndTheOldestGoFirst() {
        keys.complete((IdempotencyKeys.Claim.Fresh) keys.claim("t", "k", "request-a"), first);
        clock.advance(Duration.ofHours(25));
        assertThat(keys.claim("t", "k", "request-b")).isInstanceOf(IdempotencyKeys.Claim.Fresh.class);
        keys.claim("t", "k2", "x");
        keys.claim("t", "k3", "x");
        keys.claim("t", "k4", "x"); // a fourth: the first is forgotten
        assertThat(keys.claim("t", "k", "request-c")).isInstanceOf(IdempotencyKeys.Claim.Fresh.class);
    }

    @Test
    void keysAreVisibleAscii() {
        assertThat(IdempotencyKeys.validate("3f0e2c1a-key")).isEqualTo("3f0e2c1a-key");
        assertThat(catchThrowableOfType(ApiProblem.class, () -> IdempotencyKeys.validate("has space")).code()).isEqualTo("invalid-idempotency-key");
        assertThat(catchThrowableOfType(ApiProblem.class, () -> IdempotencyKeys.validate("x".repeat(256))).status()).isEqualTo(400);
    }
}
