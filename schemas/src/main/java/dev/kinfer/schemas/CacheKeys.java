package dev.kinfer.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rule for an {@link InferenceRequest}'s {@code cacheKey}, shared by ingest-api and every client that produces
 * requests itself: {@code sha256} (hex) of the lines {@code tenant=<tenant>}, {@code model=<model>}, one
 * {@code param.<name>=<value>} per parameter in name order and one {@code input=<sha256>} per input in order, each
 * ending in a newline. Equal for requests that must produce equal results on one model version, whatever order their
 * parameters were given in. The tenant is in it so that no tenant is answered with, or joins, another tenant's job.
 * The version is not in it: it is only known for sure once a worker resolves it, so the result cache files a result
 * under this key and the version it ran on.
 */
public final class CacheKeys {
    private CacheKeys() {
    }

    public static String of(String tenant, String model, Map<String, String> params, List<String> inputHashes) {
        StringBuilder canonical = new StringBuilder().append("tenant=").append(tenant).append('\n')
                .append("model=").append(model).append('\n');
        new TreeMap<>(params).forEach((k, v) -> canonical.append("param.").append(k).append('=').append(v).append('\n'));
        inputHashes.forEach(h -> canonical.append("input=").append(h).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
