package dev.kinfer.worker.model;

import dev.kinfer.catalog.ModelManifest;
import java.time.Duration;

/**
 * How requests are grouped into model calls.
 *
 * @param maxBatchSize most requests in one {@code batchPredict}
 * @param maxDelay     longest a batch's first request waits for company while the model is free; zero serves
 *                     whatever is queued at once (under load batches still fill, since requests queue up while
 *                     the model runs)
 */
public record BatchLimits(int maxBatchSize, Duration maxDelay) {
    /** The manifest's defaults, for a manifest that sets no limits. */
    public static final BatchLimits DEFAULT = new BatchLimits(ModelManifest.DEFAULT_MAX_BATCH_SIZE,
            Duration.ofMillis(ModelManifest.DEFAULT_MAX_DELAY_MS));

    public BatchLimits {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max batch size must be at least 1 (was " + maxBatchSize + ")");
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("max delay must not be negative (was " + maxDelay.toMillis() + " ms)");
        }
    }

    BatchLimits withMaxBatchSize(int size) {
        return new BatchLimits(size, maxDelay);
    }
}
