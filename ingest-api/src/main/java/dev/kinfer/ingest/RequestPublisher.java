package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import dev.kinfer.schemas.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces each request to its model's topic and to {@link Topics#JOBS} in one transaction, keyed by request
 * id, and waits for the commit: a 202 is only answered for a request that is durably in Kafka, and a job is
 * never known to result-sink without its request (or the other way round). Transactions on one producer are
 * sequential, so publishing is serialised; a commit on a local broker takes a few milliseconds.
 *
 * <p>After a failed transaction the producer is replaced: a commit that timed out leaves it in a state where
 * every later transaction would fail too, so one broker hiccup must not stop the edge for good.
 */
final class RequestPublisher implements AutoCloseable {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final String bootstrapServers;
    private final SchemaRegistryClient registry;
    /** Kept across replacements: a new producer's initTransactions fences the old one and ends its transaction. */
    private final String transactionalId = "kinfer-ingest-" + UUID.randomUUID();
    private KafkaProducer<String, InferenceRequest> producer;

    RequestPublisher(String bootstrapServers, SchemaRegistryClient registry) {
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        this.producer = newProducer();
    }

    private KafkaProducer<String, InferenceRequest> newProducer() {
        KafkaProducer<String, InferenceRequest> created = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "kinfer-ingest",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() - 1000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis()),
                new StringSerializer(), new AvroSerializer<>(registry));
        try {
            created.initTransactions();
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
        return created;
    }

    synchronized void publish(InferenceRequest request) {
        String topic = Topics.requests(request.getModel());
        try {
            if (producer == null) {
                producer = newProducer();
            }
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, request.getRequestId(), request));
            producer.send(new ProducerRecord<>(Topics.JOBS, request.getRequestId(), request));
            producer.commitTransaction();
        } catch (SchemaRegistryException e) {
            replaceProducer();
            throw new ApiProblem(503, "registry-unavailable", "Request not queued",
                    "the schema registry could not be reached to write the request: " + e.getMessage());
        } catch (KafkaException e) {
            replaceProducer();
            throw new ApiProblem(503, "broker-unavailable", "Request not queued",
                    "the request could not be written to " + topic + ": " + e.getMessage());
        }
    }

    /**
     * Drops a producer whose transaction failed; the next request starts a fresh one under the same transactional
     * id, whose initTransactions completes or aborts what the old one left open.
     */
    private void replaceProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
