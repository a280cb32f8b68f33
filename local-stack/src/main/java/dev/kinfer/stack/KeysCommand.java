package dev.kinfer.stack;

import dev.kinfer.credentials.ApiKey;
import dev.kinfer.credentials.KeyAdmin;
import dev.kinfer.credentials.KeyRing;
import dev.kinfer.credentials.Limits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./kinfer keys create | list | revoke}: the API keys every ingest instance accepts, written to the
 * {@code kinfer.keys} topic (so this needs what writing Kafka needs: it is the operator's tool). A key's text is
 * printed once, at creation; only its hash is stored.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and revoke API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a key for a tenant and print it (once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;
        @Option(names = "--tenant", required = true, description = "The tenant whose jobs the key submits and reads.")
        String tenant;
        @Option(names = "--name", defaultValue = "", description = "What the key is for (shown by list).")
        String name;
        @Option(names = "--admin", description = "May also read /metrics and administer.")
        boolean admin;
        @Option(names = "--requests-per-second", defaultValue = "0", description = "Submissions a second; 0: unlimited (default).")
        double requestsPerSecond;
        @Option(names = "--burst", defaultValue = "0", description = "Submissions at once (default: one second's worth).")
        int burst;
        @Option(names = "--bytes-per-second", defaultValue = "0", description = "Uploaded bytes a second; 0: unlimited (default).")
        long bytesPerSecond;

        @Override
        public Integer call() {
            try (KeyAdmin keys = new KeyAdmin(kafka.connection(), Clock.systemUTC())) {
                KeyAdmin.Issued issued = keys.create(tenant, name, admin, new Limits(requestsPerSecond, burst, bytesPerSecond));
                System.out.println(issued.text());
                System.err.println("created " + issued.key() + "; the key is shown only now");
                return 0;
            } catch (IllegalArgumentException e) {
                System.err.println("kinfer: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The keys (ids, tenants, limits; never the secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() throws Exception {
            try (KeyRing ring = new KeyRing(kafka.connection())) {
                ring.awaitCaughtUp(Duration.ofSeconds(30));
                List<ApiKey> keys = ring.keys();
                System.out.printf("%-14s %-16s %-6s %-48s %-22s %s%n", "ID", "TENANT", "ADMIN", "LIMITS", "CREATED", "NAME");
                for (ApiKey key : keys) {
                    System.out.printf("%-14s %-16s %-6s %-48s %-22s %s%n", key.id(), key.tenant(), key.admin() ? "yes" : "no", key.limits(),
                            Instant.ofEpochMilli(key.createdAtMs()), key.name());
                }
                if (keys.isEmpty()) {
                    System.out.println("(no key)");
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by its id; ingest refuses it moments later.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;
        @Parameters(paramLabel = "ID", description = "The key's id (as list shows it).")
        String id;

        @Override
        public Integer call() {
            try (KeyAdmin keys = new KeyAdmin(kafka.connection(), Clock.systemUTC())) {
                keys.revoke(id);
                System.out.println("revoked " + id);
                return 0;
            }
        }
    }
}
