package dev.kinfer.sink.webhooks;

import java.time.Duration;
import java.util.Optional;

/** What an attempt's result means for its delivery: the one place where failures are judged. */
final class DeliveryPolicy {
    /** What comes of a delivery after one attempt. */
    sealed interface Decision {
        /** The receiver took it (2xx). */
        record Delivered() implements Decision {
        }

        /** Worth another attempt after {@code delay}. */
        record Retry(Duration delay, String reason) implements Decision {
        }

        /** No attempt left, or a refusal by the receiver that no retry can change: to the dead-letter topic. */
        record DeadLetter(String reason) implements Decision {
        }

        /** The guard would not let it be sent (a private address, not http): nothing to retry or dead-letter. */
        record Refused(String reason) implements Decision {
        }

        /** The receiver answered 410 Gone: it wants no more deliveries to this endpoint. */
        record Gone() implements Decision {
        }
    }

    private final RetrySchedule schedule;

    DeliveryPolicy(RetrySchedule schedule) {
        this.schedule = schedule;
    }

    /**
     * @param attemptsMade attempts made so far, this one included
     */
    Decision decide(AttemptResult result, int attemptsMade) {
        return switch (result) {
            case AttemptResult.Refused refused -> new Decision.Refused(refused.reason());
            case AttemptResult.Failed failed -> retryOrDeadLetter(attemptsMade, Optional.empty(), failed.error());
            case AttemptResult.Answered answered -> decide(answered, attemptsMade);
        };
    }

    private Decision decide(AttemptResult.Answered answered, int attemptsMade) {
        int status = answered.status();
        if (status / 100 == 2) {
            return new Decision.Delivered();
        }
        if (status == 410) {
            return new Decision.Gone();
        }
        String reason = "the receiver answered " + status + (answered.bodyStart().isBlank() ? "" : ": " + answered.bodyStart());
        // A receiver that is down, overloaded or moved may take the delivery later; one that says the request itself
        // is wrong (400, 401, 404...) will say so again, and the delivery waits in the dead-letter topic to be replayed.
        boolean worthRetrying = status >= 500 || status == 429 || status == 408 || status / 100 == 3;
        return worthRetrying ? retryOrDeadLetter(attemptsMade, answered.retryAfter(), reason) : new Decision.DeadLetter(reason);
    }

    private Decision retryOrDeadLetter(int attemptsMade, Optional<Duration> retryAfter, String reason) {
        return schedule.next(attemptsMade, retryAfter)
                .<Decision>map(delay -> new Decision.Retry(delay, reason))
                .orElseGet(() -> new Decision.DeadLetter("no attempt left after " + attemptsMade + "; the last: " + reason));
    }
}
