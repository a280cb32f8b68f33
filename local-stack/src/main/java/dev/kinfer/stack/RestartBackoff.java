package dev.kinfer.stack;

import java.time.Duration;

/**
 * How long to wait before restarting a service that exited: 1 s, doubling with each crash in a row up to 30 s,
 * so a service that cannot start does not spin; back to 1 s once a run has lasted a minute.
 */
final class RestartBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration STABLE = Duration.ofMinutes(1);

    /** The wait before restart {@code number} (1 for the first restart of the service). */
    record Restart(Duration delay, int number) {
    }

    private int inARow;
    private int restarts;

    /** The next restart, after a run that lasted {@code uptime}. */
    synchronized Restart next(Duration uptime) {
        if (uptime.compareTo(STABLE) >= 0) {
            inARow = 0;
        }
        Duration delay = FIRST.multipliedBy(1L << Math.min(inARow, 16));
        inARow++;
        restarts++;
        return new Restart(delay.compareTo(MAX) > 0 ? MAX : delay, restarts);
    }
}
