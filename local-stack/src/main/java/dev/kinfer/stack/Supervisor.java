package dev.kinfer.stack;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the stack's services when they exit by themselves (a crash, an out-of-memory kill, a SIGKILL), with
 * {@link RestartBackoff}; a service stopped on purpose ({@link ChildProcess#close()}) or while the stack stops
 * stays stopped. Each restart is a warning with the exit code and the end of the service's log, which is what
 * {@code ./kinfer up} prints. Only the children handed to {@link #supervise} are watched.
 */
final class Supervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final int LOG_LINES = 15;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "supervisor");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<ChildProcess, RestartBackoff> backoffs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Restarts {@code child} whenever it exits by itself from now on. */
    void supervise(ChildProcess child) {
        backoffs.put(child, new RestartBackoff());
        watch(child);
    }

    private void watch(ChildProcess child) {
        child.onExit().thenRunAsync(() -> exited(child), scheduler);
    }

    private void exited(ChildProcess child) {
        if (closed || child.closed()) {
            return;
        }
        RestartBackoff.Restart restart = backoffs.get(child).next(Duration.between(child.startedAt(), Instant.now()));
        log.warn("{} exited with {}; restarting in {} s (restart {}). Its log ({}) ends:\n{}", child.name(), child.exitValue(),
                restart.delay().toSeconds(), restart.number(), child.log(), lastLines(child));
        scheduler.schedule(() -> restart(child), restart.delay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void restart(ChildProcess child) {
        if (closed) {
            return;
        }
        try {
            if (child.relaunch()) {
                watch(child);
            }
        } catch (IOException e) {
            RestartBackoff.Restart next = backoffs.get(child).next(Duration.ZERO);
            log.error("cannot restart {}: {}; trying again in {} s", child.name(), e.getMessage(), next.delay().toSeconds());
            scheduler.schedule(() -> restart(child), next.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static String lastLines(ChildProcess child) {
        try {
            return child.tail(LOG_LINES);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Restarts nothing from now on: the stack is stopping. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
    }
}
