package dev.kinfer.worker;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.JobStarted;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.RequestRecords;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whoever watches a job that a worker started it ({@link Topics#PROGRESS}). Informational and best effort: a
 * send may be lost, and a batch run again (after a rebalance or a retry) says so again. Never part of the worker's
 * transaction (a record there would show only at commit, after the result), never on
 * the poll or inference thread (a broker that is slow must not slow the model), and dropped rather than queued
 * without bound. A replay's jobs are no one's to watch.
 */
final class JobProgress implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobProgress.class);
    private static final int MAX_QUEUED = 1_000;

    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<JobStarted> events;
    private final String workerId;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED), Thread.ofPlatform().name("job-progress").daemon().factory(),
            new ThreadPoolExecutor.DiscardPolicy());

    JobProgress(KafkaConnection kafka, SchemaRegistryClient registry, String workerId) {
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, workerId + "-progress",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)), new StringSerializer(), new ByteArraySerializer());
        this.events = new AvroSerializer<>(registry);
        this.workerId = workerId;
    }

    /** The batch {@code jobs} goes into the model now. */
    void started(List<Job> jobs, Instant at) {
        for (Job job : jobs) {
            InferenceRequest request = job.request();
            if (RequestRecords.isReplay(request) || BatchRunner.isExpired(request, at)) {
                continue; // no one's to watch, or it ends EXPIRED without running
            }
            JobStarted event = JobStarted.newBuilder()
                    .setRequestId(request.getRequestId())
                    .setTenant(request.getTenant())
                    .setModel(request.getModel())
                    .setModelVersion(job.model().manifest().version())
                    .setStartedAt(at)
                    .setQueuedMs(Math.max(0, Duration.between(request.getSubmittedAt(), at).toMillis()))
                    .setBatchSize(jobs.size())
                    .setWorkerId(workerId)
                    .build();
            sender.execute(() -> send(event));
        }
    }

    private void send(JobStarted event) {
        try {
            producer.send(new ProducerRecord<>(Topics.PROGRESS, event.getRequestId(), events.serialize(Topics.PROGRESS, event)),
                    (sent, failure) -> {
                        if (failure != null) {
                            log.debug("job {} started, but saying so failed: {}", event.getRequestId(), failure.toString());
                        }
                    });
        } catch (RuntimeException e) {
            log.debug("job {} started, but saying so failed: {}", event.getRequestId(), e.toString());
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        producer.close(Duration.ofSeconds(1));
    }
}
