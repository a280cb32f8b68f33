package dev.kinfer.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BannerTest {
    @Test
    void shouldListEveryMetricsEndpointAlignedUnderTheBannersValues() {
        Map<String, String> workers = new TreeMap<>(Map.of(
                "remove-background", "http://127.0.0.1:8070/metrics",
                "detect-faces", "http://127.0.0.1:41234/metrics"));

        String block = Banner.metrics("http://127.0.0.1:8080/metrics", "-H 'X-API-Key: kf_x' ", "http://127.0.0.1:8090/metrics", workers);

        assertThat(block.lines()).containsExactly(
                "ingest-api                curl -s -H 'X-API-Key: kf_x' http://127.0.0.1:8080/metrics",
                "                   result-sink               http://127.0.0.1:8090/metrics",
                "                   worker detect-faces       http://127.0.0.1:41234/metrics",
                "                   worker remove-background  http://127.0.0.1:8070/metrics");
    }

    @Test
    void shouldShowIngestsMetricsUrlAloneWhenAuthenticationIsOff() {
        String block = Banner.metrics("http://127.0.0.1:8080/metrics", "", "http://127.0.0.1:8090/metrics", Map.of());

        assertThat(block.lines()).containsExactly(
                "ingest-api   http://127.0.0.1:8080/metrics",
                "                   result-sink  http://127.0.0.1:8090/metrics");
    }
}
