package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
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
 */
final class RequestPublisher implements AutoCloseable {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<String, InferenceRequest> producer;

    RequestPublisher(String bootstrapServers, SchemaRegistryClient registry) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "kinfer-ingest",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kinfer-ingest-" + UUID.randomUUID(),
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() - 1000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis()),
                new StringSerializer(), new AvroSerializer<>(registry));
        producer.initTransactions();
    }

    synchronized void publish(InferenceRequest request) {
        String topic = Topics.requests(request.getModel());
        try {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, request.getRequestId(), request));
            producer.send(new ProducerRecord<>(Topics.JOBS, request.getRequestId(), request));
            producer.commitTransaction();
        } catch (KafkaException e) {
            abortQuietly();
            throw new ApiProblem(503, "broker-unavailable", "Request not queued",
                    "the request could not be written to " + topic + ": " + e.getMessage());
        }
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (KafkaException ignored) {
            // the transaction is already dead; the next beginTransaction reports a lasting problem
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
