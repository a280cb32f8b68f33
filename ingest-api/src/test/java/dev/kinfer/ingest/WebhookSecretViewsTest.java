package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinfer.credentials.SigningKey;
import dev.kinfer.credentials.WebhookSecret;
import dev.kinfer.credentials.WebhookSecretAdmin;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the webhook-secret routes answer, against the OpenAPI document; and that a listing never shows a secret. */
class WebhookSecretViewsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant ROTATED = Instant.parse("2026-11-23T10:15:30.120Z");
    private static final Instant RETIRES = Instant.parse("2026-11-24T10:15:30.120Z");

    private final OpenApiContract contract = OpenApiContract.fromClasspath();
    private final SigningKey current = key(ROTATED, null);
    private final SigningKey previous = key(Instant.parse("2026-11-01T08:00:00Z"), RETIRES);
    private final WebhookSecret rotated = new WebhookSecret("acme", "default", List.of(current, previous));

    private static SigningKey key(Instant created, Instant retires) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new SigningKey("whsec_" + Base64.getEncoder().encodeToString(bytes), created.toEpochMilli(),
                retires == null ? null : retires.toEpochMilli());
    }

    @Test
    void aListingShowsTheKeysThatSignAndNoSecret() {
        WebhookSecret billing = new WebhookSecret("acme", "billing", List.of(key(ROTATED, null)));

        JsonNode during = WebhookSecretViews.list(List.of(billing, rotated), ROTATED.plusSeconds(60));
        JsonNode after = WebhookSecretViews.list(List.of(rotated), RETIRES);

        assertThat(contract.violations("#/components/schemas/WebhookSecretList", during)).isEmpty();
        assertThat(during.toString()).doesNotContain("whsec_").doesNotContain(current.secret().substring(6))
                .doesNotContain(previous.secret().substring(6));
        assertThat(during.at("/secrets/0/id").asText()).isEqualTo("billing");
        JsonNode keys = during.at("/secrets/1/keys");
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).path("retiresAt").isNull()).isTrue();
        assertThat(keys.get(1).path("retiresAt").asText()).isEqualTo(RETIRES.toString());
        assertThat(during.at("/secrets/1/createdAt").asText()).isEqualTo(ROTATED.toString());
        assertThat(after.at("/secrets/0/keys")).hasSize(1);
        assertThat(contract.violations("#/components/schemas/WebhookSecretList", WebhookSecretViews.list(List.of(), ROTATED))).isEmpty();
        ObjectNode leaking = WebhookSecretViews.list(List.of(rotated), ROTATED);
        ((ObjectNode) leaking.at("/secrets/0/keys/0")).put("secret", current.secret());
        assertThat(contract.violations("#/components/schemas/WebhookSecretList", leaking)).as("the document allows no secret in a listing")
                .isNotEmpty();
    }

    @Test
    void creationAndRotationShowTheNewKeyOnce() {
        WebhookSecret created = new WebhookSecret("acme", "billing", List.of(current));

        JsonNode made = WebhookSecretViews.created(created);
        JsonNode replaced = WebhookSecretViews.rotated(rotated);

        assertThat(contract.violations("#/components/schemas/NewWebhookSecret", made)).isEmpty();
        assertThat(contract.violations("#/components/schemas/RotatedWebhookSecret", replaced)).isEmpty();
        assertThat(made.path("secret").asText()).isEqualTo(current.secret());
        assertThat(replaced.path("secret").asText()).isEqualTo(current.secret());
        assertThat(replaced.toString()).doesNotContain(previous.secret());
        assertThat(replaced.path("previousRetiresAt").asText()).isEqualTo(RETIRES.toString());
    }

    @Test
    void refusalsAreTheDocumentedProblems() {
        List<String> errors = new ArrayList<>();
        for (WebhookSecretAdmin.Refused.Reason reason : WebhookSecretAdmin.Refused.Reason.values()) {
            ApiProblem problem = WebhookSecretRoutes.problem(new WebhookSecretAdmin.Refused(reason, "acme/billing"), "billing");
            assertThat(problem.detail()).doesNotContain("acme");
            errors.addAll(contract.violations("#/components/schemas/Problem", JSON.valueToTree(Problems.body(problem, "/v1/webhook-secrets"))));
        }
        assertThat(WebhookSecretRoutes.problem(new WebhookSecretAdmin.Refused(WebhookSecretAdmin.Refused.Reason.EXISTS, ""), "billing").status())
                .isEqualTo(409);
        assertThat(WebhookSecretRoutes.problem(new WebhookSecretAdmin.Refused(WebhookSecretAdmin.Refused.Reason.UNKNOWN, ""), "billing").code())
                .isEqualTo("unknown-webhook-secret");

        assertThat(errors).isEmpty();
    }
}
