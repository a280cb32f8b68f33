package dev.kinfer.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the worker is alive, from its threads' heartbeats: the loop beats on every turn; the inference thread
 * says when a batch starts and ends. A loop that has not turned for {@code loopStall}, a batch running past
 * {@code maxBatchTime}, or a fatal failure makes {@code /health/live} fail, so an orchestrator restarts the
 * process instead of leaving a hung model holding partitions.
 */
final class Liveness {
    private static final Logger log = LoggerFactory.getLogger(Liveness.class);

    private final Clock clock;
    private final Duration loopStall;
    private final Duration maxBatchTime;
    private volatile Instant loopBeat;
    private volatile Instant batchStarted;
    private final AtomicReference<String> fatal = new AtomicReference<>();
    private final AtomicReference<String> reported = new AtomicReference<>();

    Liveness(Clock clock, Duration loopStall, Duration maxBatchTime) {
        this.clock = clock;
        this.loopStall = loopStall;
        this.maxBatchTime = maxBatchTime;
    }

    void loopBeat() {
        loopBeat = clock.instant();
    }

    void batchStarted() {
        batchStarted = clock.instant();
    }

    void batchEnded() {
        batchStarted = null;
    }

    /** The worker cannot go on; it stays not live until the process exits. */
    void fatal(String reason) {
        fatal.compareAndSet(null, reason);
    }

    /** Why the worker is not live, or null while it is. */
    String problem() {
        String problem = findProblem(clock.instant());
        if (problem != null && !problem.equals(reported.getAndSet(problem))) {
            log.error("not live: {}", problem); // once per distinct problem, however often the probe asks
        }
        return problem;
    }

    private String findProblem(Instant now) {
        if (fatal.get() != null) {
            return fatal.get();
        }
        Instant beat = loopBeat;
        if (beat != null && Duration.between(beat, now).compareTo(loopStall) > 0) {
            return "the worker loop has not turned for " + Duration.between(beat, now).toSeconds() + " s";
        }
        Instant started = batchStarted;
        if (started != null && Duration.between(started, now).compareTo(maxBatchTime) > 0) {
            return "one batch has been in the model for " + Duration.between(started, now).toSeconds() + " s (limit "
                    + maxBatchTime.toSeconds() + " s, KINFER_MAX_BATCH_SECONDS)";
        }
        return null;
    }
}
