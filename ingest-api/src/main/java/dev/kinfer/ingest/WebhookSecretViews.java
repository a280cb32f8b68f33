package dev.kinfer.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.credentials.SigningKey;
import dev.kinfer.credentials.WebhookSecret;
import java.time.Instant;
import java.util.List;

/**
 * What the webhook-secret routes answer. The secret itself is in the answers to its creation and rotation only:
 * kinfer keeps it to sign with, and shows it to no one afterwards.
 */
final class WebhookSecretViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookSecretViews() {
    }

    /** The tenant's secrets, each with the keys that sign at {@code now} (when each was made, and when it retires). */
    static ObjectNode list(List<WebhookSecret> secrets, Instant now) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("secrets");
        for (WebhookSecret secret : secrets) {
            ObjectNode item = items.addObject();
            item.put("id", secret.id());
            item.put("createdAt", time(secret.current().createdAtMs()));
            ArrayNode keys = item.putArray("keys");
            for (SigningKey key : secret.keysAt(now)) {
                keys.addObject().put("createdAt", time(key.createdAtMs()))
                        .put("retiresAt", key.retiresAtMs() == null ? null : time(key.retiresAtMs()));
            }
        }
        return body;
    }

    /** A secret just made: its current key's text, shown this once. */
    static ObjectNode created(WebhookSecret secret) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", secret.id());
        body.put("secret", secret.current().secret());
        body.put("createdAt", time(secret.current().createdAtMs()));
        return body;
    }

    /** A secret just rotated: its new key's text, shown this once, and when the key it replaced stops signing. */
    static ObjectNode rotated(WebhookSecret secret) {
        // A rotation puts the key it retired right after the new one.
        return created(secret).put("previousRetiresAt", time(secret.keys().get(1).retiresAtMs()));
    }

    private static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }
}
