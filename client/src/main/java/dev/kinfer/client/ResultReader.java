package dev.kinfer.client;

import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the futures of this client's requests from the results topic, read with {@code read_committed} (only
 * results whose worker transaction committed). Every partition is assigned, with no consumer group: each client
 * reads all results and keeps its own (its tenant's, under its ids), and has no offsets to commit. The start position
 * is fixed at the end of every partition before the first request can be sent, so that no result of this client's is
 * ever missed.
 */
final class ResultReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultReader.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<InferenceResult> results;
    private final Map<String, CompletableFuture<InferenceResult>> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final String tenant;
    private final Thread thread;
    /** Why reading stopped, if it failed: every later request fails with it at once rather than wait for ever. */
    private volatile RuntimeException stopped;

    ResultReader(KafkaConnection kafka, SchemaRegistryClient registry, String topic, String tenant) {
        this.tenant = tenant;
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)), new StringDeserializer(), new ByteArrayDeserializer());
        this.results = new AvroDeserializer<>(registry, InferenceResult.class);
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, CALL_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("there is no topic " + topic + " to read results from");
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(partition -> consumer.position(partition, CALL_TIMEOUT)); // fixed now, not at the first poll
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().name("kinfer-results").daemon().start(this::run);
    }

    /** The future of {@code requestId}'s result; call it before the request is sent. */
    CompletableFuture<InferenceResult> expect(String requestId) {
        if (!running.get()) {
            throw new IllegalStateException("the client is closed");
        }
        CompletableFuture<InferenceResult> result = new CompletableFuture<>();
        if (waiting.putIfAbsent(requestId, result) != null) {
            throw new IllegalArgumentException("request " + requestId + " is already waiting for its result");
        }
        // A caller that gives up (orTimeout, cancel) stops the wait, so that the map holds only live requests.
        result.whenComplete((done, failure) -> waiting.remove(requestId, result));
        if (stopped != null) {
            result.completeExceptionally(stopped); // after the put: the reader's own sweep may have passed already
        }
        return result;
    }

    int waiting() {
        return waiting.size();
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    CompletableFuture<InferenceResult> future = record.key() == null ? null : waiting.get(record.key());
                    if (future != null) {
                        complete(future, record);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("reading results failed; every waiting request fails", e);
            stopped = e;
            waiting.values().forEach(future -> future.completeExceptionally(e));
        } finally {
            consumer.close();
        }
    }

    private void complete(CompletableFuture<InferenceResult> future, ConsumerRecord<String, byte[]> record) {
        try {
            InferenceResult result = results.deserialize(record.topic(), record.value());
            if (!tenant.equals(result.getTenant())) {
                return; // another tenant's job under the same id is not this client's
            }
            KinferJobException failure = KinferJobException.of(result);
            if (failure == null) {
                future.complete(result);
            } else {
                future.completeExceptionally(failure);
            }
        } catch (RuntimeException e) {
            future.completeExceptionally(e); // an unreadable result for this id: say so rather than wait for ever
        }
    }

    @Override
    public void close() {
        if (running.compareAndSet(true, false)) {
            consumer.wakeup();
            try {
                thread.join(CALL_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            waiting.values().forEach(future -> future.completeExceptionally(new CancellationException("the client was closed")));
        }
    }
}
