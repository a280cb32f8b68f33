package dev.kinfer.stack;

import dev.kinfer.client.KinferClient;
import dev.kinfer.client.Submission;
import dev.kinfer.schemas.ImageRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benches' Kafka-side load: requests produced straight to a model's topic through {@link KinferClient} (as a
 * Kafka-native client does), each timed from submission to its result's arrival from {@code kinfer.results}
 * (read_committed) on this JVM's clock.
 */
final class KafkaLoad {
    /** One measured load level. */
    record Run(String label, double offered, int requests, double throughput, double p50, double p95, double p99,
               double meanBatch, double overheadP50, String breakdown) {
    }

    private final KinferClient client;
    private final String model;
    private final AtomicInteger unfinished = new AtomicInteger();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    // per result: latency ms, batch size, inference ms, queued ms, fetch ms, completed-to-received ms
    private final Queue<double[]> done = new ConcurrentLinkedQueue<>();
    private long firstSent;
    private volatile long lastReceived;

    KafkaLoad(KinferClient client, String model) {
        this.client = client;
        this.model = model;
    }

    void send(ImageRef image) {
        long sent = System.nanoTime();
        if (firstSent == 0) {
            firstSent = sent;
        }
        unfinished.incrementAndGet();
        client.submit(Submission.to(model, List.of(image))).whenComplete((result, failure) -> {
            long received = System.nanoTime();
            if (failure != null) {
                failures.add(failure);
            } else {
                done.add(new double[] {(received - sent) / 1e6, result.getTimings().getBatchSize(), result.getTimings().getInferenceMs(),
                        result.getTimings().getQueuedMs(), result.getTimings().getFetchMs(),
                        Duration.between(result.getCompletedAt(), Instant.now()).toMillis()});
                lastReceived = Math.max(lastReceived, received);
            }
            unfinished.decrementAndGet();
        });
    }

    void awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unfinished.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (unfinished.get() > 0) {
            throw new IllegalStateException(unfinished.get() + " results missing after " + timeout);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " requests failed, the first: " + failures.peek(), failures.peek());
        }
    }

    Run summary(String label, double offered) {
        double[] latencies = done.stream().mapToDouble(d -> d[0]).sorted().toArray();
        double[] overheads = done.stream().mapToDouble(d -> d[0] - d[2]).sorted().toArray();
        double seconds = (lastReceived - firstSent) / 1e9;
        double meanBatch = done.stream().mapToDouble(d -> d[1]).average().orElse(0);
        String breakdown = String.format(Locale.ROOT, "end to end %.0f ms = queued until its batch started (incl. the max "
                        + "delay) %.0f ms + awaiting inputs %.0f ms + model %.0f ms + output encode and store %.0f ms + transaction "
                        + "commit and delivery to the client %.0f ms", median(0), median(3), median(4), median(2),
                median(0) - median(3) - median(4) - median(2) - median(5), median(5));
        return new Run(label, offered, done.size(), done.size() / seconds, percentile(latencies, 50), percentile(latencies, 95),
                percentile(latencies, 99), meanBatch, offered == 0 && label.startsWith("one") ? percentile(overheads, 50) : Double.NaN,
                breakdown);
    }

    private double median(int field) {
        return percentile(done.stream().mapToDouble(d -> d[field]).sorted().toArray(), 50);
    }

    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
