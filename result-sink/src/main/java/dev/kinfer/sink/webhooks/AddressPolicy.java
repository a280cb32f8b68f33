package dev.kinfer.sink.webhooks;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a webhook may be sent to: public ones, and those in the allow-list
 * ({@code KINFER_CALLBACK_ALLOW}; tests and the single-machine stack allow loopback this way). Everything else is
 * the network kinfer runs in, or no network at all, and sending there is server-side request forgery.
 */
public final class AddressPolicy {
    private final List<Cidr> allowed;

    /**
     * @param allowList CIDR ranges allowed although not public, e.g. {@code 127.0.0.0/8}, {@code ::1/128}
     * @throws IllegalArgumentException naming the first entry that is not a CIDR range
     */
    public AddressPolicy(List<String> allowList) {
        this.allowed = allowList.stream().map(Cidr::parse).toList();
    }

    /** @return why {@code address} may not be dialled (the special-purpose range it is in); empty when it may */
    public Optional<String> refusal(InetAddress address) {
        InetAddress dialled = SpecialPurposeRanges.unmapped(address);
        if (allowed.stream().anyMatch(range -> range.contains(dialled))) {
            return Optional.empty();
        }
        return SpecialPurposeRanges.rangeHolding(dialled);
    }
}
