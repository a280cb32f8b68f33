package dev.kinfer.stack;

import dev.kinfer.credentials.WebhookSecret;
import dev.kinfer.credentials.WebhookSecretAdmin;
import dev.kinfer.credentials.WebhookSecrets;
import dev.kinfer.schemas.KafkaConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;

/**
 * The webhook signing secret of a local stack's tenant: its {@code default} secret, made on the first start and kept
 * in {@code <data-dir>/webhook-secret} (owner-only), so that a receiver on this machine can verify webhooks. Made
 * again if the data's Kafka no longer has it.
 */
final class DevWebhookSecret {
    private DevWebhookSecret() {
    }

    static String ensure(Path dataDir, KafkaConnection kafka, String tenant) throws IOException, InterruptedException {
        Path file = dataDir.resolve("webhook-secret");
        try (WebhookSecrets secrets = new WebhookSecrets(kafka)) {
            if (!secrets.awaitCaughtUp(Duration.ofSeconds(30))) {
                throw new IllegalStateException("could not read the webhook secrets within 30 s");
            }
            var known = secrets.find(tenant, WebhookSecret.DEFAULT_ID);
            if (known.isPresent() && Files.exists(file) && known.get().current().secret().equals(Files.readString(file).strip())) {
                return known.get().current().secret();
            }
            try (WebhookSecretAdmin admin = new WebhookSecretAdmin(kafka, secrets, Clock.systemUTC())) {
                WebhookSecret made = known.isPresent() ? admin.rotate(tenant, WebhookSecret.DEFAULT_ID, Duration.ZERO)
                        : admin.create(tenant, WebhookSecret.DEFAULT_ID);
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, made.current().secret() + "\n");
                return made.current().secret();
            }
        }
    }
}
