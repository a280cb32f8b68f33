package dev.kinfer.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinfer.schemas.CompactedTopicReader;
import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * This process's view of {@code kinfer.webhook-secrets}: every tenant's webhook signing secrets, kept up to date from
 * the topic, so that a secret made or rotated through one ingest instance counts everywhere within moments.
 */
public final class WebhookSecrets implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookSecretVersions versions = new WebhookSecretVersions();
    private final CompactedTopicReader reader;

    public WebhookSecrets(KafkaConnection kafka) {
        WebhookSecretAdmin.ensureTopic(kafka);
        reader = new CompactedTopicReader(kafka, Topics.WEBHOOK_SECRETS,
                record -> versions.apply(record.key(), decode(record.key(), record.value()), record.offset()));
    }

    /** Waits until every secret in the topic when this view started has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reader.awaitCaughtUp(timeout);
    }

    public Optional<WebhookSecret> find(String tenant, String id) {
        return versions.find(tenant, id);
    }

    /** The tenant's secrets, by id. */
    public List<WebhookSecret> of(String tenant) {
        return versions.of(tenant);
    }

    /** What {@link WebhookSecretAdmin} wrote at {@code offset}, applied at once (null {@code secret}: deleted). */
    void written(String recordKey, WebhookSecret secret, long offset) {
        versions.apply(recordKey, secret, offset);
    }

    /** A record's secret; null for a tombstone. */
    static WebhookSecret decode(String recordKey, byte[] value) {
        if (value == null) {
            return null;
        }
        WebhookSecret secret;
        try {
            secret = JSON.readValue(value, WebhookSecret.class);
        } catch (IOException e) {
            // Not chained: the parser's message may quote a value of the record, and with it a secret.
            throw new IllegalArgumentException("not a webhook secret record (" + e.getClass().getSimpleName() + ")");
        }
        if (!secret.recordKey().equals(recordKey)) {
            // Compaction keeps one record per key: a secret filed under another key would outlive its deletion.
            throw new IllegalArgumentException("webhook secret " + secret.recordKey() + " filed under " + recordKey);
        }
        return secret;
    }

    static byte[] encode(WebhookSecret secret) {
        try {
            return JSON.writeValueAsBytes(secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
