package dev.kinfer.sink;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Keeps webhooks from being aimed at the network kinfer runs in (SSRF): a callback whose host resolves to a
 * loopback, private, link-local, unique-local or multicast address is refused unless an allow-listed CIDR
 * range contains it (tests and the single-machine stack allow loopback this way).
 */
final class CallbackGuard {
    private record Cidr(BigInteger network, BigInteger mask, int length) {
        static Cidr parse(String cidr) {
            String[] parts = cidr.split("/");
            try {
                byte[] address = InetAddress.getByName(parts[0]).getAddress();
                int bits = address.length * 8;
                int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : bits;
                BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                        .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
                return new Cidr(new BigInteger(1, address).and(mask), mask, address.length);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR range: " + cidr, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            return bytes.length == length && new BigInteger(1, bytes).and(mask).equals(network);
        }
    }

    private final List<Cidr> allowed;

    CallbackGuard(List<String> allowList) {
        this.allowed = allowList.stream().map(Cidr::parse).toList();
    }

    /** @return null if the URL may be called, otherwise why not */
    String refusal(String url) {
        String host = URI.create(url).getHost();
        if (host == null) {
            return "callback URL has no host";
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (isInternal(address) && allowed.stream().noneMatch(c -> c.contains(address))) {
                    return "callback host " + host + " resolves to " + address.getHostAddress()
                            + ", an internal address; allow it with KINFER_CALLBACK_ALLOW";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return "callback host " + host + " does not resolve";
        }
    }

    private static boolean isInternal(InetAddress address) {
        byte[] bytes = address.getAddress();
        boolean uniqueLocalV6 = bytes.length == 16 && (bytes[0] & 0xFE) == 0xFC;
        return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocalV6;
    }
}
