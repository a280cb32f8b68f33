package dev.kinfer.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSecretVersionsTest {
    private final WebhookSecretVersions versions = new WebhookSecretVersions();

    private static WebhookSecret secret(String tenant, String id) {
        return new WebhookSecret(tenant, id, List.of(SigningKey.generate(0)));
    }

    @Test
    void aWriteAppliedAtOnceIsNotUndoneByAnOlderRecordReadLater() {
        WebhookSecret older = secret("acme", "default");
        WebhookSecret newer = secret("acme", "default");

        versions.apply("acme/default", newer, 7);
        versions.apply("acme/default", older, 3);
        versions.apply("acme/default", newer, 7); // the reader reaching the write itself

        assertThat(versions.find("acme", "default")).contains(newer);
    }

    @Test
    void aDeletionHoldsAgainstOlderRecordsAndANewerOneBringsItBack() {
        WebhookSecret first = secret("acme", "default");
        WebhookSecret again = secret("acme", "default");

        versions.apply("acme/default", null, 5);
        versions.apply("acme/default", first, 4);
        assertThat(versions.find("acme", "default")).isEmpty();
        assertThat(versions.of("acme")).isEmpty();

        versions.apply("acme/default", again, 6);
        assertThat(versions.find("acme", "default")).contains(again);
    }

    @Test
    void aTenantSeesOnlyItsOwnSecretsById() {
        versions.apply("acme/zeta", secret("acme", "zeta"), 0);
        versions.apply("acme/alpha", secret("acme", "alpha"), 1);
        versions.apply("other/alpha", secret("other", "alpha"), 2);

        assertThat(versions.of("acme")).extracting(WebhookSecret::id).containsExactly("alpha", "zeta");
        assertThat(versions.find("other", "zeta")).isEmpty();
    }
}
