package dev.kinfer.worker;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryException;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.store.ObjectStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume-infer-produce loop for one model. Records are read as raw bytes so that a record which is not a
 * valid request is dead-lettered instead of stopping its partition. Everything one poll produces (results and
 * dead letters) commits in one transaction with the poll's offsets, so each request ends as exactly one result.
 */
final class RequestWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RequestWorker.class);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroDeserializer<InferenceRequest> requests;
    private final AvroSerializer<InferenceResult> results;
    private final BatchRunner batches;
    private final int maxBatchSize;
    private final String requestTopic;
    private final String deadLetterTopic;
    private final AtomicBoolean running = new AtomicBoolean(true);

    RequestWorker(KafkaConsumer<String, byte[]> consumer, KafkaProducer<String, byte[]> producer, SchemaRegistryClient registry,
                  BatchRunner batches, String model, int maxBatchSize) {
        this.consumer = consumer;
        this.producer = producer;
        this.requests = new AvroDeserializer<>(registry, InferenceRequest.class);
        this.results = new AvroSerializer<>(registry);
        this.batches = batches;
        this.maxBatchSize = maxBatchSize;
        this.requestTopic = Topics.requests(model);
        this.deadLetterTopic = Topics.deadLetters(model);
    }

    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(requestTopic));
            while (running.get()) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(WorkerConfig.POLL_TIMEOUT);
                if (!polled.isEmpty()) {
                    processOrRewind(polled);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close();
            producer.close();
        }
    }

    /** Stops the loop from another thread; the poll in progress commits or aborts first. */
    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    private void processOrRewind(ConsumerRecords<String, byte[]> polled) {
        producer.beginTransaction();
        try {
            process(polled);
            producer.sendOffsetsToTransaction(nextOffsets(polled), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | AuthorizationException e) {
            throw e; // another instance took over this transactional id, or we may not write: nothing to retry
        } catch (ObjectStoreException | KafkaException e) {
            // Transient by nature (store or broker hiccup): nothing of this poll is visible downstream, so read it again.
            log.warn("aborting a poll of {} records, will retry: {}", polled.count(), e.toString());
            producer.abortTransaction();
            rewind(polled);
            sleep(RETRY_BACKOFF);
        }
    }

    private void process(ConsumerRecords<String, byte[]> polled) {
        List<BatchRunner.Job> jobs = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : polled) {
            try {
                jobs.add(new BatchRunner.Job(requests.deserialize(record.topic(), record.value())));
            } catch (SerializationException e) {
                if (e instanceof SchemaRegistryException registry && registry.isUnreachable()) {
                    throw registry; // not the record's fault: retry the poll
                }
                log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                producer.send(DeadLetters.of(deadLetterTopic, record, e));
            }
        }
        for (int from = 0; from < jobs.size(); from += maxBatchSize) {
            for (InferenceResult result : batches.run(jobs.subList(from, Math.min(jobs.size(), from + maxBatchSize)))) {
                producer.send(new ProducerRecord<>(Topics.RESULTS, result.getRequestId(),
                        results.serialize(Topics.RESULTS, result)));
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> polled) {
        return polled.partitions().stream().collect(Collectors.toMap(tp -> tp,
                tp -> new OffsetAndMetadata(polled.records(tp).getLast().offset() + 1)));
    }

    private void rewind(ConsumerRecords<String, byte[]> polled) {
        for (TopicPartition tp : polled.partitions()) {
            consumer.seek(tp, polled.records(tp).getFirst().offset());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
