package dev.kinfer.sink;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies: {@code X-Kinfer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 * The timestamp is inside the signed text, so a receiver that rejects old timestamps also rejects replays.
 */
public final class WebhookSigner {
    public static final String SIGNATURE_HEADER = "X-Kinfer-Signature";

    private final byte[] secret;

    public WebhookSigner(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    public String sign(long timestampSeconds, byte[] body) {
        return "t=" + timestampSeconds + ",v1=" + HexFormat.of().formatHex(hmac(timestampSeconds, body));
    }

    /** What a receiver does: recompute and compare in constant time. */
    public boolean verify(String header, byte[] body) {
        String[] parts = header == null ? new String[0] : header.split(",");
        if (parts.length != 2 || !parts[0].startsWith("t=") || !parts[1].startsWith("v1=")) {
            return false;
        }
        try {
            long timestamp = Long.parseLong(parts[0].substring(2));
            byte[] given = HexFormat.of().parseHex(parts[1].substring(3));
            return MessageDigest.isEqual(given, hmac(timestamp, body));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private byte[] hmac(long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
