package dev.kinfer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSecurityTest {
    private final WebhookSigner signer = new WebhookSigner("a-secret-of-enough-length");
    private final byte[] body = "{\"jobId\":\"j1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldVerifyItsOwnSignatureAndRejectAnyChange() {
        String header = signer.sign(1_700_000_000L, body);

        assertThat(header).matches("t=1700000000,v1=[0-9a-f]{64}");
        assertThat(signer.verify(header, body)).isTrue();
        assertThat(signer.verify(header, "{\"jobId\":\"j2\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(signer.verify(header.replace("t=1700000000", "t=1700000001"), body)).isFalse();
        assertThat(new WebhookSigner("another-secret-entirely").verify(header, body)).isFalse();
        assertThat(signer.verify("garbage", body)).isFalse();
    }

    @Test
    void shouldRefuseCallbacksIntoPrivateNetworksUnlessAllowed() {
        CallbackGuard strict = new CallbackGuard(List.of());
        CallbackGuard loopbackAllowed = new CallbackGuard(List.of("127.0.0.0/8"));

        assertThat(strict.refusal("http://127.0.0.1:8080/hook")).contains("internal address");
        assertThat(strict.refusal("http://10.1.2.3/hook")).contains("internal address");
        assertThat(strict.refusal("http://192.168.0.10/hook")).contains("internal address");
        assertThat(strict.refusal("http://169.254.169.254/latest/meta-data")).contains("internal address");
        assertThat(strict.refusal("http://[::1]/hook")).contains("internal address");
        assertThat(strict.refusal("http://93.184.216.34/hook")).isNull();
        assertThat(loopbackAllowed.refusal("http://127.0.0.1:8080/hook")).isNull();
        assertThat(loopbackAllowed.refusal("http://10.1.2.3/hook")).contains("internal address");
    }
}
