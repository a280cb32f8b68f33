package dev.kinfer.worker;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.schemas.serde.SchemaRegistryException;
import dev.kinfer.store.ObjectStoreException;
import dev.kinfer.worker.model.BatchLimits;
import dev.kinfer.worker.model.InvalidParameterException;
import dev.kinfer.worker.model.ModelRunner;
import dev.kinfer.worker.model.Models;
import java.awt.image.BufferedImage;
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
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
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
 * <p>Failure decisions live here: a record that cannot be read is dead-lettered; a request that cannot succeed
 * becomes a FAILED result (in {@link BatchRunner}); anything transient (store, broker, registry unreachable)
 * aborts the open transaction and rewinds every partition to its last committed offset after a backoff; a fenced
 * or unauthorised producer stops the worker.
 */
final class RequestWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
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
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** The batch the model is running, if any: the next batch starts when it is done. */
    private CompletableFuture<BatchRunner.Inferred> modelStage;
    /** Batches past or in the model whose results are not collected yet (outputs may still be storing). */
    private final List<Finishing> finishing = new ArrayList<>();
    private boolean paused;

    private record Finishing(List<Job> jobs, CompletableFuture<List<BatchRunner.Completion>> results) {
    }

    RequestWorker(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer, SchemaRegistryClient registry,
                  ModelVersions versions, BatchRunner batches, InputFetcher fetcher, ExecutorService io, ExecutorService inference,
                  WorkerMetrics metrics, BatchLimits limits, int queueCapacity) {
        this.consumer = consumer;
        this.producer = producer;
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
    }

    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(requestTopic), new Rebalance());
            while (running.get()) {
                try {
                    pollAndIntake();
                    step();
                } catch (ProducerFencedException | InvalidProducerEpochException | AuthorizationException e) {
                    throw e;
                } catch (ObjectStoreException | KafkaException e) {
                    recover(e);
                }
            }
            drainForShutdown();
        } finally {
            inference.shutdownNow();
            consumer.close();
            producer.close();
        }
    }

    /** Stops intake; the batch in the model finishes (within a grace period) and what is done commits. */
    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    private void pollAndIntake() {
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout())) {
                intake(record);
            }
        } catch (WakeupException e) {
            // a stage of a batch finished (or stop() was called): go straight on to collect it
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

    private void intake(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        ledger.track(partition, record.offset());
        InferenceRequest request;
        try {
            request = requests.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            if (e instanceof SchemaRegistryException registry && registry.isTransient()) {
                throw registry; // the registry's problem, not the record's: retry
            }
            log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            metrics.deadLettered();
            ledger.complete(partition, record.offset(), List.of(DeadLetters.of(deadLetterTopic, record, e)));
            return;
        }
        Instant now = Instant.now();
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
        if (BatchRunner.isExpired(request, now)) {
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
            List<BatchRunner.Completion> finished = resultOf(batch.results());
            for (int i = 0; i < batch.jobs().size(); i++) {
                Job job = batch.jobs().get(i);
                finish(job.partition(), job.offset(), job.request(), finished.get(i));
            }
        }
    }

    private static List<BatchRunner.Completion> resultOf(Future<List<BatchRunner.Completion>> done) {
        try {
            return done.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted", true, e);
        }
    }

    private void startNextBatch() {
        if (modelStage != null && !modelStage.isDone()) {
            return;
        }
        batcher.nextReady(Instant.now()).ifPresent(batch -> {
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

    /** The result, and the records that go with it, commit with this offset in one transaction. */
    private void finish(TopicPartition partition, long offset, InferenceRequest request, BatchRunner.Completion completion) {
        InferenceResult result = completion.result();
        metrics.result(result, request.getSubmittedAt());
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(completion.alongside());
        records.add(new ProducerRecord<>(Topics.RESULTS, result.getRequestId(), results.serialize(Topics.RESULTS, result)));
        ledger.complete(partition, offset, records);
    }

    private void commitFinished() {
        commit(ledger.drain());
    }

    private void commit(OffsetLedger.Committable committable) {
        if (committable.isEmpty()) {
            return;
        }
        producer.beginTransaction();
        try {
            committable.outputs().forEach(producer::send);
            producer.sendOffsetsToTransaction(committable.offsets(), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | AuthorizationException e) {
            throw e;
        } catch (KafkaException e) {
            producer.abortTransaction();
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

    /** A transient failure: forget everything uncommitted and read it again from the committed offsets. */
    private void recover(RuntimeException e) {
        log.warn("transient failure, rewinding to the last committed offsets: {}", e.toString());
        awaitInFlight(SHUTDOWN_GRACE);
        finishing.clear();
        modelStage = null;
        batcher.clear().forEach(job -> job.inputs().cancel(true));
        ledger.clear();
        sleep(RETRY_BACKOFF);
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

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
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
            } catch (KafkaException e) {
                log.warn("could not commit revoked partitions {}: {}", partitions, e.toString());
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
