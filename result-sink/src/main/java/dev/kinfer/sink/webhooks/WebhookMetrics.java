package dev.kinfer.sink.webhooks;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Webhook meters: {@code kinfer_webhook_attempt_seconds{outcome}} counts every attempt by what came of it
 * ({@code delivered}, {@code retrying}, {@code dead-lettered}, {@code refused}, {@code gone}) with its latency, and
 * {@code kinfer_webhook_deliveries_under_way} is how many deliveries are taken but not yet ended.
 */
public final class WebhookMetrics {
    private final MeterRegistry registry;
    private final Map<String, Timer> attempts = new ConcurrentHashMap<>();

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void attempted(String outcome, long nanos) {
        attempts.computeIfAbsent(outcome, o -> Timer.builder("kinfer.webhook.attempt")
                .description("Webhook delivery attempts by outcome, with the time each took")
                .tag("outcome", o).publishPercentileHistogram().register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void underWay(Supplier<Number> count) {
        Gauge.builder("kinfer.webhook.deliveries.under.way", count, c -> c.get().doubleValue())
                .description("Webhook deliveries taken from their topics and not yet ended").strongReference(true).register(registry);
    }
}
