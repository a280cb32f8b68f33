package dev.kinfer.ingest;

import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.ModelCatalog;
import java.util.List;
import java.util.Optional;

/**
 * Which version of a model answers unpinned requests, as workers decide it: the latest deployed one in the
 * catalogue ({@code kinfer.models}). The result cache keys results by it, so a new current version is a new key.
 */
final class DeployedVersions implements AutoCloseable {
    private final ModelCatalog catalog;

    DeployedVersions(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** The deployed versions of {@code model}, oldest deployment first (the last is current); empty if none. */
    List<CatalogEntry> versions(String model) {
        return catalog.versions(model);
    }

    /** Empty for a model not in the catalogue (a worker started on a fixed model directory): not cached. */
    Optional<String> currentVersion(String model) {
        List<CatalogEntry> versions = versions(model); // oldest deployment first
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.getLast().version());
    }

    @Override
    public void close() {
        catalog.close();
    }
}
