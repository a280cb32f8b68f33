package dev.kinfer.credentials;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Makes and revokes API keys by writing {@code kinfer.keys}: whoever may write that topic administers the edge. */
public final class KeyAdmin implements AutoCloseable {
    /** A key just made: its record, and its text, shown this once and stored nowhere. */
    public record Issued(ApiKey key, String text) {
        @Override
        public String toString() {
            return "Issued[" + key + "]";
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Clock clock;

    public KeyAdmin(KafkaConnection kafka, Clock clock) {
        ensureTopic(kafka);
        this.clock = clock;
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates {@code kinfer.keys} (compacted, one partition: one order for every change) if it is missing. */
    public static void ensureTopic(KafkaConnection kafka) {
        TopicAdmin.ensureCompacted(kafka, Topics.KEYS);
    }

    public Issued create(String tenant, String name, boolean admin, Limits limits) {
        KeySecrets.Generated generated = KeySecrets.generate();
        ApiKey key = new ApiKey(generated.id(), tenant, name, KeySecrets.hash(generated.text()), admin, limits, clock.millis());
        try {
            send(key.id(), KeyRing.JSON.writeValueAsBytes(key));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Issued(key, generated.text());
    }

    /** Revokes a key by its id (the part after {@code kf_}); every ingest instance refuses it moments later. */
    public void revoke(String id) {
        send(id, null);
    }

    private void send(String id, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.KEYS, id, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write " + Topics.KEYS + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
