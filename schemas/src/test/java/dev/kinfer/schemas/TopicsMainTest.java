package dev.kinfer.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsMainTest {
    @Test
    void shouldReadEachRequestTopicWithItsPartitions() {
        Map<String, Integer> wanted = TopicsMain.parse(List.of("kinfer.requests.remove-background=12", "kinfer.requests.detect-faces=4"));

        assertThat(wanted).containsEntry("kinfer.requests.remove-background", 12).containsEntry("kinfer.requests.detect-faces", 4)
                .hasSize(2);
    }

    @Test
    void shouldRefuseWhatIsNotARequestTopicWithAPositiveCountOnce() {
        for (List<String> bad : List.of(List.<String>of(), List.of("kinfer.results=4"), List.of("kinfer.requests.x"),
                List.of("kinfer.requests.x=0"), List.of("kinfer.requests.x=many"), List.of("kinfer.requests.x=2", "kinfer.requests.x=3"))) {
            assertThatThrownBy(() -> TopicsMain.parse(bad)).as(bad.toString()).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
