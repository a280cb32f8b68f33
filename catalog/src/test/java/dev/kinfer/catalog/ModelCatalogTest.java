package dev.kinfer.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelCatalogTest {
    private static final CatalogEntry INVERT_1 = new CatalogEntry(ModelManifestTest.manifest("invert", "1", "invert.pt"),
            List.of("invert.pt", "manifest.json"), 42);

    @Test
    void shouldTellADeploymentAndAnUndeployment() {
        assertThat(ModelCatalog.changeOf("invert:1", INVERT_1.toJson())).isEqualTo(new ModelCatalog.Change("invert", "1",
                Optional.of(INVERT_1)));
        assertThat(ModelCatalog.changeOf("invert:1", null).entry()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"invert", "../invert:1", "invert:../1", "invert:1/2", ":1", "invert:"})
    void shouldRefuseAKeyThatIsNotAValidNameAndVersion(String key) {
        assertThatThrownBy(() -> ModelCatalog.changeOf(key, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAnEntryFiledUnderAnotherVersionsKey() {
        assertThatThrownBy(() -> ModelCatalog.changeOf("invert:2", INVERT_1.toJson())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("filed under key 'invert:2'");
    }
}
