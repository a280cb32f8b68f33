package dev.kinfer.sink.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2015-10-21T07:00:00Z");

    @Test
    void shouldReadDeltaSeconds() {
        assertThat(RetryAfter.parse("120", NOW)).hasValue(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", NOW)).hasValue(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT", "Wed Oct 21 07:28:00 2015"})
    void shouldReadEachHttpDateFormatRelativeToNow(String date) {
        assertThat(RetryAfter.parse(date, NOW)).hasValue(Duration.ofMinutes(28));
    }

    @Test
    void shouldMakeADateGoneByZero() {
        assertThat(RetryAfter.parse("Tue, 20 Oct 2015 07:28:00 GMT", NOW)).hasValue(Duration.ZERO);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "soon", "-5", "1.5", "12s", "99999999999999999999999", "Wed, 32 Oct 2015 07:28:00 GMT"})
    void shouldIgnoreWhatIsNeitherSecondsNorADate(String header) {
        assertThat(RetryAfter.parse(header, NOW)).isEmpty();
    }
}
