package dev.kinfer.ingest;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds how many uploads are read and decoded at once: a decoded image takes up to 4 bytes per pixel, so
 * parallel large uploads could otherwise exhaust the heap. A request that finds every permit taken for
 * {@link #WAIT} is answered 503 {@code busy} with {@code Retry-After} instead of queueing without bound.
 */
final class DecodeBulkhead {
    private static final Duration WAIT = Duration.ofMillis(250);
    private static final String RETRY_AFTER_SECONDS = "1";

    private final Semaphore permits;

    DecodeBulkhead(int maxConcurrentDecodes) {
        this.permits = new Semaphore(maxConcurrentDecodes);
    }

    <T> T run(Context ctx, Supplier<T> decode) {
        if (!acquire()) {
            // Set before throwing: the problem handler writes the body and keeps the headers already set.
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
            throw new ApiProblem(503, "busy", "Busy", "as many images as this server decodes at once are being decoded; retry shortly");
        }
        try {
            return decode.get();
        } finally {
            permits.release();
        }
    }

    private boolean acquire() {
        try {
            return permits.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
