package dev.kinfer.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeySecretsTest {
    @Test
    void aGeneratedKeyIsFoundByItsIdAndProvedByItsHash() {
        KeySecrets.Generated key = KeySecrets.generate();
        assertThat(key.text()).startsWith("kf_" + key.id() + "_");
        assertThat(KeySecrets.looksLikeKey(key.text())).isTrue();
        assertThat(KeySecrets.idOf(key.text())).contains(key.id());
        String hash = KeySecrets.hash(key.text());
        assertThat(hash).doesNotContain(key.text().substring(16));
        assertThat(KeySecrets.matches(key.text(), hash)).isTrue();
    }

    @Test
    void anotherSecretUnderTheSameIdDoesNotMatch() {
        KeySecrets.Generated key = KeySecrets.generate();
        String hash = KeySecrets.hash(key.text());
        char last = key.text().charAt(key.text().length() - 1);
        String forged = key.text().substring(0, key.text().length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(KeySecrets.idOf(forged)).contains(key.id());
        assertThat(KeySecrets.matches(forged, hash)).isFalse();
    }

    @Test
    void malformedKeysHaveNoId() {
        assertThat(KeySecrets.idOf("kf_123")).isEmpty();
        assertThat(KeySecrets.idOf("kf_0123456789ab_short")).isEmpty();
        assertThat(KeySecrets.idOf("eyJhbGciOiJIUzI1NiJ9.e30.sig")).isEmpty();
        assertThat(KeySecrets.looksLikeKey("eyJhbGciOiJIUzI1NiJ9.e30.sig")).isFalse();
    }

    @Test
    void recordsRoundTripAndNeverShowTheHash() throws Exception {
        ApiKey key = new ApiKey("0123456789ab", "acme", "ci", "ab".repeat(32), true, new Limits(5, 10, 1_000_000), 42);
        ApiKey read = KeyRing.decode(KeyRing.JSON.writeValueAsBytes(key));
        assertThat(read).isEqualTo(key);
        assertThat(key.toString()).doesNotContain("abab").contains("acme").contains("admin");
    }

    @Test
    void tenantsAreSafeNames() {
        assertThatThrownBy(() -> new ApiKey("0123456789ab", "a/b", "", "x", false, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ApiKey("0123456789ab", "", "", "x", false, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ApiKey("0123456789ab", "team-7", null, "x", false, null, 0).limits()).isEqualTo(Limits.UNLIMITED);
    }

    @Test
    void aRateWithoutBurstGetsOneSecondOfIt() {
        assertThat(new Limits(2.5, 0, 0).burst()).isEqualTo(3);
        assertThat(new Limits(0.2, 0, 0).burst()).isEqualTo(1);
        assertThatThrownBy(() -> new Limits(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
