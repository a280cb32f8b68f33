package dev.kinfer.stack;

import dev.kinfer.credentials.KeyAdmin;
import dev.kinfer.credentials.KeyRing;
import dev.kinfer.credentials.Limits;
import dev.kinfer.schemas.KafkaConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;

/**
 * The development API key of a local stack: an admin key of tenant {@value #TENANT}, made on the first start and
 * kept in {@code <data-dir>/api-key} (owner-only), so every restart and every curl line uses the same one. Made
 * again if the data's Kafka no longer knows it (its log was wiped, or the key revoked).
 */
final class DevKey {
    static final String TENANT = "dev";

    private DevKey() {
    }

    static String ensure(Path dataDir, KafkaConnection kafka) throws IOException, InterruptedException {
        Path file = dataDir.resolve("api-key");
        try (KeyRing ring = new KeyRing(kafka)) {
            if (!ring.awaitCaughtUp(Duration.ofSeconds(30))) {
                throw new IllegalStateException("could not read the API keys within 30 s");
            }
            if (Files.exists(file)) {
                String kept = Files.readString(file).strip();
                if (ring.verify(kept).isPresent()) {
                    return kept;
                }
            }
        }
        try (KeyAdmin admin = new KeyAdmin(kafka, Clock.systemUTC())) {
            String text = admin.create(TENANT, "local development (./kinfer up)", true, Limits.UNLIMITED).text();
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text + "\n");
            return text;
        }
    }
}
