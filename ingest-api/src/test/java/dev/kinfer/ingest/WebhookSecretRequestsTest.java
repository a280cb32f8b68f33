package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class WebhookSecretRequestsTest {
    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void idsAreCheckedAsTheTopicKeysThem() {
        assertThat(WebhookSecretRequests.id("billing-2")).isEqualTo("billing-2");
        for (String invalid : List.of("", "Billing", "a b", "-x", "x".repeat(64), "..")) {
            assertProblem(() -> WebhookSecretRequests.id(invalid), 400, "invalid-webhook-secret-id");
        }
    }

    @Test
    void rotateIsTheOnlyVerb() {
        assertThat(WebhookSecretRequests.rotatedId("default:rotate")).isEqualTo("default");
        assertProblem(() -> WebhookSecretRequests.rotatedId("default:renew"), 404, "not-found");
        assertProblem(() -> WebhookSecretRequests.rotatedId("default"), 404, "not-found");
        assertProblem(() -> WebhookSecretRequests.rotatedId("Default:rotate"), 400, "invalid-webhook-secret-id");
        assertProblem(() -> WebhookSecretRequests.rotatedId(":rotate"), 400, "invalid-webhook-secret-id");
    }

    @Test
    void aCreationWithoutABodyMakesTheDefaultSecret() {
        assertThat(WebhookSecretRequests.createdId(new byte[0])).isEqualTo("default");
        assertThat(WebhookSecretRequests.createdId(body(" \n"))).isEqualTo("default");
        assertThat(WebhookSecretRequests.createdId(body("{}"))).isEqualTo("default");
        assertThat(WebhookSecretRequests.createdId(body("{\"id\": null}"))).isEqualTo("default");
        assertThat(WebhookSecretRequests.createdId(body("{\"id\": \"billing\"}"))).isEqualTo("billing");
    }

    @Test
    void aCreationBodyIsAnObjectOfOneStringId() {
        assertProblem(() -> WebhookSecretRequests.createdId(body("{\"id\": \"Billing\"}")), 400, "invalid-webhook-secret-id");
        assertProblem(() -> WebhookSecretRequests.createdId(body("{\"id\": 7}")), 400, "invalid-json");
        assertProblem(() -> WebhookSecretRequests.createdId(body("{\"id\": \"a\", \"secret\": \"whsec_x\"}")), 400, "invalid-json");
        assertProblem(() -> WebhookSecretRequests.createdId(body("[\"billing\"]")), 400, "invalid-json");
        assertProblem(() -> WebhookSecretRequests.createdId(body("{\"id\": ")), 400, "invalid-json");
    }

    @Test
    void theGraceIsADayUnlessAskedAndAtMostAWeek() {
        assertThat(WebhookSecretRequests.grace(new byte[0])).isEqualTo(Duration.ofHours(24));
        assertThat(WebhookSecretRequests.grace(body("{}"))).isEqualTo(Duration.ofHours(24));
        assertThat(WebhookSecretRequests.grace(body("{\"graceSeconds\": 0}"))).isEqualTo(Duration.ZERO);
        assertThat(WebhookSecretRequests.grace(body("{\"graceSeconds\": 604800}"))).isEqualTo(Duration.ofDays(7));
        for (String invalid : List.of("604801", "-1", "1.5", "\"3600\"", "true", "99999999999999999999999")) {
            assertProblem(() -> WebhookSecretRequests.grace(body("{\"graceSeconds\": " + invalid + "}")), 400, "invalid-grace");
        }
        assertProblem(() -> WebhookSecretRequests.grace(body("{\"grace\": 60}")), 400, "invalid-json");
    }

    private static void assertProblem(ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status()).as(problem.detail()).isEqualTo(status);
            assertThat(problem.code()).as(problem.detail()).isEqualTo(code);
        });
    }
}
