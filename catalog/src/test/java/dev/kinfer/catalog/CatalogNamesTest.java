package dev.kinfer.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogNamesTest {
    @TempDir
    Path cache;

    @Test
    void shouldResolvePlainNamesUnderTheBase() {
        assertThat(CatalogNames.resolveWithin(cache, "detect-faces", "blazeface-1.2.0", "model.onnx"))
                .isEqualTo(cache.toAbsolutePath().normalize().resolve("detect-faces/blazeface-1.2.0/model.onnx"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "../escape", "a/b", "a\\b", "/etc/passwd", ".hidden", "", "name\u0000.pt", "a:b", "with space"})
    void shouldRefuseASegmentThatIsNotAPlainFileName(String segment) {
        assertThatThrownBy(() -> CatalogNames.resolveWithin(cache, "model", segment))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAMissingSegment() {
        assertThatThrownBy(() -> CatalogNames.resolveWithin(cache, "model", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseToResolveToTheBaseItself() {
        assertThatThrownBy(() -> CatalogNames.resolveWithin(cache)).isInstanceOf(IllegalArgumentException.class);
    }
}
