package dev.kinfer.sink.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CallbackGuardTest {
    private final CallbackGuard strict = new CallbackGuard(List.of());

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/hook", "file:///etc/passwd", "gopher://example.com/", "mailto:ops@example.com",
            "/relative/hook"})
    void shouldRefuseAnythingButHttpAndHttps(String url) {
        assertThatThrownBy(() -> strict.checkUri(URI.create(url)))
                .isInstanceOf(CallbackRefusedException.class)
                .hasMessageContaining("must be http or https");
    }

    @Test
    void shouldAcceptHttpAndHttpsInAnyCase() throws CallbackRefusedException {
        strict.checkUri(URI.create("http://example.com/hook"));
        strict.checkUri(URI.create("HTTPS://example.com:8443/hook?token=x"));
    }

    @Test
    void shouldRefuseAUrlWithoutHost() {
        assertThatThrownBy(() -> strict.checkUri(URI.create("http:///hook"))).hasMessage("callback URL has no host");
        // An underscore is no host to java.net.URI, which would leave the client guessing.
        assertThatThrownBy(() -> strict.checkUri(URI.create("http://bad_host.example/hook"))).hasMessage("callback URL has no host");
    }

    @Test
    void shouldRefuseCredentialsInTheUrlWithoutRepeatingThem() {
        assertThatThrownBy(() -> strict.checkUri(URI.create("https://admin:hunter2@example.com/hook")))
                .isInstanceOf(CallbackRefusedException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldRefuseAHostWhenAnyOfItsAddressesIsNotPublic() {
        CallbackGuard guard = new CallbackGuard(List.of(), host -> addresses("93.184.216.34", "10.0.0.5", "2606:4700::1111"));

        assertThatThrownBy(() -> guard.checkedAddresses("mixed.example"))
                .isInstanceOf(CallbackRefusedException.class)
                .hasMessageContainingAll("mixed.example", "10.0.0.5", "private-use 10.0.0.0/8", "KINFER_CALLBACK_ALLOW");
    }

    @Test
    void shouldReturnEveryAddressOfAPublicHostFromOneLookup() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CallbackGuard guard = new CallbackGuard(List.of(), host -> {
            lookups.incrementAndGet();
            return addresses("93.184.216.34", "2606:4700::1111");
        });

        assertThat(guard.checkedAddresses("public.example")).containsExactly(addresses("93.184.216.34", "2606:4700::1111"));
        assertThat(lookups).hasValue(1);
    }

    @Test
    void shouldLetAHostThatDoesNotResolveFailRatherThanBeRefused() {
        CallbackGuard unresolvable = new CallbackGuard(List.of(), host -> {
            throw new UnknownHostException(host);
        });
        CallbackGuard empty = new CallbackGuard(List.of(), host -> new InetAddress[0]);

        assertThatThrownBy(() -> unresolvable.checkedAddresses("nowhere.example")).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> empty.checkedAddresses("nowhere.example")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void shouldRefuseCallbacksIntoPrivateNetworksUnlessAllowed() throws Exception {
        CallbackGuard loopbackAllowed = new CallbackGuard(List.of("127.0.0.0/8"));

        // Loopback spelled oddly too: what is judged is the address the lookup gives, which is the one dialled.
        for (String host : List.of("127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]",
                "[::ffff:7f00:1]", "2130706433", "127.1")) {
            assertThatThrownBy(() -> strict.checkedAddresses(host)).as(host).isInstanceOf(CallbackRefusedException.class);
        }
        assertThat(strict.checkedAddresses("93.184.216.34")).containsExactly(addresses("93.184.216.34"));
        assertThat(loopbackAllowed.checkedAddresses("127.0.0.1")).containsExactly(addresses("127.0.0.1"));
        assertThatThrownBy(() -> loopbackAllowed.checkedAddresses("10.1.2.3")).isInstanceOf(CallbackRefusedException.class);
    }

    @Test
    void shouldTakeBracketedIpv6LiteralsAsTheyComeFromUrls() throws Exception {
        CallbackGuard guard = new CallbackGuard(List.of("::1/128"));

        assertThat(guard.checkedAddresses("[::1]")).containsExactly(addresses("::1"));
    }

    static InetAddress[] addresses(String... literals) throws UnknownHostException {
        InetAddress[] addresses = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            addresses[i] = InetAddress.getByName(literals[i]);
        }
        return addresses;
    }
}
