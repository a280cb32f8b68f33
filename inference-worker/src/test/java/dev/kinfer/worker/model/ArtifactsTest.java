package dev.kinfer.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ArtifactsTest {
    private final Path modelDir = Path.of("/var/cache/kinfer/models/classify/1");

    @Test
    void shouldResolvePlainFileNamesInTheModelsDirectory() {
        assertThat(Artifacts.file(modelDir, "labels.txt")).isEqualTo(modelDir.resolve("labels.txt"));
        assertThat(Artifacts.file(modelDir, "group1-shard1of2.bin")).isEqualTo(modelDir.resolve("group1-shard1of2.bin"));
    }

    @Test
    void shouldRefuseNamesThatLeaveTheModelsDirectory() {
        for (String name : new String[] {"../../../etc/passwd", "/etc/passwd", "sub/labels.txt", "..", ".hidden", ""}) {
            assertThatThrownBy(() -> Artifacts.file(modelDir, name)).as(name).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("outside its directory");
        }
    }
}
