package dev.kinfer.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogEntryTest {
    private static final ModelManifest INVERT = ModelManifestTest.manifest("invert", "1", "invert.pt");

    @Test
    void shouldReadBackWhatItWrites() {
        CatalogEntry entry = new CatalogEntry(INVERT, List.of("invert.pt", "manifest.json"), 42);

        assertThat(CatalogEntry.fromJson(entry.toJson())).isEqualTo(entry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../../home/user/.bashrc", "/etc/cron.d/x", "sub/file", "sub\\file", ".hidden"})
    void shouldRefuseAFileThatIsNotAPlainName(String file) {
        CatalogEntry entry = new CatalogEntry(INVERT, List.of("invert.pt", file), 42);

        assertThatThrownBy(() -> CatalogEntry.fromJson(entry.toJson())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be a plain file name");
    }

    @Test
    void shouldRefuseAnEntryWhoseArtifactIsNotAmongItsFiles() {
        CatalogEntry entry = new CatalogEntry(INVERT, List.of("manifest.json"), 42);

        assertThat(entry.problems()).containsExactly("artifact invert.pt is not among the files [manifest.json]");
    }

    @Test
    void shouldRefuseAnEntryWithAnInvalidManifestOrNone() {
        String traversal = """
                {"manifest": {"name": "invert", "version": "../../1", "task": "stylize", "engine": "PyTorch", "artifact": "invert.pt"},
                 "files": ["invert.pt"], "deployedAtMs": 1}
                """;
        String bare = """
                {"files": ["invert.pt"], "deployedAtMs": 1}
                """;

        assertThatThrownBy(() -> CatalogEntry.fromJson(traversal.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("version must match");
        assertThatThrownBy(() -> CatalogEntry.fromJson(bare.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("manifest is missing");
    }
}
