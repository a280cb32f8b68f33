package dev.kinfer.sink.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {
    private final AddressPolicy strict = new AddressPolicy(List.of());

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0                               | this network
            0.255.255.255                         | this network
            10.0.0.1                              | private-use 10.0.0.0/8
            10.255.255.255                        | private-use 10.0.0.0/8
            100.64.0.1                            | carrier-grade NAT
            100.127.255.254                       | carrier-grade NAT
            127.0.0.1                             | loopback 127.0.0.0/8
            127.255.255.254                       | loopback 127.0.0.0/8
            169.254.169.254                       | link-local 169.254.0.0/16
            172.16.0.1                            | private-use 172.16.0.0/12
            172.31.255.255                        | private-use 172.16.0.0/12
            192.0.0.8                             | IETF protocol assignments 192.0.0.0/24
            192.0.2.1                             | TEST-NET-1
            192.88.99.1                           | 6to4 relay anycast
            192.168.1.1                           | private-use 192.168.0.0/16
            198.18.0.1                            | benchmarking
            198.19.255.255                        | benchmarking
            198.51.100.7                          | TEST-NET-2
            203.0.113.9                           | TEST-NET-3
            224.0.0.1                             | multicast 224.0.0.0/4
            239.255.255.250                       | multicast 224.0.0.0/4
            240.0.0.1                             | reserved 240.0.0.0/4
            255.255.255.254                       | reserved 240.0.0.0/4
            255.255.255.255                       | limited broadcast
            ::                                    | unspecified
            ::1                                   | loopback ::1/128
            ::ffff:127.0.0.1                      | loopback 127.0.0.0/8
            ::ffff:10.1.2.3                       | private-use 10.0.0.0/8
            ::ffff:169.254.169.254                | link-local 169.254.0.0/16
            ::7f00:1                              | IPv4-compatible
            ::8.8.8.8                             | IPv4-compatible
            64:ff9b::7f00:1                       | NAT64 of loopback 127.0.0.0/8
            64:ff9b::a9fe:a9fe                    | NAT64 of link-local 169.254.0.0/16
            64:ff9b:1::5db8:d822                  | local-use NAT64
            100::1                                | discard-only
            2001::1                               | IETF protocol assignments 2001::/23
            2001:0:4136:e378:8000:63bf:3fff:fdd2  | IETF protocol assignments 2001::/23
            2001:1ff:ffff::1                      | IETF protocol assignments 2001::/23
            2001:db8::1                           | documentation 2001:db8::/32
            2002:7f00:1::                         | 6to4
            2002:5db8:d822::1                     | 6to4
            3fff::1                               | documentation 3fff::/20
            fc00::1                               | unique-local
            fd12:3456:789a::1                     | unique-local
            fe80::1                               | link-local fe80::/10
            febf:ffff::1                          | link-local fe80::/10
            fec0::1                               | site-local
            ff02::1                               | multicast ff00::/8
            ff0e::101                             | multicast ff00::/8
            5f00::1                               | outside IPv6 global unicast
            4000::1                               | outside IPv6 global unicast
            """)
    void shouldRefuseAddressesThatAreNotGloballyReachable(String address, String range) throws UnknownHostException {
        assertThat(strict.refusal(InetAddress.getByName(address))).hasValueSatisfying(reason -> assertThat(reason).contains(range));
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "1.1.1.1", "11.0.0.1", "100.128.0.1", "172.32.0.1", "192.0.3.1",
            "192.169.0.1", "198.20.0.1", "223.255.255.255", "::ffff:93.184.216.34", "2606:4700::1111", "2001:4860:4860::8888",
            "2001:200::1", "2a00:1450:4001:81c::200e", "64:ff9b::5db8:d822"})
    void shouldAllowPublicAddresses(String address) throws UnknownHostException {
        assertThat(strict.refusal(InetAddress.getByName(address))).isEmpty();
    }

    @Test
    void shouldJudgeAnIpv4MappedAddressByItsIpv4EvenInIpv6Form() throws UnknownHostException {
        // Inet6Address.getByAddress keeps ::ffff:127.0.0.1 an Inet6Address; getByName would have made it IPv4.
        InetAddress mappedLoopback = Inet6Address.getByAddress(null, mapped(127, 0, 0, 1), -1);
        assertThat(mappedLoopback).isInstanceOf(Inet6Address.class);

        assertThat(strict.refusal(mappedLoopback)).hasValueSatisfying(reason -> assertThat(reason).contains("loopback 127.0.0.0/8"));
        assertThat(strict.refusal(Inet6Address.getByAddress(null, mapped(93, 184, 216, 34), -1))).isEmpty();
        assertThat(new AddressPolicy(List.of("127.0.0.0/8")).refusal(mappedLoopback)).isEmpty();
    }

    @Test
    void shouldAllowWhatTheAllowListHoldsAndNothingNextToIt() throws UnknownHostException {
        AddressPolicy policy = new AddressPolicy(List.of("127.0.0.0/8", " ::1/128 ", "192.168.0.0/23", "169.254.169.254"));

        assertThat(policy.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("127.9.9.9"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("::1"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("192.168.1.255"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("169.254.169.254"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("93.184.216.34"))).isEmpty();

        assertThat(policy.refusal(InetAddress.getByName("192.168.2.0"))).isPresent();
        assertThat(policy.refusal(InetAddress.getByName("169.254.169.253"))).isPresent();
        assertThat(policy.refusal(InetAddress.getByName("10.0.0.1"))).isPresent();
        assertThat(policy.refusal(InetAddress.getByName("::2"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0/8", "256.0.0.0/8",
            "1.2.3.4.5/32", "::1/129", "fe80::1%eth0/64", "localhost/8", "example.com", "10.0.0.0/eight", "::g/128"})
    void shouldRefuseAnAllowListEntryThatIsNotACidrRangeNamingIt(String entry) {
        assertThatThrownBy(() -> new AddressPolicy(List.of("127.0.0.0/8", entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a CIDR range: \"" + entry + "\"");
    }

    private static byte[] mapped(int a, int b, int c, int d) {
        return new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) a, (byte) b, (byte) c, (byte) d};
    }
}
