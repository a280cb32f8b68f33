package dev.kinfer.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.kinfer.credentials.WebhookSecret;
import dev.kinfer.credentials.WebhookSecretAdmin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;

/**
 * What the webhook-secret routes are asked, checked: a secret id (in the path or the body), the {@code :rotate} verb,
 * and the small optional JSON bodies, {@code {"id": ...}} to create and {@code {"graceSeconds": ...}} to rotate. An
 * empty body asks for the defaults, whatever its content type (so {@code curl -X POST} alone works).
 */
final class WebhookSecretRequests {
    static final String ROTATE = ":rotate";
    private static final String ID_FIELD = "id";
    private static final String GRACE_FIELD = "graceSeconds";
    /** The bodies hold one small field. */
    private static final int MAX_BODY_BYTES = 4 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookSecretRequests() {
    }

    static String id(String id) {
        if (!WebhookSecret.ID.matcher(id).matches()) {
            throw new ApiProblem(400, "invalid-webhook-secret-id", "Invalid webhook secret id",
                    "a webhook secret id is 1 to 63 lower-case letters, digits, '-' and '_', starting with a letter or digit ("
                            + WebhookSecret.ID + ")");
        }
        return id;
    }

    /** The id in {@code /v1/webhook-secrets/{id}:rotate}; a path with another verb has no route. */
    static String rotatedId(String idAndVerb) {
        if (!idAndVerb.endsWith(ROTATE)) {
            throw new ApiProblem(404, "not-found", "Not found", "no route POST /v1/webhook-secrets/" + idAndVerb
                    + "; did you mean /v1/webhook-secrets/{id}" + ROTATE + "?");
        }
        return id(idAndVerb.substring(0, idAndVerb.length() - ROTATE.length()));
    }

    /** The id a creation asks for: the body's {@code id}, or {@code default}. */
    static String createdId(byte[] body) {
        JsonNode id = field(body, ID_FIELD);
        if (id.isMissingNode() || id.isNull()) {
            return WebhookSecret.DEFAULT_ID;
        }
        if (!id.isTextual()) {
            throw new ApiProblem(400, "invalid-json", "Invalid JSON", "'" + ID_FIELD + "' must be a string");
        }
        return id(id.asText());
    }

    /** The grace a rotation asks for: the body's {@code graceSeconds}, or 24 hours. */
    static Duration grace(byte[] body) {
        JsonNode seconds = field(body, GRACE_FIELD);
        if (seconds.isMissingNode() || seconds.isNull()) {
            return WebhookSecretAdmin.DEFAULT_GRACE;
        }
        long max = WebhookSecretAdmin.MAX_GRACE.toSeconds();
        if (!seconds.isIntegralNumber() || !seconds.canConvertToLong() || seconds.asLong() < 0 || seconds.asLong() > max) {
            throw new ApiProblem(400, "invalid-grace", "Invalid grace period", "'" + GRACE_FIELD
                    + "' is a whole number of seconds from 0 (the previous key stops signing at once) to " + max + " (7 days)");
        }
        return Duration.ofSeconds(seconds.asLong());
    }

    /** The request's body, refused (413) past {@link #MAX_BODY_BYTES}. */
    static byte[] body(Context ctx) {
        if (ctx.contentLength() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one field a body may have; missing if the body is empty. */
    private static JsonNode field(byte[] body, String name) {
        if (new String(body, StandardCharsets.UTF_8).isBlank()) {
            return MissingNode.getInstance();
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiProblem(400, "invalid-json", "Invalid JSON", "the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (json == null || !json.isObject()) {
            throw new ApiProblem(400, "invalid-json", "Invalid JSON", "the body must be a JSON object");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String unknown = names.next();
            if (!unknown.equals(name)) {
                throw new ApiProblem(400, "invalid-json", "Invalid JSON", "unknown field '" + unknown + "'; expected only '" + name + "'");
            }
        }
        return json.path(name);
    }

    private static ApiProblem tooLarge() {
        return new ApiProblem(413, "body-too-large", "Body too large", "a webhook secret request's body is at most " + MAX_BODY_BYTES + " bytes");
    }
}
