package dev.kinfer.sink;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.schemas.serde.SchemaRegistryException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records requests produced straight to a request topic (by a Kafka-native client, not ingest-api) as jobs on
 * {@link Topics#JOBS}, so that such a job is PENDING in {@code GET /v1/jobs/{id}} while it waits, like any other.
 *
 * <p>A plain consumer with a pattern subscription rather than a Kafka Streams source: the consumer matches its
 * pattern again on every metadata refresh, so the topic of a model deployed at run time is taken up within
 * {@link #TOPIC_DISCOVERY}, and from its first record ({@code earliest}), so no request produced before is missed.
 * At least once: a request recorded twice folds into the same job.
 */
final class RequestTap implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RequestTap.class);
    private static final String GROUP = "kinfer-result-sink-requests";
    /** How soon a new request topic is read: the consumer's metadata refresh. */
    static final Duration TOPIC_DISCOVERY = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STALLED_AFTER = Duration.ofMinutes(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroDeserializer<InferenceRequest> requests;
    private final AvroSerializer<InferenceRequest> jobs;
    private final Duration retention;
    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean lastLoopFailed;
    /** A turn failed: its records are read again from the committed offsets before anything else. */
    private boolean rewindPending;
    private volatile long lastLoopAt = clock.millis();

    RequestTap(KafkaConnection kafka, SchemaRegistryClient registry, Duration retention) {
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", // an aborted request is no job
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) TOPIC_DISCOVERY.toMillis())),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5)), new StringSerializer(), new ByteArraySerializer());
        this.requests = new AvroDeserializer<>(registry, InferenceRequest.class);
        this.jobs = new AvroSerializer<>(registry);
        this.retention = retention;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(Topics.REQUEST_TOPICS);
            while (running.get()) {
                try {
                    recordOnce();
                    lastLoopFailed = false;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException | ExecutionException e) {
                    // The broker or the registry away: what was not committed is read again.
                    lastLoopFailed = true;
                    log.error("recording Kafka-native requests as jobs failed; reading them again", e);
                    rewindPending = true;
                    Thread.sleep(Duration.ofSeconds(1));
                }
                lastLoopAt = clock.millis();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                log.error("request tap woken up while running", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Whether requests are being recorded: the loop turns and its last turn went through. */
    boolean healthy() {
        return running.get() && !lastLoopFailed && clock.millis() - lastLoopAt < STALLED_AFTER.toMillis();
    }

    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    private void recordOnce() throws ExecutionException, InterruptedException {
        if (rewindPending) {
            rewind();
            rewindPending = false;
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        Map<TopicPartition, OffsetAndMetadata> read = new HashMap<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            InferenceRequest request = jobOf(record);
            if (request != null) {
                sent.add(producer.send(new ProducerRecord<>(Topics.JOBS, request.getRequestId(), jobs.serialize(Topics.JOBS, request))));
            }
            read.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        for (Future<RecordMetadata> send : sent) {
            send.get(); // throws if the job was not written: then its request is read again
        }
        if (!read.isEmpty()) {
            consumer.commitSync(read);
        }
    }

    /** The request to record as a job, or null for a record that is none (the worker dead-letters what it cannot read). */
    private InferenceRequest jobOf(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        InferenceRequest request;
        try {
            request = requests.deserialize(record.topic(), record.value());
        } catch (SchemaRegistryException e) {
            if (e.isTransient()) {
                throw e;
            }
            return null;
        } catch (SerializationException e) {
            return null;
        }
        boolean recordedByIngest = record.headers().lastHeader(Topics.JOB_RECORDED_HEADER) != null;
        String skipped = KafkaNativeJobs.notRecorded(request, recordedByIngest, record.timestamp(), clock.millis(), retention);
        if (skipped != null) {
            log.debug("request {} on {} not recorded as a job: {}", request.getRequestId(), record.topic(), skipped);
            return null;
        }
        return request;
    }

    /** Back to the committed offsets of what this consumer holds, so that nothing unrecorded is skipped. */
    private void rewind() {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
        for (TopicPartition partition : consumer.assignment()) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset);
            }
        }
    }
}
