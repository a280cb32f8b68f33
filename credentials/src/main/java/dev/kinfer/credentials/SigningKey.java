package dev.kinfer.credentials;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One key of a webhook secret, in the Standard Webhooks form: {@code whsec_} and the base64 of random bytes, which
 * (decoded) are the HMAC-SHA256 key. Kept whole, not hashed: kinfer signs with it.
 *
 * @param secret      the {@code whsec_...} text, shown to the tenant when the key is made
 * @param retiresAtMs when it stops signing (after a rotation's grace); null while it is the current key
 */
public record SigningKey(String secret, long createdAtMs, Long retiresAtMs) {
    public static final String PREFIX = "whsec_";
    /** Standard Webhooks asks for 24 to 64 bytes of key; kinfer makes 32. */
    private static final int MIN_BYTES = 24;
    private static final int MAX_BYTES = 64;
    private static final int GENERATED_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public SigningKey {
        Objects.requireNonNull(secret, "secret");
        // The reasons never quote the secret: they end up in logs.
        if (!secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook signing key starts with " + PREFIX);
        }
        int length = decode(secret).length;
        if (length < MIN_BYTES || length > MAX_BYTES) {
            throw new IllegalArgumentException("a webhook signing key is " + MIN_BYTES + " to " + MAX_BYTES + " bytes, not " + length);
        }
    }

    /** A new current key of 32 random bytes. */
    static SigningKey generate(long createdAtMs) {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return new SigningKey(PREFIX + Base64.getEncoder().encodeToString(key), createdAtMs, null);
    }

    /** The HMAC-SHA256 key: the bytes the text after {@code whsec_} encodes (a fresh copy each time). */
    public byte[] hmacKey() {
        return decode(secret);
    }

    /** Whether it no longer signs at {@code now}. */
    public boolean retiredAt(Instant now) {
        return retiresAtMs != null && retiresAtMs <= now.toEpochMilli();
    }

    SigningKey retiringAt(long retiresAtMs) {
        return new SigningKey(secret, createdAtMs, retiresAtMs);
    }

    private static byte[] decode(String secret) {
        try {
            return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook signing key is " + PREFIX + " and base64");
        }
    }

    /** Without the secret: what logs may show. */
    @Override
    public String toString() {
        return "SigningKey[created " + Instant.ofEpochMilli(createdAtMs) + ", "
                + (retiresAtMs == null ? "current" : "retires " + Instant.ofEpochMilli(retiresAtMs)) + "]";
    }
}
