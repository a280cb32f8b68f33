package dev.kinfer.ingest.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.kinfer.credentials.Limits;
import dev.kinfer.credentials.Tenants;
import dev.kinfer.ingest.ApiProblem;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks JWT bearer tokens (nimbus-jose-jwt): HS256 with the configured secret, RS256 / ES256 with the keys of a
 * JWK set fetched (and cached, refreshed on an unknown key id) from its URL; {@code exp} required, {@code nbf},
 * {@code iss} and {@code aud} checked, with a minute of clock skew. The tenant comes from the configured claim.
 */
final class JwtVerifier {
    /** Why a token is refused, for the {@code WWW-Authenticate} error description. */
    static final class InvalidToken extends Exception {
        InvalidToken(String message) {
            super(message);
        }
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String tenantClaim;
    private final Limits limits;

    private JwtVerifier(AuthConfig config) {
        this.tenantClaim = config.tenantClaim();
        this.limits = config.jwtLimits();
        JWSKeySelector<SecurityContext> hmac = config.jwtHs256Secret().map(secret -> hmacSelector(secret)).orElse(null);
        JWSKeySelector<SecurityContext> jwks = config.jwksUrl().map(JwtVerifier::jwksSelector).orElse(null);
        processor.setJWSKeySelector((header, context) -> {
            JWSKeySelector<SecurityContext> selector = JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? hmac : jwks;
            return selector == null ? List.of() : selector.selectJWSKeys(header, context);
        });
        Set<String> required = new HashSet<>(Set.of("exp", tenantClaim));
        JWTClaimsSet exact = config.issuer().map(iss -> new JWTClaimsSet.Builder().issuer(iss).build()).orElse(new JWTClaimsSet.Builder().build());
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(config.audience().orElse(null), exact, required));
    }

    /** A verifier when JWTs are configured at all. */
    static Optional<JwtVerifier> of(AuthConfig config) {
        return config.jwtHs256Secret().isPresent() || config.jwksUrl().isPresent() ? Optional.of(new JwtVerifier(config)) : Optional.empty();
    }

    Principal verify(String token) throws InvalidToken {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new InvalidToken("not a JWT");
        } catch (KeySourceException e) {
            // Our side: the JWK set cannot be fetched. The token may be fine; the client should try again.
            throw new ApiProblem(503, "auth-unavailable", "Authentication unavailable", "the keys that sign JWTs cannot be fetched now")
                    .header("Retry-After", "5");
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidToken(e.getMessage());
        }
        Object tenant = claims.getClaim(tenantClaim);
        if (!(tenant instanceof String name) || !Tenants.NAME.matcher(name).matches()) {
            throw new InvalidToken("claim " + tenantClaim + " is not a tenant name (" + Tenants.NAME + ")");
        }
        return new Principal(name, "jwt:" + name, false, limits);
    }

    private static JWSKeySelector<SecurityContext> hmacSelector(String secret) {
        // Its length (at least 256 bits) is checked with the settings, before the service starts.
        return new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static JWSKeySelector<SecurityContext> jwksSelector(String url) {
        try {
            return new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                    JWKSourceBuilder.<SecurityContext>create(URI.create(url).toURL()).retrying(true).build());
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("KINFER_JWT_JWKS_URL is not a URL: " + url, e);
        }
    }
}
