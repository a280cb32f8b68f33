package dev.kinfer.sink.webhooks;

import java.util.List;

/** Where the keys to sign a tenant's deliveries come from. */
@FunctionalInterface
public interface SigningKeys {
    /** The HMAC keys of the tenant's secret {@code secretId} in use now, newest first; empty when there is no such secret. */
    List<byte[]> of(String tenant, String secretId);
}
