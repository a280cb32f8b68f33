package dev.kinfer.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
    @Test
    void shouldGiveEqualCacheKeysWhateverTheParameterOrder() {
        var a = new LinkedHashMap<String, String>();
        a.put("topK", "5");
        a.put("threshold", "0.5");
        var b = new LinkedHashMap<String, String>();
        b.put("threshold", "0.5");
        b.put("topK", "5");

        assertThat(CacheKeys.of("t", "m", a, List.of("h"))).isEqualTo(CacheKeys.of("t", "m", b, List.of("h")));
        assertThat(CacheKeys.of("t", "m", a, List.of("h"))).isNotEqualTo(CacheKeys.of("other-tenant", "m", a, List.of("h")));
        assertThat(CacheKeys.of("t", "m", a, List.of("h"))).isNotEqualTo(CacheKeys.of("t", "other", a, List.of("h")));
        assertThat(CacheKeys.of("t", "m", a, List.of("h"))).isNotEqualTo(CacheKeys.of("t", "m", Map.of("topK", "5"), List.of("h")));
        assertThat(CacheKeys.of("t", "m", a, List.of("h"))).isNotEqualTo(CacheKeys.of("t", "m", a, List.of("h2")));
    }

    /** The rule as the protocol documents it, so that a client in any language can compute the same key. */
    @Test
    void shouldBeTheSha256OfTheDocumentedLines() {
        var params = new LinkedHashMap<String, String>();
        params.put("topK", "5");
        params.put("threshold", "0.5");

        // sha256("tenant=t\nmodel=m\nparam.threshold=0.5\nparam.topK=5\ninput=h\n")
        assertThat(CacheKeys.of("t", "m", params, List.of("h"))).isEqualTo("a7f5c3640286e2c2038081a92ecf2a979878db1bb5f13fffd8d71543ddb3b26e");
    }
}
