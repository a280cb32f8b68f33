package dev.kinfer.ingest;

import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.Topics;
import dev.kinfer.schemas.serde.AvroSerializer;
import dev.kinfer.schemas.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces requests to their model's topic, keyed by request id, and waits for the broker's acknowledgement:
 * a 202 is only answered for a request that is durably in Kafka.
 */
final class RequestPublisher implements AutoCloseable {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<String, InferenceRequest> producer;

    RequestPublisher(String bootstrapServers, SchemaRegistryClient registry) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "kinfer-ingest",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() - 1000),
                new StringSerializer(), new AvroSerializer<>(registry));
    }

    void publish(InferenceRequest request) {
        String topic = Topics.requests(request.getModel());
        try {
            producer.send(new ProducerRecord<>(topic, request.getRequestId(), request))
                    .get(SEND_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ApiProblem(503, "broker-unavailable", "Request not queued",
                    "the request could not be written to " + topic + ": " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "broker-unavailable", "Request not queued", "interrupted");
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new ApiProblem(503, "broker-unavailable", "Request not queued",
                    "the request could not be written to " + topic + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
