package dev.kinfer.ingest;

import dev.kinfer.store.ContentHash;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code cacheKey = sha256(tenant, model, params, input hashes)}: equal for requests that must produce equal results
 * on one model version, whatever order their parameters were given in. The tenant is in it so that no tenant is
 * answered with, or joins, another tenant's job. The version is not in it: it is only known for sure
 * once a worker resolves it, so the result cache files a result under this key and the version it ran on.
 */
final class CacheKeys {
    private CacheKeys() {
    }

    static String of(String tenant, String model, Map<String, String> params, List<String> inputHashes) {
        StringBuilder canonical = new StringBuilder().append("tenant=").append(tenant).append('\n')
                .append("model=").append(model).append('\n');
        new TreeMap<>(params).forEach((k, v) -> canonical.append("param.").append(k).append('=').append(v).append('\n'));
        inputHashes.forEach(h -> canonical.append("input=").append(h).append('\n'));
        return ContentHash.sha256(canonical.toString().getBytes(StandardCharsets.UTF_8));
    }
}
