package dev.kinfer.sink.webhooks;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}; a bare address is a range of one).
 * Parsed as a literal only: a host name here must fail, not start a DNS lookup.
 */
final class Cidr {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");
    private static final Pattern PREFIX_LENGTH = Pattern.compile("\\d{1,3}");

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming {@code text} when it is not a CIDR range */
    static Cidr parse(String text) {
        String range = text.strip();
        int slash = range.indexOf('/');
        String address = slash < 0 ? range : range.substring(0, slash);
        String length = slash < 0 ? null : range.substring(slash + 1);
        byte[] network = literal(address).orElseThrow(() -> invalid(text));
        int bits = network.length * 8;
        if (length != null && !PREFIX_LENGTH.matcher(length).matches()) {
            throw invalid(text);
        }
        int prefixLength = length == null ? bits : Integer.parseInt(length);
        if (prefixLength > bits) {
            throw invalid(text);
        }
        return new Cidr(network, prefixLength, range);
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int wholeBytes = prefixLength / 8;
        for (int i = 0; i < wholeBytes; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return remainingBits == 0 || ((bytes[wholeBytes] ^ network[wholeBytes]) & mask) == 0;
    }

    @Override
    public String toString() {
        return text;
    }

    private static Optional<byte[]> literal(String address) {
        Matcher v4 = IPV4.matcher(address);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) octet;
            }
            return Optional.of(bytes);
        }
        if (!IPV6.matcher(address).matches()) {
            return Optional.empty();
        }
        try {
            // With a colon in it the JDK parses the text as an IPv6 literal and never asks DNS.
            InetAddress parsed = InetAddress.getByName(address);
            // The JDK hands ::ffff:a.b.c.d back as a.b.c.d; a range written in IPv6 stays IPv6.
            return Optional.of(parsed instanceof Inet4Address ? ipv4Mapped(parsed.getAddress()) : parsed.getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] ipv4Mapped(byte[] ipv4) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xFF;
        bytes[11] = (byte) 0xFF;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        return bytes;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("not a CIDR range: \"" + text + "\"");
    }
}
