package dev.kinfer.credentials;

import dev.kinfer.schemas.KafkaConnection;
import dev.kinfer.schemas.TopicAdmin;
import dev.kinfer.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes, rotates and deletes webhook secrets by writing {@code kinfer.webhook-secrets}, deciding from {@code secrets}
 * (this process's view, which sees each write as soon as it is acknowledged). Writes are serialised within this
 * process; two processes changing the same secret at once both succeed, and the later write is the secret.
 */
public final class WebhookSecretAdmin implements AutoCloseable {
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    public static final Duration MAX_GRACE = Duration.ofDays(7);
    /** Every reader holds every secret: a tenant's are bounded. */
    public static final int MAX_SECRETS_PER_TENANT = 16;

    /** A change refused for the state of the tenant's secrets. */
    public static final class Refused extends RuntimeException {
        public enum Reason { EXISTS, UNKNOWN, TOO_MANY }

        private final Reason reason;

        public Refused(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final WebhookSecrets secrets;
    private final Clock clock;
    private final KafkaProducer<String, byte[]> producer;

    public WebhookSecretAdmin(KafkaConnection kafka, WebhookSecrets secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Creates {@code kinfer.webhook-secrets} (compacted, one partition: one order for every change) if it is missing. */
    public static void ensureTopic(KafkaConnection kafka) {
        TopicAdmin.ensureCompacted(kafka, Topics.WEBHOOK_SECRETS);
    }

    /** A new secret of one key; refused if the tenant has one by that id, or {@link #MAX_SECRETS_PER_TENANT}. */
    public synchronized WebhookSecret create(String tenant, String id) {
        WebhookSecret.requireId(id);
        if (secrets.find(tenant, id).isPresent()) {
            throw new Refused(Refused.Reason.EXISTS, "webhook secret " + WebhookSecret.recordKey(tenant, id) + " exists");
        }
        if (secrets.of(tenant).size() >= MAX_SECRETS_PER_TENANT) {
            throw new Refused(Refused.Reason.TOO_MANY, "tenant " + tenant + " has " + MAX_SECRETS_PER_TENANT + " webhook secrets");
        }
        return write(new WebhookSecret(tenant, id, List.of(SigningKey.generate(clock.millis()))));
    }

    /** A new current key; the previous one signs {@code grace} longer (0 to {@link #MAX_GRACE}). */
    public synchronized WebhookSecret rotate(String tenant, String id, Duration grace) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("a rotation's grace is 0 to " + MAX_GRACE + ", not " + grace);
        }
        long now = clock.millis();
        return write(existing(tenant, id).rotated(SigningKey.generate(now), now, grace));
    }

    /** Deletes the secret: webhooks naming it are no longer signed, and new submissions naming it are refused. */
    public synchronized void delete(String tenant, String id) {
        WebhookSecret secret = existing(tenant, id);
        secrets.written(secret.recordKey(), null, send(secret.recordKey(), null).offset());
    }

    private WebhookSecret existing(String tenant, String id) {
        return secrets.find(tenant, id).orElseThrow(() -> new Refused(Refused.Reason.UNKNOWN,
                "no webhook secret " + WebhookSecret.recordKey(tenant, id)));
    }

    private WebhookSecret write(WebhookSecret secret) {
        secrets.written(secret.recordKey(), secret, send(secret.recordKey(), WebhookSecrets.encode(secret)).offset());
        return secret;
    }

    private RecordMetadata send(String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(Topics.WEBHOOK_SECRETS, key, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write " + Topics.WEBHOOK_SECRETS + ": " + e.getCause(), e.getCause());
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
