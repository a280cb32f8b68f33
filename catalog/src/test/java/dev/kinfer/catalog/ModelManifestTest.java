package dev.kinfer.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelManifestTest {
    @TempDir
    Path dir;

    static ModelManifest manifest(String name, String version, String artifact) {
        return new ModelManifest(name, version, "stylize", "PyTorch", artifact, "test", null, null, null, Map.of(), null);
    }

    @Test
    void shouldFindNothingWrongWithAValidManifest() {
        assertThat(manifest("invert", "1.0_rc-2", "invert.pt").problems()).isEmpty();
    }

    @Test
    void shouldTakeASourceOfOneShortLine() {
        ModelManifest base = manifest("invert", "1", "invert.pt");
        assertThat(withSource(base, "demo: real weights from @vladmandic/face-api@1.7.15").problems()).isEmpty();
        assertThat(withSource(base, "two\nlines").problems()).anySatisfy(p -> assertThat(p).startsWith("source must be one line"));
        assertThat(withSource(base, "x".repeat(ModelManifest.MAX_SOURCE + 1)).problems()).anySatisfy(p -> assertThat(p).startsWith("source"));
        assertThat(withSource(base, " ").problems()).anySatisfy(p -> assertThat(p).startsWith("source"));
    }

    private static ModelManifest withSource(ModelManifest m, String source) {
        return new ModelManifest(m.name(), m.version(), m.task(), m.engine(), m.artifact(), m.license(), m.device(), m.maxBatchSize(),
                m.maxDelayMs(), m.options(), source);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "a/b", "a\\b", "/abs", "Upper", "-lead", "x:y"})
    void shouldRefuseANameThatIsNotAPlainModelName(String name) {
        assertThat(manifest(name, "1", "invert.pt").problems()).anySatisfy(p -> assertThat(p).startsWith("name must match"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "../1", "1/2", "1\\2", "/1", ".1", "1:2"})
    void shouldRefuseAVersionThatIsNotAPlainLabel(String version) {
        assertThat(manifest("invert", version, "invert.pt").problems()).anySatisfy(p -> assertThat(p).startsWith("version must match"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../../etc/passwd", "weights/model.pt", "weights\\model.pt", "/tmp/model.pt", ".model.pt"})
    void shouldRefuseAnArtifactThatIsNotAFileBesideTheManifest(String artifact) {
        assertThat(manifest("invert", "1", artifact).problems()).anySatisfy(p -> assertThat(p).startsWith("artifact must be a file name"));
    }

    @Test
    void shouldRequireAnArtifactUnlessTheModelIsWeightless() {
        assertThat(manifest("invert", "1", null).problems()).containsExactly("artifact is required for stylize on PyTorch");
        assertThat(new ModelManifest("s", "1", "synthetic", "Synthetic", null, "none", null, null, null, null, null).problems()).isEmpty();
    }

    @Test
    void shouldRefuseToReadAManifestWhoseArtifactLiesOutsideItsDirectoryEvenIfThatFileExists() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.writeString(dir.resolve("outside.pt"), "weights");
        Files.writeString(model.resolve(ModelManifest.FILE_NAME), """
                {"name": "invert", "version": "1", "task": "stylize", "engine": "PyTorch", "artifact": "../outside.pt", "license": "t"}
                """);

        assertThatThrownBy(() -> ModelManifest.read(model)).isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("artifact must be a file name");
    }

    @Test
    void shouldReadAValidManifestWhoseArtifactIsThere() throws Exception {
        Files.writeString(dir.resolve("invert.pt"), "weights");
        Files.writeString(dir.resolve(ModelManifest.FILE_NAME), """
                {"name": "invert", "version": "1", "task": "stylize", "engine": "PyTorch", "artifact": "invert.pt", "license": "t"}
                """);

        assertThat(ModelManifest.read(dir).artifact()).isEqualTo("invert.pt");
        Files.delete(dir.resolve("invert.pt"));
        assertThatThrownBy(() -> ModelManifest.read(dir)).hasMessageContaining("artifact invert.pt is not a file in");
    }
}
