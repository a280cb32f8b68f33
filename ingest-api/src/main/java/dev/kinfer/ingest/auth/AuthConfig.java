package dev.kinfer.ingest.auth;

import dev.kinfer.credentials.Limits;
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

    public static AuthConfig fromEnvironment(Map<String, String> env) {
        String auth = env.getOrDefault("KINFER_AUTH", "on");
        if (!auth.equals("on") && !auth.equals("off")) {
            throw new IllegalArgumentException("KINFER_AUTH must be on or off, not '" + auth + "'");
        }
        return new AuthConfig(auth.equals("on"), nonBlank(env, "KINFER_JWT_HS256_SECRET"), nonBlank(env, "KINFER_JWT_JWKS_URL"),
                nonBlank(env, "KINFER_JWT_ISSUER"), nonBlank(env, "KINFER_JWT_AUDIENCE"),
                env.getOrDefault("KINFER_JWT_TENANT_CLAIM", "tenant"),
                new Limits(Double.parseDouble(env.getOrDefault("KINFER_JWT_REQUESTS_PER_SECOND", "0")),
                        Integer.parseInt(env.getOrDefault("KINFER_JWT_BURST", "0")),
                        Long.parseLong(env.getOrDefault("KINFER_JWT_BYTES_PER_SECOND", "0"))));
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "AuthConfig[" + (enabled ? "on" : "off") + ", hs256 " + (jwtHs256Secret.isPresent() ? "set" : "unset") + ", jwks "
                + jwksUrl.orElse("unset") + ", iss " + issuer.orElse("any") + ", aud " + audience.orElse("any") + ", tenant claim "
                + tenantClaim + ", jwt limits " + jwtLimits + "]";
    }
}
