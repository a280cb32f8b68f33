package dev.kinfer.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SigningKeyTest {
    @Test
    void aNewKeyIsWhsecAndTheBase64OfThirtyTwoRandomBytes() {
        SigningKey key = SigningKey.generate(42);

        assertThat(key.secret()).startsWith("whsec_");
        byte[] decoded = Base64.getDecoder().decode(key.secret().substring("whsec_".length()));
        assertThat(decoded).hasSize(32).isEqualTo(key.hmacKey());
        assertThat(key.createdAtMs()).isEqualTo(42);
        assertThat(key.retiresAtMs()).isNull();
        assertThat(SigningKey.generate(42).secret()).isNotEqualTo(key.secret());
    }

    @Test
    void itSignsAsTheStandardWebhooksLibraryDoesWithTheDecodedBytesAsTheHmacKey() throws Exception {
        SigningKey key = SigningKey.generate(0);
        String id = "msg_2mMbXxWXRnGdYcbgFq3tQmPRbnH";
        long timestamp = Instant.now().getEpochSecond();
        String body = "{\"type\":\"job.succeeded\",\"timestamp\":\"2026-11-23T10:15:30.310Z\",\"data\":{\"jobId\":\"r-1\"}}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.hmacKey(), "HmacSHA256"));
        String ours = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));

        Webhook reference = new Webhook(key.secret());

        assertThat(reference.sign(id, timestamp, body)).isEqualTo(ours);
        // A receiver with the reference library accepts it, among the signatures of other keys (as during a rotation).
        String otherKeys = new Webhook(SigningKey.generate(0).secret()).sign(id, timestamp, body);
        reference.verify(body, Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(otherKeys + " " + ours)));
    }

    @Test
    void aKeyIsWhsecAndBase64OfTwentyFourToSixtyFourBytesAndItsRefusalNeverQuotesIt() {
        String unprefixed = Base64.getEncoder().encodeToString(new byte[32]);
        String notBase64 = "whsec_not*base64*at*all*but*long*enough*to*be";
        String tooShort = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
        String tooLong = "whsec_" + Base64.getEncoder().encodeToString(new byte[65]);

        for (String secret : List.of(unprefixed, notBase64, tooShort, tooLong)) {
            assertThatThrownBy(() -> new SigningKey(secret, 0, null)).as(secret).isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain(secret.substring(6));
        }
        assertThat(new SigningKey("whsec_" + Base64.getEncoder().encodeToString(new byte[24]), 0, null).hmacKey()).hasSize(24);
    }

    @Test
    void itIsRetiredFromItsRetirementOn() {
        SigningKey current = SigningKey.generate(1_000);
        SigningKey retiring = current.retiringAt(5_000);

        assertThat(current.retiredAt(Instant.ofEpochMilli(Long.MAX_VALUE))).isFalse();
        assertThat(retiring.retiredAt(Instant.ofEpochMilli(4_999))).isFalse();
        assertThat(retiring.retiredAt(Instant.ofEpochMilli(5_000))).isTrue();
        assertThat(retiring.secret()).isEqualTo(current.secret());
    }

    @Test
    void itsTextNeverShowsTheSecret() {
        SigningKey key = SigningKey.generate(0).retiringAt(86_400_000);

        assertThat(key.toString()).doesNotContain(key.secret().substring(6)).doesNotContain("whsec_")
                .contains("1970-01-01T00:00:00Z").contains("retires 1970-01-02T00:00:00Z");
        assertThat(SigningKey.generate(0).toString()).contains("current");
    }
}
