package dev.kinfer.ingest.auth;

import dev.kinfer.credentials.KeyRing;
import dev.kinfer.credentials.KeySecrets;
import dev.kinfer.ingest.ApiProblem;
import dev.kinfer.ingest.RequestContext;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Turns a request's credential into its {@link Principal}: an API key ({@code Authorization: Bearer kf_...} or
 * {@code X-API-Key}) checked against {@link KeyRing}, or a JWT bearer token. Refusals are 401 problems with a
 * {@code WWW-Authenticate} challenge (RFC 6750); a credential that is valid but not allowed is the caller's 403.
 */
public final class Authenticator {
    private static final String CHALLENGE = "Bearer realm=\"kinfer\"";
    private static final String PRINCIPAL = "kinfer.principal";

    private final boolean enabled;
    private final KeyRing keys;
    private final Optional<JwtVerifier> jwts;

    private Authenticator(boolean enabled, KeyRing keys, Optional<JwtVerifier> jwts) {
        this.enabled = enabled;
        this.keys = keys;
        this.jwts = jwts;
    }

    public static Authenticator of(AuthConfig config, KeyRing keys) {
        return new Authenticator(config.enabled(), keys, JwtVerifier.of(config));
    }

    /**
     * Proves the caller and remembers it on the request for {@link #principal} (and its tenant on the request's log
     * lines); throws the 401 otherwise.
     */
    public void authenticate(Context ctx) {
        Principal principal = enabled ? principalOf(ctx) : Principal.ANONYMOUS;
        ctx.attribute(PRINCIPAL, principal);
        RequestContext.tenant(principal.tenant());
    }

    /** The caller {@link #authenticate} proved. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw new IllegalStateException("no principal on " + ctx.path() + ": the route is not behind authentication");
        }
        return principal;
    }

    /** The caller {@link #authenticate} proved, if it did: empty on public routes and for refused credentials. */
    public static Optional<Principal> authenticated(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL));
    }

    /** Refuses (403) callers whose credential is not an admin's. */
    public static void requireAdmin(Context ctx) {
        if (!principal(ctx).admin()) {
            throw new ApiProblem(403, "forbidden", "Forbidden", ctx.path() + " needs an admin key");
        }
    }

    private Principal principalOf(Context ctx) {
        String apiKey = ctx.header("X-API-Key");
        String authorization = ctx.header("Authorization");
        if (apiKey == null && authorization == null) {
            throw new ApiProblem(401, "unauthenticated", "Authentication required",
                    "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>', or a JWT as a bearer token")
                    .header("WWW-Authenticate", CHALLENGE);
        }
        String token = apiKey != null ? apiKey.strip() : bearerToken(authorization);
        if (KeySecrets.looksLikeKey(token)) {
            return keys.verify(token).map(key -> new Principal(key.tenant(), key.id(), key.admin(), key.limits()))
                    .orElseThrow(() -> invalid("the API key is unknown or revoked"));
        }
        if (jwts.isEmpty()) {
            throw invalid("not an API key (kf_...), and this server accepts no JWTs");
        }
        try {
            return jwts.get().verify(token);
        } catch (JwtVerifier.InvalidToken e) {
            throw invalid("the JWT is refused: " + e.getMessage());
        }
    }

    private static String bearerToken(String authorization) {
        String[] parts = authorization.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
            throw new ApiProblem(401, "unauthenticated", "Authentication required", "the Authorization header must be 'Bearer <token>'")
                    .header("WWW-Authenticate", CHALLENGE + ", error=\"invalid_request\"");
        }
        return parts[1];
    }

    private static ApiProblem invalid(String why) {
        // The description is ours, not the client's text: nothing of the presented credential is echoed.
        return new ApiProblem(401, "invalid-credential", "Invalid credential", why)
                .header("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\"");
    }
}
