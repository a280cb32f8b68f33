package dev.kinfer.worker.model;

import dev.kinfer.catalog.ModelManifest;
import java.time.Duration;

/**
 * What a deployment says about running its model, over the manifest's own defaults.
 *
 * @param maxBatchSize   replaces the manifest's {@code maxBatchSize}; null keeps it
 * @param maxDelay       replaces the manifest's {@code maxDelayMs}; null keeps it
 * @param intraOpThreads CPU threads the engine uses inside one operator; 0 leaves the engine's default (all cores)
 */
public record ModelSettings(Integer maxBatchSize, Duration maxDelay, int intraOpThreads) {
    public static final ModelSettings MANIFEST_DEFAULTS = new ModelSettings(null, null, 0);

    public ModelSettings {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must not be negative (was " + intraOpThreads + ")");
        }
    }

    /** The limits to run with: these settings first, then the manifest's, then {@link BatchLimits#DEFAULT}. */
    BatchLimits limits(ModelManifest manifest) {
        int size = maxBatchSize != null ? maxBatchSize
                : manifest.maxBatchSize() != null ? manifest.maxBatchSize() : BatchLimits.DEFAULT.maxBatchSize();
        Duration delay = maxDelay != null ? maxDelay
                : manifest.maxDelayMs() != null ? Duration.ofMillis(manifest.maxDelayMs()) : BatchLimits.DEFAULT.maxDelay();
        return new BatchLimits(size, delay);
    }
}
