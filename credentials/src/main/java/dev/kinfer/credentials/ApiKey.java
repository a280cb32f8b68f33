package dev.kinfer.credentials;

import java.util.Objects;

/**
 * An API key as {@code kinfer.keys} keeps it: who it is for and what it may do, and the sha256 of its secret,
 * never the secret. A key is {@code kf_<id>_<secret>}: the id finds the record, the hash proves the secret.
 *
 * @param admin whether it may manage the system (metrics, model and key administration) besides submitting work
 */
public record ApiKey(String id, String tenant, String name, String secretSha256, boolean admin, Limits limits, long createdAtMs) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Tenants.require(tenant);
        Objects.requireNonNull(secretSha256, "secretSha256");
        name = name == null ? "" : name;
        limits = limits == null ? Limits.UNLIMITED : limits;
    }

    /** Without the hash: what {@code keys list} and logs may show. */
    @Override
    public String toString() {
        return "ApiKey[" + id + ", tenant " + tenant + (admin ? ", admin" : "") + ", " + limits + "]";
    }
}
