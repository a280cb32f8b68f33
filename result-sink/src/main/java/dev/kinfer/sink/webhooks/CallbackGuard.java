package dev.kinfer.sink.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps webhooks out of the network kinfer runs in (SSRF). {@link #checkUri} judges the URL before anything is
 * sent; {@link #checkedAddresses} resolves the host once and judges every address, and the HTTP client dials only
 * what it returned (see {@link WebhookClient}), so a DNS answer that changes after the check (rebinding) is never
 * used.
 */
public final class CallbackGuard {
    private static final Set<String> SCHEMES = Set.of("http", "https");

    private final AddressPolicy policy;
    private final Resolver resolver;

    /** @param allowList CIDR ranges allowed although not public ({@code KINFER_CALLBACK_ALLOW}) */
    public CallbackGuard(List<String> allowList) {
        this(allowList, Resolver.SYSTEM);
    }

    public CallbackGuard(List<String> allowList, Resolver resolver) {
        this.policy = new AddressPolicy(allowList);
        this.resolver = resolver;
    }

    /** Refuses a URL that is not http(s), has no host, or carries credentials. */
    public void checkUri(URI uri) throws CallbackRefusedException {
        String scheme = uri.getScheme();
        if (scheme == null || !SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
            throw new CallbackRefusedException("callback URL must be http or https" + (scheme == null ? "" : ", not " + scheme));
        }
        if (uri.getHost() == null) {
            throw new CallbackRefusedException("callback URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            // Never echoed: it is a credential.
            throw new CallbackRefusedException("callback URL must not carry credentials before its host");
        }
    }

    /**
     * Resolves {@code host} once and checks every address it stands for: one that is not public refuses the host,
     * whichever address a client would have picked.
     *
     * @return the checked addresses, the only ones that may be dialled for {@code host}
     * @throws UnknownHostException     when the host does not resolve (now: worth another attempt later)
     * @throws CallbackRefusedException naming the host and the address that is not public
     */
    public List<InetAddress> checkedAddresses(String host) throws CallbackRefusedException, UnknownHostException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(name);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(name);
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = policy.refusal(address);
            if (refusal.isPresent()) {
                throw new CallbackRefusedException("callback host " + name + " resolves to " + address.getHostAddress() + " ("
                        + refusal.get() + "), not a public address; KINFER_CALLBACK_ALLOW can allow it");
            }
        }
        return List.of(addresses);
    }
}
