package dev.kinfer.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class RegistryConnectionTest {
    @Test
    void shouldDefaultToTheLocalRegistryWithNoCredentials() {
        RegistryConnection connection = RegistryConnection.fromEnvironment(Map.of());

        assertThat(connection.url()).hasToString("http://127.0.0.1:8081/");
        assertThat(connection.authorization()).isEmpty();
        assertThat(connection.sslContext()).isEmpty();
    }

    @Test
    void shouldSendBasicAuthFromUsernameAndPassword() {
        RegistryConnection connection = RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_URL", "https://psrc-123.cloud/",
                "KINFER_REGISTRY_USERNAME", "ABCKEY", "KINFER_REGISTRY_PASSWORD", "pä:ss/word"));

        assertThat(connection.url()).hasToString("https://psrc-123.cloud/");
        assertThat(connection.authorization()).hasValue("Basic "
                + Base64.getEncoder().encodeToString("ABCKEY:pä:ss/word".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSendABearerToken() {
        RegistryConnection connection = RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_URL", "http://registry:8080/apis/ccompat/v7",
                "KINFER_REGISTRY_TOKEN", "eyJtoken"));

        assertThat(connection.url()).as("a trailing slash, so paths resolve under it").hasToString("http://registry:8080/apis/ccompat/v7/");
        assertThat(connection.authorization()).hasValue("Bearer eyJtoken");
    }

    @Test
    void shouldHideSecretsWhenShown() {
        String basic = RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_URL", "https://registry", "KINFER_REGISTRY_USERNAME", "svc",
                "KINFER_REGISTRY_PASSWORD", "hunter2", "KINFER_REGISTRY_TRUSTSTORE", "/etc/ca.p12",
                "KINFER_REGISTRY_TRUSTSTORE_PASSWORD", "store-pw")).toString();
        String bearer = RegistryConnection.to("https://registry").withBearerToken("eyJtoken").toString();

        assertThat(basic).contains("https://registry/", "username=svc", "password=[hidden]", "trustStore=/etc/ca.p12",
                "trustStorePassword=[hidden]").doesNotContain("hunter2", "store-pw");
        assertThat(bearer).contains("token=[hidden]").doesNotContain("eyJtoken");
    }

    @Test
    void shouldRefuseHalfOrConflictingCredentials() {
        assertThatThrownBy(() -> RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_USERNAME", "svc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KINFER_REGISTRY_PASSWORD");
        assertThatThrownBy(() -> RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_PASSWORD", "pw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KINFER_REGISTRY_USERNAME");
        assertThatThrownBy(() -> RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_USERNAME", "svc",
                "KINFER_REGISTRY_PASSWORD", "pw", "KINFER_REGISTRY_TOKEN", "t")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_TRUSTSTORE_PASSWORD", "pw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KINFER_REGISTRY_TRUSTSTORE");
    }

    @Test
    void shouldRefuseCredentialsInTheUrlWithoutRepeatingThem() {
        assertThatThrownBy(() -> RegistryConnection.fromEnvironment(Map.of("KINFER_REGISTRY_URL", "https://svc:hunter2@registry")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KINFER_REGISTRY_USERNAME")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> RegistryConnection.to("ftp://registry")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTakeConfluentsSerdeKeys() {
        RegistryConnection basic = SerdeConfig.connectionFrom(Map.of(SerdeConfig.REGISTRY_URL, "https://registry",
                SerdeConfig.BASIC_AUTH_USER_INFO, "svc:pw:with:colons"));
        RegistryConnection bearer = SerdeConfig.connectionFrom(Map.of(SerdeConfig.REGISTRY_URL, "https://registry",
                SerdeConfig.BEARER_AUTH_TOKEN, new Password("eyJtoken")));

        assertThat(basic.authorization()).hasValue("Basic " + Base64.getEncoder().encodeToString("svc:pw:with:colons".getBytes(StandardCharsets.UTF_8)));
        assertThat(bearer.authorization()).hasValue("Bearer eyJtoken");
        assertThatThrownBy(() -> SerdeConfig.connectionFrom(Map.of(SerdeConfig.REGISTRY_URL, "https://registry",
                SerdeConfig.BASIC_AUTH_USER_INFO, "no-colon"))).isInstanceOf(ConfigException.class);
    }
}
