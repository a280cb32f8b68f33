package dev.kinfer.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A tenant's webhook signing secret as {@code kinfer.webhook-secrets} keeps it, under {@code <tenant>/<id>}: its
 * current key first, then the keys a rotation retired that still sign until their grace ends (newest first). While
 * several keys are live a webhook carries one signature per key, so receivers can switch keys without a gap.
 *
 * @param id what a submission's {@code callbackSecretId} names ({@link #DEFAULT_ID} unless it names another)
 */
public record WebhookSecret(String tenant, String id, List<SigningKey> keys) {
    public static final String DEFAULT_ID = "default";
    /** Safe in the record key {@code <tenant>/<id>} (no slash), as tenant names are. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** Each signature lengthens every webhook's header: rotating faster than keys retire drops the oldest early. */
    public static final int MAX_KEYS = 5;

    public WebhookSecret {
        Tenants.require(tenant);
        requireId(id);
        keys = List.copyOf(keys);
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("a webhook secret has 1 to " + MAX_KEYS + " keys, not " + keys.size());
        }
        if (keys.getFirst().retiresAtMs() != null || keys.stream().skip(1).anyMatch(key -> key.retiresAtMs() == null)) {
            throw new IllegalArgumentException("a webhook secret's first key, and only it, is current");
        }
    }

    public static String requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a valid webhook secret id: '" + id + "' (expected " + ID + ")");
        }
        return id;
    }

    /** Where the secret lies in the topic. */
    public static String recordKey(String tenant, String id) {
        return tenant + "/" + id;
    }

    public String recordKey() {
        return recordKey(tenant, id);
    }

    /** The key new signatures start from: the one made last. */
    public SigningKey current() {
        return keys.getFirst();
    }

    /** The keys that sign at {@code now}, newest first: a webhook sent then carries a signature for each. */
    public List<SigningKey> keysAt(Instant now) {
        return keys.stream().filter(key -> !key.retiredAt(now)).toList();
    }

    /**
     * This secret with {@code next} as its current key: the previous one signs {@code grace} longer, keys retired by
     * {@code nowMs} are dropped, and beyond {@link #MAX_KEYS} the oldest go.
     */
    WebhookSecret rotated(SigningKey next, long nowMs, Duration grace) {
        List<SigningKey> rotated = new ArrayList<>();
        rotated.add(next);
        rotated.add(current().retiringAt(nowMs + grace.toMillis()));
        keys.stream().skip(1).filter(key -> key.retiresAtMs() > nowMs).forEach(rotated::add);
        return new WebhookSecret(tenant, id, rotated.subList(0, Math.min(rotated.size(), MAX_KEYS)));
    }

    /** Without the keys' secrets: what logs may show. */
    @Override
    public String toString() {
        return "WebhookSecret[" + recordKey() + ", " + keys + "]";
    }
}
