package dev.kinfer.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.kinfer.credentials.Limits;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real tokens signed with nimbus, checked against a JWK set served over real HTTP. */
class JwtVerifierTest {
    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
    private static RSAKey rsa;
    private static ECKey ec;
    private static HttpServer jwks;
    private static JwtVerifier verifier;

    @BeforeAll
    static void serveKeys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        byte[] set = new JWKSet(java.util.List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, set.length);
            exchange.getResponseBody().write(set);
            exchange.close();
        });
        jwks.start();
        verifier = JwtVerifier.of(new AuthConfig(true, Optional.of(SECRET),
                Optional.of("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"), Optional.of("https://idp.example"),
                Optional.of("kinfer"), "org", new Limits(3, 0, 0))).orElseThrow();
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    @Test
    void hs256Rs256AndEs256TokensNameTheirTenant() throws Exception {
        for (var signer : java.util.List.of(sign(new MACSigner(SECRET), JWSAlgorithm.HS256, null),
                sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1"), sign(new ECDSASigner(ec), JWSAlgorithm.ES256, "ec-1"))) {
            Principal principal = verifier.verify(signer.apply(claims().build()));
            assertThat(principal.tenant()).isEqualTo("acme");
            assertThat(principal.admin()).isFalse();
            assertThat(principal.limits().requestsPerSecond()).isEqualTo(3);
        }
    }

    @Test
    void expiredNotYetValidWrongAudienceOrIssuerAreRefused() throws Exception {
        Token hs = sign(new MACSigner(SECRET), JWSAlgorithm.HS256, null);
        Instant now = Instant.now();
        assertRefused(hs.apply(claims().expirationTime(Date.from(now.minusSeconds(300))).build()), "expired");
        assertRefused(hs.apply(claims().notBeforeTime(Date.from(now.plusSeconds(600))).build()), "before");
        assertRefused(hs.apply(claims().audience("someone-else").build()), "aud");
        assertRefused(hs.apply(claims().issuer("https://evil.example").build()), "iss");
        assertRefused(hs.apply(claims().expirationTime(null).build()), "exp");
        assertRefused(hs.apply(claims().claim("org", "Not/A/Tenant").build()), "tenant");
        assertRefused(hs.apply(claims().claim("org", null).build()), "org");
    }

    @Test
    void forgedOrUnknownKeysAreRefused() throws Exception {
        assertRefused(sign(new MACSigner("another-secret-of-at-least-32-bytes!"), JWSAlgorithm.HS256, null).apply(claims().build()), "");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertRefused(sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1").apply(claims().build()), "");
        assertRefused(sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "unknown").apply(claims().build()), "");
        assertRefused("not.a.jwt", "");
        // alg=none is never accepted
        assertRefused(new com.nimbusds.jwt.PlainJWT(claims().build()).serialize(), "");
    }

    @Test
    void shortHs256SecretsAndAJwkSetWithoutAudienceAreRefusedAtStart() {
        assertThatThrownBy(() -> AuthConfig.fromEnvironment(java.util.Map.of("KINFER_JWT_HS256_SECRET", "short")))
                .hasMessageContaining("KINFER_JWT_HS256_SECRET").hasMessageContaining("32 bytes").hasMessageNotContaining("short'");
        assertThatThrownBy(() -> AuthConfig.fromEnvironment(java.util.Map.of("KINFER_JWT_JWKS_URL", "http://127.0.0.1:1/jwks.json")))
                .hasMessageContaining("KINFER_JWT_AUDIENCE");
        assertThat(JwtVerifier.of(AuthConfig.fromEnvironment(java.util.Map.of("KINFER_JWT_JWKS_URL", "http://127.0.0.1:1/jwks.json",
                "KINFER_JWT_AUDIENCE", "kinfer")))).isPresent();
        assertThat(JwtVerifier.of(AuthConfig.OFF)).isEmpty();
    }

    @Test
    void anUnreachableKeySetIsOurOutageNotTheClientsMistake() throws Exception {
        JwtVerifier unreachable = JwtVerifier.of(new AuthConfig(true, Optional.empty(), Optional.of("http://127.0.0.1:1/jwks.json"),
                Optional.empty(), Optional.of("kinfer"), "org", Limits.UNLIMITED)).orElseThrow();
        String token = sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1").apply(claims().build());
        assertThatThrownBy(() -> unreachable.verify(token)).isInstanceOfSatisfying(dev.kinfer.ingest.ApiProblem.class,
                problem -> assertThat(problem.status()).isEqualTo(503));
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject("user-1").issuer("https://idp.example").audience("kinfer").claim("org", "acme")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    @FunctionalInterface
    private interface Token {
        String apply(JWTClaimsSet claims) throws Exception;
    }

    private static Token sign(JWSSigner signer, JWSAlgorithm alg, String kid) {
        return claims -> {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        };
    }

    private static void assertRefused(String token, String why) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(JwtVerifier.InvalidToken.class)
                .satisfies(e -> assertThat(e.getMessage().toLowerCase()).contains(why.toLowerCase()));
    }
}
