package dev.kinfer.worker;

import dev.kinfer.catalog.InvalidParameterException;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.LogContext;
import dev.kinfer.schemas.RequestRecords;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.worker.model.BatchLimits;
import dev.kinfer.worker.model.ModelRunner;
import dev.kinfer.worker.model.Models;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's loop for one model: the only thread that touches the consumer and the producer.
 *
 * <p>It polls, starts each request's input download at once, and queues requests in the {@link Batcher}.
 * Whenever the model is idle it hands it the next ready batch, which runs on the inference thread while this
 * loop keeps polling (within {@code max.poll.interval.ms} however slow the model) and prefetching. Finished
 * records go to the {@link OffsetLedger}; each finished prefix commits in one transaction with its outputs (results
 * and dead letters), so every request ends as exactly one result. Intake pauses at a high-water mark of queued
 * requests and resumes at the low-water mark.
 *
 * <p>Failures are classified by the {@link FailurePolicy}. No record stops the loop: one that cannot be read
 * (a null value, bytes that are not a request, an unknown schema) is dead-lettered, one that is not fit to run
 * (another model's, no inputs, impossible sizes) becomes a FAILED result, and an unexpected exception while taking
 * one in dead-letters that record alone. A request's own problems fail it alone (in {@link BatchRunner}). A
 * transient failure of the loop itself (a commit the broker did not take, a registry that is down) aborts the
 * open transaction and, after a capped exponential backoff with jitter, re-creates the producer and rewinds to
 * the last committed offsets. Anything else on this thread (a fenced producer, a bug) is fatal: logged once,
 * the worker marked not live, and {@link #failure()} set so that the process exits non-zero.
 */
final class RequestWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);
    /** Loop failures in a row (no commit between them) after which the worker gives up and exits to be restarted. */
    private static final int MAX_FAILURES_IN_A_ROW = 20;
    /** Batches past the model whose outputs are still being stored; the model waits while there are this many. */
    private static final int OUTPUT_STAGE_BATCHES = 2;

    private final KafkaConsumer<String, byte[]> consumer;
    private final Supplier<KafkaProducer<String, byte[]>> producers;
    private final FailurePolicy policy;
    private final Liveness liveness;
    private final AvroDeserializer<InferenceRequest> requests;
    private final AvroSerializer<InferenceResult> results;
    private final ModelVersions versions;
    private final BatchRunner batches;
    private final InputFetcher fetcher;
    private final ExecutorService io;
    private final ExecutorService inference;
    private final WorkerMetrics metrics;
    private final Batcher batcher;
    private final OffsetLedger ledger = new OffsetLedger();
    private final int highWater;
    private final int lowWater;
    private final String requestTopic;
    private final String deadLetterTopic;
    private final ReplayTopics replayTopics;
    private final AtomicBoolean running = new AtomicBoolean(true);

    private KafkaProducer<String, byte[]> producer;
    /** A commit failed: the producer's transaction state is unknown, so it is replaced before the next commit. */
    private boolean producerBroken;
    /** Transient loop failures since the last successful commit; sizes the backoff. */
    private int failedAttempts;
    /** When set, the loop rewinds to the committed offsets once this time has come. */
    private Instant rewindAt;
    private volatile Throwable failure;

    /** The batch the model is running, if any: the next batch starts when it is done. */
    private CompletableFuture<BatchRunner.Inferred> modelStage;
    /** Batches past or in the model whose results are not collected yet (outputs may still be storing). */
    private final List<Finishing> finishing = new ArrayList<>();
    private boolean paused;
    private final JobProgress progress;

    private record Finishing(List<Job> jobs, CompletableFuture<List<BatchRunner.Completion>> results) {
    }

    RequestWorker(KafkaConsumer<String, byte[]> consumer, Supplier<KafkaProducer<String, byte[]>> producers, SchemaRegistryClient registry,
                  ModelVersions versions, BatchRunner batches, InputFetcher fetcher, ExecutorService io, ExecutorService inference,
                  WorkerMetrics metrics, FailurePolicy policy, Liveness liveness, BatchLimits limits, int queueCapacity,
                  JobProgress progress) {
        this.progress = progress;
        this.consumer = consumer;
        this.producers = producers;
        this.policy = policy;
        this.liveness = liveness;
        this.requests = new AvroDeserializer<>(registry, InferenceRequest.class);
        this.results = new AvroSerializer<>(registry);
        this.versions = versions;
        this.batches = batches;
        this.fetcher = fetcher;
        this.io = io;
        this.inference = inference;
        this.metrics = metrics;
        this.batcher = new Batcher(limits.maxBatchSize(), limits.maxDelay());
        this.highWater = queueCapacity;
        this.lowWater = Math.max(1, queueCapacity / 2);
        String model = versions.model();
        this.requestTopic = Topics.requests(model);
        this.deadLetterTopic = Topics.deadLetters(model);
        this.replayTopics = new ReplayTopics(this::topicExists, Clock.systemUTC());
    }

    @Override
    public void run() {
        try {
            producer = producers.get();
            producer.initTransactions();
            consumer.subscribe(List.of(requestTopic), new Rebalance());
            while (running.get()) {
                liveness.loopBeat();
                try {
                    if (rewindAt != null) {
                        rewindWhenDue();
                        continue;
                    }
                    pollAndIntake();
                    step();
                } catch (RuntimeException e) {
                    if (FailurePolicy.classify(e) != FailurePolicy.Kind.TRANSIENT) {
                        throw e;
                    }
                    scheduleRewind(e);
                }
            }
            drainForShutdown();
        } catch (Throwable e) {
            failure = e;
            liveness.fatal("the worker loop stopped: " + e);
            log.error("the worker loop stopped on a failure it cannot recover from; exiting", e);
        } finally {
            inference.shutdownNow();
            try {
                consumer.close();
            } finally {
                if (producer != null) {
                    producer.close(Duration.ZERO);
                }
            }
        }
    }

    /** What ended the loop when it did not stop as asked; null after a clean stop. */
    Throwable failure() {
        return failure;
    }

    /** Stops intake; the batch in the model finishes (within a grace period) and what is done commits. */
    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    private void pollAndIntake() {
        ConsumerRecords<String, byte[]> polled;
        try {
            polled = consumer.poll(pollTimeout());
        } catch (WakeupException e) {
            return; // a stage of a batch finished (or stop() was called): go straight on to collect it
        }
        for (ConsumerRecord<String, byte[]> record : polled) {
            intake(record);
        }
    }

    /**
     * Asks the cluster about a topic without auto-creating it. A stage finishing wakes the consumer at any time;
     * a wakeup that lands here must neither fail the record being taken in nor be lost for the next poll.
     */
    private boolean topicExists(String topic) {
        boolean woken = false;
        try {
            while (true) {
                try {
                    return !consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty();
                } catch (WakeupException e) {
                    woken = true;
                }
            }
        } finally {
            if (woken) {
                consumer.wakeup();
            }
        }
    }

    private Duration pollTimeout() {
        if (!finishing.isEmpty()) {
            return POLL_TIMEOUT; // woken up early when a stage finishes
        }
        Duration untilReady = batcher.timeUntilReady(Instant.now());
        return batcher.size() == 0 || untilReady.compareTo(POLL_TIMEOUT) > 0 ? POLL_TIMEOUT : untilReady;
    }

    private void step() {
        collectFinishedBatches();
        startNextBatch();
        commitFinished();
        applyBackPressure();
    }

    /** Takes one record in. Whatever happens, the record ends as a result or a dead letter, or the loop retries it. */
    private void intake(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        ledger.track(partition, record.offset());
        try {
            admit(partition, record);
        } catch (RuntimeException e) {
            if (FailurePolicy.classify(e) != FailurePolicy.Kind.PERMANENT) {
                throw e; // a registry that is down: the loop waits and reads the record again
            }
            log.error("unexpected failure taking {}-{}@{} in; dead-lettering it", record.topic(), record.partition(), record.offset(), e);
            deadLetter(partition, record, e);
        }
    }

    private void admit(TopicPartition partition, ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            deadLetter(partition, record, new SerializationException("the record has no value (a tombstone?); a request needs one"));
            return;
        }
        InferenceRequest request;
        try {
            request = requests.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            if (FailurePolicy.classify(e) == FailurePolicy.Kind.TRANSIENT) {
                throw e; // the registry's problem, not the record's
            }
            deadLetter(partition, record, e);
            return;
        }
        if (RequestRecords.unanswerable(request) instanceof String reason) {
            deadLetter(partition, record, new SerializationException(reason));
            return;
        }
        if (RequestRecords.isReplay(request) && !replayTopics.exists(request.getResultTopic())) {
            // Not answered on kinfer.results: no live client waits for a replay, and a result there would be a job
            // nobody submitted.
            deadLetter(partition, record, new SerializationException("resultTopic " + request.getResultTopic()
                    + " does not exist; a replay makes its topic before it sends requests"));
            return;
        }
        Instant now = Instant.now();
        if (!versions.model().equals(request.getModel())) {
            finish(partition, record.offset(), request, Results.failed(request, String.valueOf(request.getModelVersion()),
                    batches.timings(request, now, 0, 0, 0), ErrorCodes.WRONG_MODEL, "a request for model '" + request.getModel()
                            + "' on " + requestTopic + ", which serves " + versions.model(), false));
            return;
        }
        Optional<Models.Loaded> chosen = versions.resolve(request.getModelVersion());
        if (chosen.isEmpty()) {
            String pinned = String.valueOf(request.getModelVersion());
            finish(partition, record.offset(), request, Results.failed(request, pinned, batches.timings(request, now, 0, 0, 0),
                    ErrorCodes.UNKNOWN_MODEL_VERSION, "version " + pinned + " of " + versions.model() + " is not deployed; deployed: "
                            + versions.loaded(), false));
            return;
        }
        ModelRunner model = chosen.get().runner();
        String version = model.manifest().version();
        if (RequestChecks.problem(request) instanceof String problem) {
            finish(partition, record.offset(), request, Results.failed(request, version, batches.timings(request, now, 0, 0, 0),
                    ErrorCodes.INVALID_REQUEST, problem, false));
        } else if (BatchRunner.isExpired(request, now)) {
            finish(partition, record.offset(), request, Results.expired(request, version, batches.timings(request, now, 0, 0, 0)));
        } else if (!model.takes(request.getInputs().size())) {
            finish(partition, record.offset(), request, Results.failed(request, version, batches.timings(request, now, 0, 0, 0),
                    ErrorCodes.WRONG_INPUT_COUNT, model.manifest().task() + " takes " + model.inputCount()
                            + " image(s), got " + request.getInputs().size(), false));
        } else if (invalidParameters(model, request) instanceof String problem) {
            finish(partition, record.offset(), request, Results.failed(request, version, batches.timings(request, now, 0, 0, 0),
                    ErrorCodes.INVALID_PARAMETER, problem, false));
        } else {
            ImageRef input = request.getInputs().getFirst();
            Future<List<BufferedImage>> inputs = io.submit(() -> fetcher.fetch(request.getInputs()));
            // Batches never mix versions: the version is part of the bucket.
            String bucket = version + "/" + model.bucket(input.getWidth(), input.getHeight());
            batcher.add(new Job(partition, record.offset(), request, now, model, bucket, inputs));
        }
    }

    private void deadLetter(TopicPartition partition, ConsumerRecord<String, byte[]> record, Exception reason) {
        log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason.getMessage());
        metrics.deadLettered();
        ledger.complete(partition, record.offset(), List.of(DeadLetters.of(deadLetterTopic, record, reason)));
    }

    /** Why the model refuses the request's parameters, or null when it takes them. */
    private static String invalidParameters(ModelRunner model, InferenceRequest request) {
        try {
            model.checkParams(request.getParams());
            return null;
        } catch (InvalidParameterException e) {
            return e.getMessage();
        }
    }

    private void collectFinishedBatches() {
        for (Iterator<Finishing> it = finishing.iterator(); it.hasNext(); ) {
            Finishing batch = it.next();
            if (!batch.results().isDone()) {
                continue;
            }
            it.remove();
            Optional<List<BatchRunner.Completion>> finished = resultOf(batch.results());
            for (int i = 0; i < batch.jobs().size(); i++) {
                Job job = batch.jobs().get(i);
                int index = i;
                finishSafely(job, finished.map(list -> list.get(index)).orElse(null));
            }
        }
    }

    /**
     * Finishes one request of a batch. A stage that failed as a whole (a bug), or a result that cannot be written
     * (say, a field the serializer refuses), fails this request alone as {@code internal-error}, never the loop.
     */
    private void finishSafely(Job job, BatchRunner.Completion completion) {
        if (completion != null) {
            try {
                finish(job.partition(), job.offset(), job.request(), completion);
                return;
            } catch (RuntimeException e) {
                if (FailurePolicy.classify(e) != FailurePolicy.Kind.PERMANENT) {
                    throw e;
                }
                try (LogContext.Scope scope = LogContext.job(job.request())) {
                    log.error("the result of request {} cannot be written; failing it", job.request().getRequestId(), e);
                }
            }
        }
        finish(job.partition(), job.offset(), job.request(), Results.failed(job.request(), job.model().manifest().version(),
                batches.timings(job.request(), Instant.now(), 0, 0, 0), ErrorCodes.INTERNAL_ERROR,
                "the worker failed on this request; see its logs", true));
    }

    /** A finished batch's completions, or empty if its stages failed as a whole (logged; its requests fail). */
    private static Optional<List<BatchRunner.Completion>> resultOf(Future<List<BatchRunner.Completion>> done) {
        try {
            return Optional.of(done.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            log.error("a batch failed as a whole; failing its requests", e.getCause());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while collecting a finished batch", e);
        }
    }

    private void startNextBatch() {
        if (modelStage != null && !modelStage.isDone() || finishing.size() >= OUTPUT_STAGE_BATCHES) {
            return; // the output stage is bounded too: while it is full, the queue fills and intake pauses
        }
        batcher.nextReady(Instant.now()).ifPresent(batch -> {
            progress.started(batch, Instant.now());
            modelStage = CompletableFuture.supplyAsync(() -> batches.infer(batch), inference);
            CompletableFuture<List<BatchRunner.Completion>> results = modelStage.thenApplyAsync(batches::complete, io);
            // wakeup() is the one consumer call that is safe from another thread
            modelStage.whenComplete((done, failure) -> consumer.wakeup());
            results.whenComplete((done, failure) -> consumer.wakeup());
            finishing.add(new Finishing(batch, results));
        });
    }

    private void finish(TopicPartition partition, long offset, InferenceRequest request, InferenceResult result) {
        finish(partition, offset, request, BatchRunner.Completion.of(result));
    }

    /**
     * The result, and the records that go with it, commit with this offset in one transaction. One log line per
     * request, with its job id, tenant, model and trace context.
     */
    private void finish(TopicPartition partition, long offset, InferenceRequest request, BatchRunner.Completion completion) {
        InferenceResult result = completion.result();
        metrics.result(result, request.getSubmittedAt());
        // A replay only answers: what a request writes besides its result (a face registered, say) is live traffic's.
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(RequestRecords.isReplay(request) ? List.of() : completion.alongside());
        String topic = RequestRecords.resultTopic(request);
        records.add(new ProducerRecord<>(topic, result.getRequestId(), results.serialize(topic, result)));
        ledger.complete(partition, offset, records);
        logResult(request, result);
    }

    private static void logResult(InferenceRequest request, InferenceResult result) {
        try (LogContext.Scope scope = LogContext.job(request)) {
            if (result.getError() == null) {
                log.info("request {} {} on version {} (batch of {}, model {} ms)", request.getRequestId(), result.getStatus(),
                        result.getModelVersion(), result.getTimings().getBatchSize(), result.getTimings().getInferenceMs());
            } else {
                log.info("request {} {} on version {}: {} ({})", request.getRequestId(), result.getStatus(), result.getModelVersion(),
                        result.getError().getCode(), result.getError().getMessage());
            }
        }
    }

    private void commitFinished() {
        commit(ledger.drain());
    }

    private void commit(OffsetLedger.Committable committable) {
        if (committable.isEmpty()) {
            return;
        }
        if (producerBroken) {
            throw new KafkaException("the transactional producer is re-created after a failed commit before it commits again");
        }
        producer.beginTransaction();
        try {
            committable.outputs().forEach(producer::send);
            producer.sendOffsetsToTransaction(committable.offsets(), consumer.groupMetadata());
            producer.commitTransaction();
            failedAttempts = 0;
        } catch (RuntimeException | Error e) {
            // Fenced, timed out, or the broker went away: whether this transaction committed is settled when the
            // producer is re-created (initTransactions completes or aborts it) and the offsets read back.
            producerBroken = true;
            throw e;
        }
    }

    private void applyBackPressure() {
        int queued = batcher.size();
        metrics.queued(queued);
        if (!paused && queued >= highWater) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && queued <= lowWater) {
            consumer.resume(consumer.paused());
            paused = false;
        }
        metrics.paused(paused);
    }

    /** A transient loop failure: everything uncommitted is dropped, to be read again after a backoff. */
    private void scheduleRewind(RuntimeException e) {
        if (failedAttempts >= MAX_FAILURES_IN_A_ROW) {
            // Minutes of failures without one commit: not a hiccup. A fresh process (and a human) may fare better.
            throw new IllegalStateException(MAX_FAILURES_IN_A_ROW + " loop failures in a row without a commit", e);
        }
        Duration delay = policy.backoff().delay(failedAttempts++);
        log.warn("transient failure (attempt {}); rewinding to the last committed offsets in {} ms: {}", failedAttempts,
                delay.toMillis(), e.toString());
        awaitInFlight(SHUTDOWN_GRACE);
        finishing.clear();
        modelStage = null;
        batcher.clear().forEach(job -> job.inputs().cancel(true));
        ledger.clear();
        rewindAt = Instant.now().plus(delay);
    }

    /** Once the backoff has passed: a fresh producer if the last one's commit failed, then every partition rewound. */
    private void rewindWhenDue() {
        Duration left = Duration.between(Instant.now(), rewindAt);
        if (left.isPositive()) {
            FailurePolicy.sleep(left.compareTo(POLL_TIMEOUT) < 0 ? left : POLL_TIMEOUT);
            return;
        }
        if (producerBroken) {
            producer.close(Duration.ZERO);
            producer = producers.get();
            producer.initTransactions(); // completes or aborts whatever the old producer left open
            producerBroken = false;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(assigned);
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
        rewindAt = null;
    }

    /** The committed offsets, asked again if the inference thread's wake-up call interrupts the question. */
    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(Set<TopicPartition> partitions) {
        while (true) {
            try {
                return consumer.committed(partitions);
            } catch (WakeupException e) {
                // a late wake-up from the batch that was just abandoned
            }
        }
    }

    private void drainForShutdown() {
        consumer.pause(consumer.assignment());
        try {
            awaitInFlight(SHUTDOWN_GRACE);
            collectFinishedBatches();
            commitFinished();
            log.info("stopped; {} polled requests left uncommitted for the next owner", ledger.uncommitted());
        } catch (RuntimeException e) {
            log.warn("could not commit while stopping; the next owner re-reads from the last commit: {}", e.toString());
        }
        batcher.clear().forEach(job -> job.inputs().cancel(true));
    }

    /** Waits for every started batch to finish or fail, dropping those still running after {@code grace}. */
    private void awaitInFlight(Duration grace) {
        CompletableFuture<?> all = CompletableFuture.allOf(finishing.stream().map(Finishing::results).toArray(CompletableFuture[]::new));
        try {
            all.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            finishing.removeIf(batch -> !batch.results().isDone());
        } catch (ExecutionException e) {
            // collected (and reported) by the caller
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Commits what is done before partitions go; drops what is not (the next owner re-reads it). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit(ledger.drain(partitions));
            } catch (RuntimeException e) {
                log.warn("could not commit revoked partitions {} (their next owner runs them again): {}", partitions, e.toString());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
                consumer.pause(partitions);
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            ledger.forget(gone);
            batcher.remove(gone).forEach(job -> job.inputs().cancel(true));
        }
    }
}
