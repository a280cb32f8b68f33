package dev.kinfer.worker;

import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.JvmMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * The worker's metrics, tagged by model (and by version where a version did the work: batches, model calls,
 * results), scraped at {@code /metrics}. Consumer lag per partition
 * ({@code kafka_consumer_fetch_manager_records_lag}) comes from the Kafka client's own metrics; the JVM's memory, GC,
 * threads, classes, CPU and uptime are there too.
 */
final class WorkerMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Tags tags;
    private final Timer queueWait;
    private final Counter deadLettered;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger paused = new AtomicInteger();

    WorkerMetrics(String model) {
        tags = Tags.of("model", model);
        queueWait = timer("kinfer_queue_wait", "from enqueue in the worker to the start of its batch", tags);
        deadLettered = Counter.builder("kinfer_dead_lettered").description("records sent to the DLQ").tags(tags).register(registry);
        Gauge.builder("kinfer_queued", queued, AtomicInteger::get).description("requests polled and not yet in a model call")
                .tags(tags).register(registry);
        Gauge.builder("kinfer_paused", paused, AtomicInteger::get).description("1 while intake is paused by back-pressure")
                .tags(tags).register(registry);
        JvmMeters.bindTo(registry);
    }

    /** Registered once per name and tags; later calls return the same meter. */
    private Timer timer(String name, String description, Tags meterTags) {
        return Timer.builder(name).description(description).tags(meterTags).publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    void bind(Consumer<?, ?> consumer) {
        new KafkaClientMetrics(consumer).bindTo(registry);
    }

    void batch(String version, int size, Duration fetchTime, Duration inferenceTime) {
        Tags versioned = tags.and("version", version);
        DistributionSummary.builder("kinfer_batch_size").description("requests per model call").tags(versioned)
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry).record(size);
        timer("kinfer_fetch", "fetching and decoding a batch's inputs, beyond what prefetch hid", versioned).record(fetchTime);
        timer("kinfer_inference", "one model call", versioned).record(inferenceTime);
    }

    void startedWaiting(Instant enqueuedAt, Instant now) {
        queueWait.record(Duration.between(enqueuedAt, now));
    }

    void result(InferenceResult result, Instant submittedAt) {
        Tags versioned = tags.and("version", result.getModelVersion());
        registry.counter("kinfer_results", versioned.and("status", result.getStatus().name())).increment();
        timer("kinfer_end_to_end", "from submission to result", versioned).record(Duration.between(submittedAt, result.getCompletedAt()));
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void queued(int count) {
        queued.set(count);
    }

    void paused(boolean isPaused) {
        paused.set(isPaused ? 1 : 0);
    }

    String scrape() {
        return registry.scrape();
    }
}
