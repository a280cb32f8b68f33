package dev.kinfer.sink.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checked against the reference Java library of the Standard Webhooks spec, not against our own reading of it. */
class SignaturesTest {
    private static final byte[] CURRENT = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RETIRING = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    private static final String BODY = "{\"type\":\"job.succeeded\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"data\":{\"jobId\":\"j1\"}}";

    @Test
    void shouldBeVerifiedByTheReferenceLibraryWithEitherKeyDuringARotation() {
        long now = Instant.now().getEpochSecond();
        String signature = Signatures.sign("msg_1", now, BODY.getBytes(StandardCharsets.UTF_8), List.of(CURRENT, RETIRING));

        assertThat(signature.split(" ")).hasSize(2).allSatisfy(part -> assertThat(part).startsWith("v1,"));
        for (byte[] key : List.of(CURRENT, RETIRING)) {
            Webhook receiver = new Webhook("whsec_" + Base64.getEncoder().encodeToString(key));
            assertThatCode(() -> receiver.verify(BODY, headers("msg_1", now, signature))).doesNotThrowAnyException();
        }
    }

    @Test
    void shouldNotVerifyWithAnotherKeyIdBodyOrTime() {
        long now = Instant.now().getEpochSecond();
        String signature = Signatures.sign("msg_1", now, BODY.getBytes(StandardCharsets.UTF_8), List.of(CURRENT));
        Webhook receiver = new Webhook("whsec_" + Base64.getEncoder().encodeToString(CURRENT));
        Webhook stranger = new Webhook("whsec_" + Base64.getEncoder().encodeToString(RETIRING));

        assertThatThrownBy(() -> stranger.verify(BODY, headers("msg_1", now, signature))).isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> receiver.verify(BODY, headers("msg_2", now, signature))).isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> receiver.verify(BODY + " ", headers("msg_1", now, signature))).isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> receiver.verify(BODY, headers("msg_1", now + 1, signature))).isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void shouldMatchTheReferenceLibrarysOwnSignature() throws Exception {
        Webhook reference = new Webhook("whsec_" + Base64.getEncoder().encodeToString(CURRENT));

        assertThat(Signatures.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY.getBytes(StandardCharsets.UTF_8), List.of(CURRENT)))
                .isEqualTo(reference.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY));
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of(Signatures.ID_HEADER, List.of(id), Signatures.TIMESTAMP_HEADER, List.of(Long.toString(timestamp)),
                Signatures.SIGNATURE_HEADER, List.of(signature));
    }
}
