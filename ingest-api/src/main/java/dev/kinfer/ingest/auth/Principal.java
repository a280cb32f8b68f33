package dev.kinfer.ingest.auth;

import dev.kinfer.credentials.Limits;
import dev.kinfer.credentials.Tenants;

/**
 * The caller of a request, as its credential proves it: the tenant its jobs belong to (never taken from the
 * request itself), the credential (an API key's id, or {@code jwt:<tenant>}: the rate-limit bucket), its limits.
 */
public record Principal(String tenant, String credential, boolean admin, Limits limits) {
    /** Everyone, when authentication is off. */
    public static final Principal ANONYMOUS = new Principal(Tenants.PUBLIC, "anonymous", true, Limits.UNLIMITED);
}
