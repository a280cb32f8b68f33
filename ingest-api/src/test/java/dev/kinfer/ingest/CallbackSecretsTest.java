package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kinfer.credentials.SigningKey;
import dev.kinfer.credentials.WebhookSecret;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallbackSecretsTest {
    private static final String URL = "https://example.org/hooks";
    private static final Map<String, WebhookSecret> SECRETS = Map.of("acme/default", secret("acme", "default"),
            "acme/billing", secret("acme", "billing"), "other/private", secret("other", "private"));

    private final CallbackSecrets callbacks = new CallbackSecrets((tenant, id) -> Optional.ofNullable(SECRETS.get(tenant + "/" + id)));

    private static WebhookSecret secret(String tenant, String id) {
        return new WebhookSecret(tenant, id, List.of(new SigningKey("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), 0, null)));
    }

    private static Submission submission(String callbackUrl, String callbackSecretId) {
        return Submission.naming(List.of("u-1"), Map.of(), callbackUrl, CallbackSecrets.secretId(callbackUrl, callbackSecretId), null);
    }

    @Test
    void aCallbackIsSignedWithTheDefaultSecretUnlessItNamesAnother() {
        assertThat(CallbackSecrets.secretId(URL, null)).isEqualTo("default");
        assertThat(CallbackSecrets.secretId(URL, " ")).isEqualTo("default");
        assertThat(CallbackSecrets.secretId(URL, "billing")).isEqualTo("billing");
        assertThat(CallbackSecrets.secretId(null, null)).isNull();
    }

    @Test
    void aSecretIdNeedsACallbackAndTheFormOfAnId() {
        for (String invalid : List.of("Billing", "a/b", "billing:rotate", "x".repeat(64))) {
            assertProblem(() -> CallbackSecrets.secretId(URL, invalid), 400, "invalid-callback-secret-id");
        }
        ApiProblem alone = catchThrowableOfType(ApiProblem.class, () -> CallbackSecrets.secretId(null, "billing"));
        assertThat(alone.code()).isEqualTo("invalid-callback-secret-id");
        assertThat(alone.detail()).contains("callbackUrl");
    }

    @Test
    void aCallbackWhoseSecretTheTenantHasNotMadeIsRefusedWithHowToMakeIt() {
        ApiProblem none = catchThrowableOfType(ApiProblem.class, () -> callbacks.requireKnown("newcomer", submission(URL, null)));
        ApiProblem named = catchThrowableOfType(ApiProblem.class, () -> callbacks.requireKnown("acme", submission(URL, "payroll")));

        assertThat(none.status()).isEqualTo(400);
        assertThat(none.code()).isEqualTo("unknown-webhook-secret");
        assertThat(none.detail()).contains("'default'").contains("POST /v1/webhook-secrets").doesNotContain("{\"id\"");
        assertThat(named.detail()).contains("'payroll'").contains("POST /v1/webhook-secrets with {\"id\": \"payroll\"}");
    }

    @Test
    void onlyTheTenantsOwnSecretsCount() {
        callbacks.requireKnown("acme", submission(URL, null));
        callbacks.requireKnown("acme", submission(URL, "billing"));
        callbacks.requireKnown("newcomer", submission(null, null));

        assertProblem(() -> callbacks.requireKnown("acme", submission(URL, "private")), 400, "unknown-webhook-secret");
    }

    @Test
    void theSecretIsPartOfWhatMakesTwoSubmissionsTheSame() {
        assertThat(submission(URL, "billing").fingerprint("m")).isNotEqualTo(submission(URL, null).fingerprint("m"));
        assertThat(submission(URL, "default").fingerprint("m")).isEqualTo(submission(URL, null).fingerprint("m"));
        assertThat(Submission.of(List.of(new byte[] {1}), List.of("image"), Map.of(), URL, "billing", null).fingerprint("m"))
                .isNotEqualTo(Submission.of(List.of(new byte[] {1}), List.of("image"), Map.of(), URL, "default", null).fingerprint("m"));
    }

    private static void assertProblem(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status()).isEqualTo(status);
            assertThat(problem.code()).isEqualTo(code);
        });
    }
}
