package dev.kinfer.ingest;

import dev.kinfer.credentials.WebhookSecret;
import dev.kinfer.credentials.WebhookSecretAdmin;
import dev.kinfer.credentials.WebhookSecrets;
import dev.kinfer.ingest.auth.Authenticator;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's own tenant's webhook signing secrets: {@code GET /v1/webhook-secrets} lists them (never their text),
 * {@code POST /v1/webhook-secrets} makes one, {@code POST /v1/webhook-secrets/{id}:rotate} replaces its key (the
 * previous one signs on for a grace period), {@code DELETE /v1/webhook-secrets/{id}} deletes it. Any credential of a
 * tenant manages that tenant's secrets; another tenant's are unknown to it (404), as its jobs are.
 */
final class WebhookSecretRoutes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSecretRoutes.class);
    /** The answers carrying a secret: no cache along the way may keep them. */
    private static final String NO_STORE = "no-store";

    private final WebhookSecrets secrets;
    private final WebhookSecretAdmin admin;
    private final Clock clock;

    WebhookSecretRoutes(WebhookSecrets secrets, WebhookSecretAdmin admin, Clock clock) {
        this.secrets = secrets;
        this.admin = admin;
        this.clock = clock;
    }

    /** {@code GET /v1/webhook-secrets}: 200 with the ids and the keys' times. */
    void list(Context ctx) {
        String tenant = Authenticator.principal(ctx).tenant();
        ctx.json(WebhookSecretViews.list(secrets.of(tenant), clock.instant()));
    }

    /** {@code POST /v1/webhook-secrets}: 201 with the new secret, or 409 if the id is taken. */
    void create(Context ctx) {
        String tenant = Authenticator.principal(ctx).tenant();
        String id = WebhookSecretRequests.createdId(WebhookSecretRequests.body(ctx));
        WebhookSecret created;
        try {
            created = admin.create(tenant, id);
        } catch (WebhookSecretAdmin.Refused refused) {
            throw problem(refused, id);
        }
        log.info("created webhook secret {}", created.recordKey());
        ctx.status(201).header("Cache-Control", NO_STORE).json(WebhookSecretViews.created(created));
    }

    /** {@code POST /v1/webhook-secrets/{id}:rotate}: 200 with the new key's secret and when the previous one retires. */
    void rotate(Context ctx) {
        String tenant = Authenticator.principal(ctx).tenant();
        String id = WebhookSecretRequests.rotatedId(ctx.pathParam("idAndVerb"));
        Duration grace = WebhookSecretRequests.grace(WebhookSecretRequests.body(ctx));
        WebhookSecret rotated;
        try {
            rotated = admin.rotate(tenant, id, grace);
        } catch (WebhookSecretAdmin.Refused refused) {
            throw problem(refused, id);
        }
        log.info("rotated webhook secret {} (previous key signs {} longer)", rotated.recordKey(), grace);
        ctx.header("Cache-Control", NO_STORE).json(WebhookSecretViews.rotated(rotated));
    }

    /** {@code DELETE /v1/webhook-secrets/{id}}: 204. */
    void delete(Context ctx) {
        String tenant = Authenticator.principal(ctx).tenant();
        String id = WebhookSecretRequests.id(ctx.pathParam("id"));
        try {
            admin.delete(tenant, id);
        } catch (WebhookSecretAdmin.Refused refused) {
            throw problem(refused, id);
        }
        log.info("deleted webhook secret {}", WebhookSecret.recordKey(tenant, id));
        ctx.status(204);
    }

    static ApiProblem problem(WebhookSecretAdmin.Refused refused, String id) {
        return switch (refused.reason()) {
            case EXISTS -> new ApiProblem(409, "webhook-secret-exists", "Webhook secret exists", "webhook secret '" + id
                    + "' exists; rotate it with POST /v1/webhook-secrets/" + id + WebhookSecretRequests.ROTATE + ", or delete it first");
            case TOO_MANY -> new ApiProblem(409, "too-many-webhook-secrets", "Too many webhook secrets", "a tenant has at most "
                    + WebhookSecretAdmin.MAX_SECRETS_PER_TENANT + " webhook secrets; delete one first");
            case UNKNOWN -> new ApiProblem(404, "unknown-webhook-secret", "Unknown webhook secret", "there is no webhook secret '" + id
                    + "'; GET /v1/webhook-secrets lists them, POST /v1/webhook-secrets makes one");
        };
    }

    @Override
    public void close() {
        admin.close();
    }
}
