package dev.kinfer.sink.webhooks;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpDateTime;

/** Reads a {@code Retry-After} header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. */
final class RetryAfter {
    private static final Pattern DELTA_SECONDS = Pattern.compile("\\d+");

    private RetryAfter() {
    }

    /** @return how long the receiver asked to wait from {@code now} (zero for a date gone by); empty for none or garbage */
    static Optional<Duration> parse(String header, Instant now) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.strip();
        try {
            if (DELTA_SECONDS.matcher(value).matches()) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            }
            Duration untilDate = Duration.between(now, HttpDateTime.parse(value).toInstant());
            return Optional.of(untilDate.isNegative() ? Duration.ZERO : untilDate);
        } catch (IllegalArgumentException | DateTimeException e) { // too many digits, or no date in any HTTP-date format
            return Optional.empty();
        }
    }
}
