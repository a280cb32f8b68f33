package dev.kinfer.ingest;

import dev.kinfer.credentials.WebhookSecret;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Which of the tenant's webhook secrets signs a submission's callback: the one its {@code callbackSecretId} names,
 * {@code default} unless it names another. Checked when the job is submitted, so a client without that secret learns
 * it at once rather than from webhooks it cannot verify.
 */
final class CallbackSecrets {
    private final BiFunction<String, String, Optional<WebhookSecret>> find;

    /** {@code find}: a tenant's secret by id ({@code WebhookSecrets::find}). */
    CallbackSecrets(BiFunction<String, String, Optional<WebhookSecret>> find) {
        this.find = find;
    }

    /** The secret id a submission asks for: {@code given}, or the default one for a callback; null without a callback. */
    static String secretId(String callbackUrl, String given) {
        if (given == null || given.isBlank()) {
            return callbackUrl == null ? null : WebhookSecret.DEFAULT_ID;
        }
        if (callbackUrl == null) {
            throw invalid("callbackSecretId names the secret that signs the webhook to callbackUrl; send it with a callbackUrl");
        }
        if (!WebhookSecret.ID.matcher(given).matches()) {
            throw invalid("callbackSecretId '" + given + "' is not a webhook secret id (" + WebhookSecret.ID + ")");
        }
        return given;
    }

    /** Refuses a callback the tenant has no secret to sign with. */
    void requireKnown(String tenant, Submission submission) {
        String id = submission.callbackSecretId();
        if (id != null && find.apply(tenant, id).isEmpty()) {
            String body = id.equals(WebhookSecret.DEFAULT_ID) ? "" : " with {\"id\": \"" + id + "\"}";
            throw new ApiProblem(400, "unknown-webhook-secret", "Unknown webhook secret", "there is no webhook secret '" + id
                    + "' to sign the callback with; create one with POST /v1/webhook-secrets" + body
                    + " and verify the webhooks with the secret it answers");
        }
    }

    private static ApiProblem invalid(String detail) {
        return new ApiProblem(400, "invalid-callback-secret-id", "Invalid callback secret id", detail);
    }
}
