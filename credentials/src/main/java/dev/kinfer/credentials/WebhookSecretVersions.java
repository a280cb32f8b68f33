package dev.kinfer.credentials;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest state of each webhook secret by topic offset ({@code kinfer.webhook-secrets} has one partition: one
 * order). A record is taken only if it is newer than what is held, so a write this process made and applied at once
 * is never undone by an older record its reader comes to later; a deletion is held as an empty state for that reason.
 */
final class WebhookSecretVersions {
    private final Map<String, Version> versions = new ConcurrentHashMap<>();

    /** The secret under {@code recordKey} as of {@code offset}; null {@code secret}: deleted. */
    void apply(String recordKey, WebhookSecret secret, long offset) {
        versions.merge(recordKey, new Version(offset, secret), Version::later);
    }

    Optional<WebhookSecret> find(String tenant, String id) {
        return Optional.ofNullable(versions.get(WebhookSecret.recordKey(tenant, id))).map(Version::secret);
    }

    List<WebhookSecret> of(String tenant) {
        return versions.values().stream().map(Version::secret).filter(Objects::nonNull)
                .filter(secret -> secret.tenant().equals(tenant)).sorted(Comparator.comparing(WebhookSecret::id)).toList();
    }

    private record Version(long offset, WebhookSecret secret) {
        Version later(Version other) {
            return other.offset >= offset ? other : this;
        }
    }
}
