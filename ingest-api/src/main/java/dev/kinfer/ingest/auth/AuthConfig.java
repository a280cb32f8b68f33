package dev.kinfer.ingest.auth;

import dev.kinfer.credentials.Limits;
import dev.kinfer.schemas.config.Setting;
import dev.kinfer.schemas.config.Settings;
import dev.kinfer.schemas.config.Values;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * How callers prove who they are.
 *
 * @param enabled      {@code KINFER_AUTH}: {@code on} (default) or {@code off} (every caller is the admin of tenant
 *                     {@code public}; for a laptop only)
 * @param jwtHs256Secret {@code KINFER_JWT_HS256_SECRET}: accept HS256 JWTs signed with it (at least 32 bytes)
 * @param jwksUrl      {@code KINFER_JWT_JWKS_URL}: accept RS256 / ES256 JWTs signed by a key of this JWK set
 * @param issuer       {@code KINFER_JWT_ISSUER}: the {@code iss} every JWT must have, if set
 * @param audience     {@code KINFER_JWT_AUDIENCE}: a value every JWT's {@code aud} must have, if set
 * @param tenantClaim  {@code KINFER_JWT_TENANT_CLAIM}: the claim naming the tenant (default {@code tenant})
 * @param jwtLimits    {@code KINFER_JWT_REQUESTS_PER_SECOND}, {@code KINFER_JWT_BURST}, {@code KINFER_JWT_BYTES_PER_SECOND}:
 *                     what each tenant calling with JWTs may submit (default unlimited)
 */
public record AuthConfig(boolean enabled, Optional<String> jwtHs256Secret, Optional<String> jwksUrl, Optional<String> issuer,
                         Optional<String> audience, String tenantClaim, Limits jwtLimits) {
    public static final AuthConfig OFF = new AuthConfig(false, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), "tenant", Limits.UNLIMITED);

    public static final Setting<Boolean> AUTH = Setting.onOff("KINFER_AUTH").defaultTo(true)
            .doc("`off`: every caller is the admin of tenant `public`, no credential asked (for a laptop only).");
    public static final Setting<String> JWT_HS256_SECRET = Setting.string("KINFER_JWT_HS256_SECRET").secret()
            .check(secret -> secret.getBytes(StandardCharsets.UTF_8).length >= 32, "must be at least 32 bytes (256 bits) for HS256")
            .doc("Accept HS256 JWTs signed with this key (at least 32 bytes).");
    public static final Setting<URI> JWT_JWKS_URL = Setting.url("KINFER_JWT_JWKS_URL")
            .doc("Accept RS256 / ES256 JWTs signed by a key of this JWK set (fetched, cached, refreshed on an unknown `kid`); "
                    + "needs `KINFER_JWT_AUDIENCE`.");
    public static final Setting<String> JWT_ISSUER = Setting.string("KINFER_JWT_ISSUER")
            .doc("The `iss` every JWT must have, if set.");
    public static final Setting<String> JWT_AUDIENCE = Setting.string("KINFER_JWT_AUDIENCE")
            .doc("A value every JWT's `aud` must hold, if set.");
    public static final Setting<String> JWT_TENANT_CLAIM = Setting.string("KINFER_JWT_TENANT_CLAIM").defaultTo("tenant")
            .doc("The JWT claim naming the caller's tenant.");
    public static final Setting<Double> JWT_REQUESTS_PER_SECOND = Setting.number("KINFER_JWT_REQUESTS_PER_SECOND").defaultTo(0.0, "unlimited")
            .check(rate -> rate >= 0, "must not be negative")
            .doc("Requests per second each tenant calling with JWTs may submit (a token bucket).");
    public static final Setting<Integer> JWT_BURST = Setting.integer("KINFER_JWT_BURST").defaultTo(0, "the rate, rounded up")
            .check(burst -> burst >= 0, "must not be negative")
            .doc("Requests a tenant calling with JWTs may submit at once.");
    public static final Setting<Long> JWT_BYTES_PER_SECOND = Setting.longInteger("KINFER_JWT_BYTES_PER_SECOND").defaultTo(0L, "unlimited")
            .check(rate -> rate >= 0, "must not be negative")
            .doc("Uploaded bytes per second each tenant calling with JWTs may submit.");
    /** What {@link #fromEnvironment} reads. */
    public static final Settings SETTINGS = Settings.of(AUTH, JWT_HS256_SECRET, JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE, JWT_TENANT_CLAIM,
                    JWT_REQUESTS_PER_SECOND, JWT_BURST, JWT_BYTES_PER_SECOND)
            .rule("KINFER_JWT_AUDIENCE must be set with KINFER_JWT_JWKS_URL (a JWK set is usually shared by many services)",
                    values -> Boolean.FALSE.equals(values.get(AUTH)) || values.get(JWT_JWKS_URL) == null || values.get(JWT_AUDIENCE) != null,
                    JWT_JWKS_URL, JWT_AUDIENCE);

    public static AuthConfig fromEnvironment(Map<String, String> env) {
        return from(SETTINGS.parse(env));
    }

    /** The authentication {@link #SETTINGS} (as part of ingest-api's settings) describe. */
    public static AuthConfig from(Values values) {
        return new AuthConfig(values.get(AUTH), Optional.ofNullable(values.get(JWT_HS256_SECRET)),
                Optional.ofNullable(values.get(JWT_JWKS_URL)).map(URI::toString), Optional.ofNullable(values.get(JWT_ISSUER)),
                Optional.ofNullable(values.get(JWT_AUDIENCE)), values.get(JWT_TENANT_CLAIM),
                new Limits(values.get(JWT_REQUESTS_PER_SECOND), values.get(JWT_BURST), values.get(JWT_BYTES_PER_SECOND)));
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "AuthConfig[" + (enabled ? "on" : "off") + ", hs256 " + (jwtHs256Secret.isPresent() ? "set" : "unset") + ", jwks "
                + jwksUrl.orElse("unset") + ", iss " + issuer.orElse("any") + ", aud " + audience.orElse("any") + ", tenant claim "
                + tenantClaim + ", jwt limits " + jwtLimits + "]";
    }
}
