package dev.kinfer.sink.webhooks;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where no webhook receiver on the internet can be: the ranges of the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries that are not globally reachable, multicast, and any IPv6 address outside global unicast (2000::/3).
 */
final class SpecialPurposeRanges {
    private record Range(Cidr cidr, String name) {
        static Range of(String cidr, String name) {
            return new Range(Cidr.parse(cidr), name);
        }

        String describe() {
            return name + " " + cidr;
        }
    }

    // The first range that holds an address names it, so the narrower ones come before those they sit in.
    private static final List<Range> IPV4 = List.of(
            Range.of("0.0.0.0/8", "\"this network\""),
            Range.of("10.0.0.0/8", "private-use"),
            Range.of("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
            Range.of("127.0.0.0/8", "loopback"),
            Range.of("169.254.0.0/16", "link-local"),
            Range.of("172.16.0.0/12", "private-use"),
            Range.of("192.0.0.0/24", "IETF protocol assignments"),
            Range.of("192.0.2.0/24", "documentation (TEST-NET-1)"),
            Range.of("192.88.99.0/24", "6to4 relay anycast"),
            Range.of("192.168.0.0/16", "private-use"),
            Range.of("198.18.0.0/15", "benchmarking"),
            Range.of("198.51.100.0/24", "documentation (TEST-NET-2)"),
            Range.of("203.0.113.0/24", "documentation (TEST-NET-3)"),
            Range.of("224.0.0.0/4", "multicast"),
            Range.of("255.255.255.255/32", "limited broadcast"),
            Range.of("240.0.0.0/4", "reserved"));

    private static final List<Range> IPV6 = List.of(
            Range.of("::/128", "unspecified"),
            Range.of("::1/128", "loopback"),
            Range.of("::/96", "IPv4-compatible (deprecated)"),
            Range.of("64:ff9b:1::/48", "local-use NAT64"),
            Range.of("100::/64", "discard-only"),
            Range.of("2001:db8::/32", "documentation"),
            Range.of("2001::/23", "IETF protocol assignments"), // Teredo too: it tunnels to any IPv4 address
            Range.of("2002::/16", "6to4"),
            Range.of("3fff::/20", "documentation"),
            Range.of("fc00::/7", "unique-local"),
            Range.of("fe80::/10", "link-local"),
            Range.of("fec0::/10", "site-local (deprecated)"),
            Range.of("ff00::/8", "multicast"));

    private static final Cidr IPV4_MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");

    private SpecialPurposeRanges() {
    }

    /** @return the non-global range holding {@code address}, described; empty when it is globally reachable */
    static Optional<String> rangeHolding(InetAddress address) {
        InetAddress dialled = unmapped(address);
        if (NAT64.contains(dialled)) {
            // A NAT64 gateway dials the IPv4 address in the last 32 bits: that one is judged.
            return rangeHolding(embeddedIpv4(dialled)).map(range -> "NAT64 of " + range);
        }
        List<Range> ranges = dialled instanceof Inet4Address ? IPV4 : IPV6;
        Optional<String> named = ranges.stream().filter(range -> range.cidr().contains(dialled)).findFirst().map(Range::describe);
        if (named.isEmpty() && !(dialled instanceof Inet4Address) && !GLOBAL_UNICAST.contains(dialled)) {
            return Optional.of("outside IPv6 global unicast " + GLOBAL_UNICAST);
        }
        return named;
    }

    /**
     * The address a socket really dials: {@code ::ffff:a.b.c.d} is {@code a.b.c.d}. The JDK mostly makes that
     * {@link Inet4Address} itself, but not {@code Inet6Address.getByAddress}, which any resolver may use.
     */
    static InetAddress unmapped(InetAddress address) {
        return IPV4_MAPPED.contains(address) ? embeddedIpv4(address) : address;
    }

    private static InetAddress embeddedIpv4(InetAddress ipv6) {
        byte[] bytes = ipv6.getAddress();
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
