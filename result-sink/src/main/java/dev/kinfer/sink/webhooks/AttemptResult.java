package dev.kinfer.sink.webhooks;

import java.time.Duration;
import java.util.Optional;

/** What came of one attempt to send a webhook. */
public sealed interface AttemptResult {
    /**
     * The receiver answered, whatever the status (a 3xx too: redirects are not followed).
     *
     * @param retryAfter its {@code Retry-After}, if it sent a valid one
     * @param bodyStart  the start of its body, at most {@link WebhookClient#BODY_START_LIMIT} bytes, for messages
     */
    record Answered(int status, Optional<Duration> retryAfter, String bodyStart) implements AttemptResult {
    }

    /** No answer: a timeout, a refused connection, a host that does not resolve, a TLS error. Worth retrying. */
    record Failed(String error) implements AttemptResult {
    }

    /** The callback guard said no. Never retried. */
    record Refused(String reason) implements AttemptResult {
    }
}
