package dev.kinfer.worker.model;

/**
 * The largest batch a GPU can hold, from its free memory and the model's measured footprint per item (the
 * seeds' {@code get_optimal_batch_size}, measured instead of guessed): two warm-up batches of different sizes
 * give the memory one more item costs, and what is still free after the larger one is shared out, keeping
 * {@link #HEADROOM} aside for fragmentation and other processes' growth.
 */
final class GpuBatchSize {
    static final double HEADROOM = 0.2;

    private GpuBatchSize() {
    }

    /**
     * @param smallBatch   size of the first probe batch
     * @param usedAfterSmall device memory in use after it (bytes)
     * @param largeBatch   size of the second, larger probe batch
     * @param usedAfterLarge device memory in use after it (bytes)
     * @param total        the device's memory (bytes)
     * @param cap          the configured largest batch
     */
    static int fit(int smallBatch, long usedAfterSmall, int largeBatch, long usedAfterLarge, long total, int cap) {
        if (largeBatch <= smallBatch) {
            throw new IllegalArgumentException("the second probe batch must be larger than the first");
        }
        long perItem = (usedAfterLarge - usedAfterSmall) / (largeBatch - smallBatch);
        if (perItem <= 0) {
            return cap; // the allocator already held enough: nothing measurable per item
        }
        long spare = (long) ((total - usedAfterLarge) - HEADROOM * total);
        long more = Math.max(0, spare / perItem);
        return (int) Math.max(1, Math.min(cap, largeBatch + more));
    }
}
