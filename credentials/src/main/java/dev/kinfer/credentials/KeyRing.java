package dev.kinfer.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.CompactedTopicReader;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * This process's view of {@code kinfer.keys}: every key, kept up to date from the topic (so a key made or revoked
 * on one machine counts on every ingest instance within moments), and the check of a presented key against it.
 */
public final class KeyRing implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    private final CompactedTopicReader reader;

    public KeyRing(KafkaConnection kafka) {
        KeyAdmin.ensureTopic(kafka);
        reader = new CompactedTopicReader(kafka, Topics.KEYS, this::apply);
    }

    /** Waits until every key in the topic when this ring started has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reader.awaitCaughtUp(timeout);
    }

    /** The key a client presented, if it is one of ours and not revoked. */
    public Optional<ApiKey> verify(String presented) {
        return KeySecrets.idOf(presented).map(keys::get).filter(key -> KeySecrets.matches(presented, key.secretSha256()));
    }

    public List<ApiKey> keys() {
        return keys.values().stream().sorted(Comparator.comparing(ApiKey::tenant).thenComparingLong(ApiKey::createdAtMs)).toList();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            keys.remove(record.key());
            return;
        }
        ApiKey key = decode(record.value());
        if (!key.id().equals(record.key())) {
            // Compaction keeps one record per key: a key filed under another id would outlive its revocation.
            throw new IllegalArgumentException("key " + key.id() + " filed under " + record.key());
        }
        keys.put(key.id(), key);
    }

    static ApiKey decode(byte[] value) {
        try {
            return JSON.readValue(value, ApiKey.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not an API key record", e);
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
