package dev.kinfer.credentials;

import dev.kinfer.store.ContentHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of API keys: {@code kf_<id>_<secret>}, a 12-hex-digit id and 256 random bits. With that much entropy a
 * plain sha256 is a safe stored form (no password stretching needed), and it is checked in constant time.
 */
public final class KeySecrets {
    static final String PREFIX = "kf_";
    private static final Pattern FORMAT = Pattern.compile("kf_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {
    }

    /** A new key's id and full text. */
    record Generated(String id, String text) {
    }

    static Generated generate() {
        byte[] id = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String idHex = HexFormat.of().formatHex(id);
        return new Generated(idHex, PREFIX + idHex + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** Whether a bearer token is shaped as an API key (rather than a JWT). */
    public static boolean looksLikeKey(String token) {
        return token.startsWith(PREFIX);
    }

    /** The id of a well-formed key. */
    static Optional<String> idOf(String text) {
        Matcher m = FORMAT.matcher(text);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static String hash(String text) {
        return ContentHash.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static boolean matches(String text, String expectedSha256) {
        return MessageDigest.isEqual(hash(text).getBytes(StandardCharsets.US_ASCII), expectedSha256.getBytes(StandardCharsets.US_ASCII));
    }
}
