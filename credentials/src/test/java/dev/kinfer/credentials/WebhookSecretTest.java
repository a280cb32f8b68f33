package dev.kinfer.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSecretTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private static WebhookSecret created(long atMs) {
        return new WebhookSecret("acme", WebhookSecret.DEFAULT_ID, List.of(SigningKey.generate(atMs)));
    }

    @Test
    void aRotationPutsTheNewKeyFirstAndKeepsThePreviousOneForItsGrace() {
        WebhookSecret secret = created(0);
        SigningKey next = SigningKey.generate(10 * HOUR);

        WebhookSecret rotated = secret.rotated(next, 10 * HOUR, Duration.ofHours(24));

        assertThat(rotated.current()).isEqualTo(next);
        assertThat(rotated.keys()).hasSize(2);
        assertThat(rotated.keys().get(1).secret()).isEqualTo(secret.current().secret());
        assertThat(rotated.keys().get(1).retiresAtMs()).isEqualTo(34 * HOUR);
        assertThat(rotated.keysAt(Instant.ofEpochMilli(20 * HOUR))).extracting(SigningKey::secret)
                .containsExactly(next.secret(), secret.current().secret());
        assertThat(rotated.keysAt(Instant.ofEpochMilli(34 * HOUR))).extracting(SigningKey::secret).containsExactly(next.secret());
    }

    @Test
    void keysPastTheirRetirementAreDroppedAtTheNextRotationAndThoseStillSigningKept() {
        WebhookSecret first = created(0).rotated(SigningKey.generate(HOUR), HOUR, Duration.ofHours(1));
        WebhookSecret second = first.rotated(SigningKey.generate(90 * 60_000), 90 * 60_000, Duration.ofHours(2));
        WebhookSecret third = second.rotated(SigningKey.generate(3 * HOUR), 3 * HOUR, Duration.ZERO);

        assertThat(second.keys()).hasSize(3);
        // At 3 h the key first retired (at 2 h) is gone; the one retired at 1.5 h + 2 h still signs; the one just replaced does not.
        assertThat(third.keys()).extracting(SigningKey::secret)
                .containsExactly(third.current().secret(), second.current().secret(), first.current().secret());
        assertThat(third.keysAt(Instant.ofEpochMilli(3 * HOUR))).extracting(SigningKey::secret)
                .containsExactly(third.current().secret(), first.current().secret());
    }

    @Test
    void rotatingFasterThanKeysRetireKeepsTheNewestFive() {
        WebhookSecret secret = created(0);
        List<String> made = new ArrayList<>(List.of(secret.current().secret()));
        for (int i = 1; i <= 7; i++) {
            secret = secret.rotated(SigningKey.generate(i), i, Duration.ofDays(7));
            made.addFirst(secret.current().secret());
        }

        assertThat(secret.keys()).extracting(SigningKey::secret).containsExactlyElementsOf(made.subList(0, WebhookSecret.MAX_KEYS));
    }

    @Test
    void idsAreShortLowerCaseNamesWithoutSlashes() {
        for (String valid : List.of("default", "billing-2", "a", "x_y", "0".repeat(63))) {
            assertThat(WebhookSecret.requireId(valid)).isEqualTo(valid);
        }
        for (String invalid : new String[] {null, "", "Default", "a/b", "-x", "_x", "a b", "a:rotate", "0".repeat(64)}) {
            assertThatThrownBy(() -> WebhookSecret.requireId(invalid)).as(invalid).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(WebhookSecret.recordKey("acme", "default")).isEqualTo("acme/default");
        assertThat(created(0).recordKey()).isEqualTo("acme/default");
    }

    @Test
    void exactlyItsFirstKeyIsCurrent() {
        SigningKey current = SigningKey.generate(0);
        SigningKey retiring = SigningKey.generate(0).retiringAt(HOUR);

        assertThatThrownBy(() -> new WebhookSecret("acme", "default", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookSecret("acme", "default", List.of(retiring, current))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookSecret("acme", "default", List.of(current, current))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookSecret("a/b", "default", List.of(current))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new WebhookSecret("acme", "default", List.of(current, retiring)).keys()).hasSize(2);
    }

    @Test
    void itsTextNamesItButShowsNoSecret() {
        WebhookSecret secret = created(0).rotated(SigningKey.generate(HOUR), HOUR, Duration.ofHours(1));

        assertThat(secret.toString()).contains("acme/default").doesNotContain("whsec_")
                .doesNotContain(secret.keys().get(0).secret().substring(6)).doesNotContain(secret.keys().get(1).secret().substring(6));
    }

    @Test
    void recordsRoundTripAsTenantIdAndKeysOnly() throws Exception {
        WebhookSecret secret = created(0).rotated(SigningKey.generate(HOUR), HOUR, Duration.ofHours(1));

        byte[] value = WebhookSecrets.encode(secret);
        JsonNode json = new ObjectMapper().readTree(value);

        assertThat(WebhookSecrets.decode("acme/default", value)).isEqualTo(secret);
        assertThat(json.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("tenant", "id", "keys");
        assertThat(json.path("keys").get(0).properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("secret", "createdAtMs", "retiresAtMs");
        assertThat(WebhookSecrets.decode("acme/default", null)).isNull();
    }

    @Test
    void aRecordUnderAnotherKeyOrUnreadableIsRefusedWithoutQuotingIt() {
        WebhookSecret secret = created(0);
        byte[] value = WebhookSecrets.encode(secret);
        String text = new String(value, StandardCharsets.UTF_8);
        byte[] broken = text.replace("\"createdAtMs\":0", "\"createdAtMs\":\"" + secret.current().secret() + "\"").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> WebhookSecrets.decode("other/default", value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("filed under other/default");
        assertThatThrownBy(() -> WebhookSecrets.decode("acme/default", broken)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain(secret.current().secret().substring(6));
    }
}
