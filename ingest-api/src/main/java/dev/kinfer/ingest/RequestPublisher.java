package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.schemas.serde.SchemaRegistryException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces each request to its model's topic and to {@link Topics#JOBS} in one transaction, keyed by request
 * id, and waits for the commit: a 202 is only answered for a request that is durably in Kafka, and a job is
 * never known to result-sink without its request (or the other way round). Transactions on one producer are
 * sequential, so concurrent submissions share one (group commit): one thread takes whatever has queued while the
 * previous transaction committed, and every submitter waits for the commit that carries its request.
 *
 * <p>After a failed transaction the producer is replaced: a commit that timed out leaves it in a state where
 * every later transaction would fail too, so one broker hiccup must not stop the edge for good.
 */
final class RequestPublisher implements AutoCloseable {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);
    /** How long a request may wait to be taken into a transaction before its submitter gives up (503). */
    private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(20);
    private static final int COMMIT_ATTEMPTS = 3;
    /** Bounds one transaction's size (two records per request); the rest wait for the next one. */
    private static final int MAX_PER_TRANSACTION = 256;
    /** This transaction writes the job to {@link Topics#JOBS} too: result-sink need not copy the request there. */
    private static final List<Header> JOB_RECORDED = List.of(new RecordHeader(Topics.JOB_RECORDED_HEADER, new byte[] {'1'}));

    private final KafkaConnection kafka;
    private final SchemaRegistryClient registry;
    /** Kept across replacements: a new producer's initTransactions fences the old one and ends its transaction. */
    private final String transactionalId = "kinfer-ingest-" + UUID.randomUUID();
    private final BlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean running = true;
    /** Touched by the committer thread only (and by close, after it stopped). */
    private KafkaProducer<String, InferenceRequest> producer;
    /** The Kafka client metrics of whichever producer is current, once {@link #bindMetrics} was called. */
    private final Object meterLock = new Object();
    private MeterRegistry meterRegistry; // guarded by meterLock
    private KafkaProducer<?, ?> metered; // guarded by meterLock
    private KafkaClientMetrics producerMetrics; // guarded by meterLock

    /**
     * One request and its outcome. Claimed by the committer or given up by its submitter (time out), never both:
     * a submitter told 503 can be sure its request was not published.
     */
    private record Submission(InferenceRequest request, CompletableFuture<Void> committed, AtomicReference<State> state) {
        Submission(InferenceRequest request) {
            this(request, new CompletableFuture<>(), new AtomicReference<>(State.QUEUED));
        }
    }

    private enum State { QUEUED, CLAIMED, GIVEN_UP }

    RequestPublisher(KafkaConnection kafka, SchemaRegistryClient registry) {
        this.kafka = kafka;
        this.registry = registry;
        this.producer = newProducer();
        this.committer = Thread.ofPlatform().name("request-publisher").daemon().start(this::run);
    }

    private KafkaProducer<String, InferenceRequest> newProducer() {
        KafkaProducer<String, InferenceRequest> created = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "kinfer-ingest",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() - 1000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis())),
                new StringSerializer(), new AvroSerializer<>(registry));
        try {
            created.initTransactions();
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
        meter(created);
        return created;
    }

    /**
     * Publishes the producer's own metrics ({@code kafka_producer_*}) to {@code registry}, for this producer and for
     * each one that replaces it.
     */
    void bindMetrics(MeterRegistry registry) {
        synchronized (meterLock) {
            meterRegistry = registry;
            rebindMetrics();
        }
    }

    /** {@code current} is the producer now (null: none); its metrics replace the previous one's. */
    private void meter(KafkaProducer<?, ?> current) {
        synchronized (meterLock) {
            metered = current;
            rebindMetrics();
        }
    }

    private void rebindMetrics() {
        if (producerMetrics != null) {
            producerMetrics.close(); // removes the old producer's meters
            producerMetrics = null;
        }
        if (meterRegistry != null && metered != null) {
            producerMetrics = new KafkaClientMetrics(metered);
            producerMetrics.bindTo(meterRegistry);
        }
    }

    /** Queues the request and waits until a committed transaction carries it. */
    void publish(InferenceRequest request) {
        Submission submission = new Submission(request);
        queue.add(submission);
        try {
            await(submission, QUEUE_TIMEOUT);
        } catch (TimeoutException e) {
            if (submission.state().compareAndSet(State.QUEUED, State.GIVEN_UP)) {
                throw new ApiProblem(503, "broker-unavailable", "Request not queued", "the request was not taken into a transaction within "
                        + QUEUE_TIMEOUT.toSeconds() + " s");
            }
            try {
                await(submission, SEND_TIMEOUT.multipliedBy(3)); // claimed: its transaction is under way and ends on its own
            } catch (TimeoutException stuck) {
                throw new IllegalStateException("a transaction outlived the producer's own timeouts", stuck);
            }
        }
    }

    private static void await(Submission submission, Duration timeout) throws TimeoutException {
        try {
            submission.committed().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ApiProblem problem ? problem : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "broker-unavailable", "Request not queued", "interrupted");
        }
    }

    private void run() {
        List<Submission> batch = new ArrayList<>();
        while (running) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return; // closing
            }
            queue.drainTo(batch, MAX_PER_TRANSACTION - 1);
            batch.removeIf(submission -> !submission.state().compareAndSet(State.QUEUED, State.CLAIMED)); // given up meanwhile
            if (!batch.isEmpty()) {
                commit(batch);
            }
            batch.clear();
        }
    }

    /** One transaction for every submission in {@code batch}; they all succeed or all fail (503) together. */
    private void commit(List<Submission> batch) {
        try {
            if (producer == null) {
                producer = newProducer();
            }
            producer.beginTransaction();
            for (Submission submission : batch) {
                InferenceRequest request = submission.request();
                producer.send(new ProducerRecord<>(Topics.requests(request.getModel()), null, request.getRequestId(), request,
                        JOB_RECORDED));
                producer.send(new ProducerRecord<>(Topics.JOBS, request.getRequestId(), request));
            }
            commitRetryingTimeouts();
            batch.forEach(submission -> submission.committed().complete(null));
        } catch (SchemaRegistryException e) {
            replaceProducer();
            fail(batch, new ApiProblem(503, "registry-unavailable", "Request not queued",
                    "the schema registry could not be reached to write the request: " + e.getMessage()));
        } catch (KafkaException e) {
            replaceProducer();
            fail(batch, new ApiProblem(503, "broker-unavailable", "Request not queued",
                    "the request could not be written to Kafka: " + e.getMessage()));
        } catch (RuntimeException e) {
            replaceProducer();
            fail(batch, e);
        }
    }

    /**
     * A commit that timed out may have committed anyway: it is asked again (Kafka allows that) rather than
     * reported as failed, which would make clients submit again a request that is already published.
     */
    private void commitRetryingTimeouts() {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.commitTransaction();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                if (attempt == COMMIT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static void fail(List<Submission> batch, RuntimeException failure) {
        batch.forEach(submission -> submission.committed().completeExceptionally(failure));
    }

    /**
     * Drops a producer whose transaction failed; the next request starts a fresh one under the same transactional
     * id, whose initTransactions completes or aborts what the old one left open.
     */
    private void replaceProducer() {
        if (producer != null) {
            meter(null);
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public void close() {
        running = false;
        committer.interrupt();
        try {
            committer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail(List.copyOf(queue), new ApiProblem(503, "shutting-down", "Request not queued", "ingest-api is stopping"));
        meter(null);
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
