package dev.kinfer.sink;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroDeserializer;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.schemas.serde.SchemaRegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;
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
    /** The loop ended on a failure while it should run: only a restart brings it back. */
    private volatile boolean died;
    private final Counter skipped;

    RequestTap(KafkaConnection kafka, SchemaRegistryClient registry, Duration retention, MeterRegistry metrics) {
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
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // A broker that is away fails a turn well within STALLED_AFTER: the loop keeps turning, and stays live.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000)), new StringSerializer(), new ByteArraySerializer());
        this.requests = new AvroDeserializer<>(registry, InferenceRequest.class);
        this.jobs = new AvroSerializer<>(registry);
        this.retention = retention;
        this.skipped = Counter.builder("kinfer.sink.request.tap.skipped")
                .description("requests on a request topic that could not be recorded as jobs (see the log)").register(metrics);
        Gauge.builder("kinfer.sink.request.tap.recording", this, tap -> tap.lastLoopFailed || tap.died ? 0 : 1)
                .description("1 while Kafka-native requests are being recorded as jobs, 0 while the broker or registry fails")
                .register(metrics);
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
                } catch (RuntimeException e) {
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
            died = running.get();
            consumer.close();
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * For liveness: false once the loop has died or stopped turning (a hung client), which only a restart mends. A
     * broker or registry that is away is not a liveness failure: the loop keeps turning and retries.
     */
    boolean live() {
        return !died && clock.millis() - lastLoopAt < STALLED_AFTER.toMillis();
    }

    void stop() {
        running.set(false);
        consumer.wakeup();
    }

    private void recordOnce() throws InterruptedException {
        if (rewindPending) {
            rewind();
            rewindPending = false;
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        Map<TopicPartition, OffsetAndMetadata> read = new HashMap<>();
        Map<ConsumerRecord<String, byte[]>, Future<RecordMetadata>> sent = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            ProducerRecord<String, byte[]> job = jobOf(record);
            if (job != null) {
                sent.put(record, producer.send(job));
            }
            read.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        sent.forEach(this::awaitRecorded);
        if (!read.isEmpty()) {
            consumer.commitSync(read);
        }
    }

    /**
     * Waits for a job's record to be written. A failure the cluster may get over (or an operator, for refused
     * access) fails the turn, so the request is read again; one that is this record's alone (too large, say) skips
     * it, since reading it again would send the turn's other jobs again, for ever.
     */
    private void awaitRecorded(ConsumerRecord<String, byte[]> record, Future<RecordMetadata> send) {
        try {
            send.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        } catch (ExecutionException e) {
            if (retriable(e.getCause())) {
                throw new KafkaException("recording " + record.topic() + "-" + record.partition() + "@" + record.offset() + " failed", e.getCause());
            }
            skip(record, e.getCause());
        }
    }

    /** Whether a failure to write a job record may pass if the record is sent again. */
    static boolean retriable(Throwable failure) {
        return failure instanceof RetriableException || failure instanceof AuthorizationException
                || failure instanceof AuthenticationException
                || failure instanceof SchemaRegistryException registry && registry.isTransient();
    }

    /** The job record (the request, keyed by its id) to write, or null for a record that is no job. */
    private ProducerRecord<String, byte[]> jobOf(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null; // the worker dead-letters what it cannot read
        }
        InferenceRequest request;
        try {
            request = requests.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (retriable(e)) {
                throw e;
            }
            if (!(e instanceof SerializationException)) {
                skip(record, e);
            }
            return null; // not a request: the worker dead-letters it too
        }
        boolean recordedByIngest = record.headers().lastHeader(Topics.JOB_RECORDED_HEADER) != null;
        String notRecorded = KafkaNativeJobs.notRecorded(request, recordedByIngest, clock.millis(), retention);
        if (notRecorded != null) {
            log.debug("request {} on {} not recorded as a job: {}", request.getRequestId(), record.topic(), notRecorded);
            return null;
        }
        try {
            return new ProducerRecord<>(Topics.JOBS, request.getRequestId(), jobs.serialize(Topics.JOBS, request));
        } catch (RuntimeException e) {
            if (retriable(e)) {
                throw e;
            }
            skip(record, e); // a request, but its job cannot be written (the registry refuses the schema, say)
            return null;
        }
    }

    private void skip(ConsumerRecord<String, byte[]> record, Throwable why) {
        skipped.increment();
        log.error("{}-{}@{} cannot be recorded as a job; skipped (its result, if any, still ends it): {}", record.topic(),
                record.partition(), record.offset(), why.toString());
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
