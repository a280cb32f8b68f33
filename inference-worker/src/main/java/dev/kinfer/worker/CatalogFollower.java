package dev.kinfer.worker;

import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.CatalogNames;
import dev.kinfer.catalog.ModelCatalog;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.worker.model.ModelSettings;
import dev.kinfer.worker.model.Models;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ModelVersions} in step with the catalogue, without restarting anything: a deployed version's
 * files are downloaded, loaded and warmed up on a loader thread while the current versions keep serving, and
 * only then offered to requests; an undeployed version stops taking requests at once and is closed on the
 * inference thread (after the batch it may be running). A version that fails to load, or whose record names a
 * file outside this worker's cache, is logged and skipped: the others keep serving.
 */
final class CatalogFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CatalogFollower.class);

    private final ModelCatalog catalog;
    private final ObjectStore store;
    private final Path cacheDir;
    private final ModelSettings settings;
    private final ModelVersions versions;
    private final ExecutorService inference;
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "model-loader"));
    private final CountDownLatch firstLoaded = new CountDownLatch(1);

    CatalogFollower(ModelCatalog catalog, ObjectStore store, Path cacheDir, ModelSettings settings, ModelVersions versions,
                    ExecutorService inference) {
        this.catalog = catalog;
        this.store = store;
        this.cacheDir = cacheDir;
        this.settings = settings;
        this.versions = versions;
        this.inference = inference;
    }

    /** Follows changes from now on, and loads what the catalogue already holds (oldest deployment first). */
    void start() throws InterruptedException {
        catalog.onChange(change -> {
            if (change.name().equals(versions.model())) {
                loader.submit(() -> change.entry().ifPresentOrElse(this::load, () -> unload(change.version())));
            }
        });
        if (!catalog.awaitCaughtUp(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the model catalogue did not catch up within 60 s");
        }
        for (CatalogEntry entry : catalog.versions(versions.model())) {
            loader.submit(() -> load(entry));
        }
    }

    /** Waits until some version is loaded; false if none is within the timeout. */
    boolean awaitFirstVersion(Duration timeout) throws InterruptedException {
        return firstLoaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void load(CatalogEntry entry) {
        if (versions.contains(entry.version())) {
            return; // the same version published again (its record was rewritten): already serving it
        }
        try {
            Path dir = download(entry);
            Models.Loaded loaded = Models.loadAndWarmUp(dir, settings);
            versions.add(loaded, entry.deployedAtMs());
            firstLoaded.countDown();
            log.info("{}:{} loaded and warmed up; serving versions {}", entry.name(), entry.version(), versions.loaded());
        } catch (RuntimeException e) { // the loader thread's boundary: whatever went wrong, the other versions serve on
            log.error("{}:{} failed to load, still serving {}: {}", entry.name(), entry.version(), versions.loaded(), e.getMessage(), e);
        }
    }

    /**
     * The version's files under {@code cacheDir/<name>/<version>/}. The catalogue has validated the entry's names
     * already; resolving them within the cache again means no record, however it got there, writes elsewhere.
     */
    private Path download(CatalogEntry entry) {
        Path dir = CatalogNames.resolveWithin(cacheDir, entry.name(), entry.version());
        try {
            Files.createDirectories(dir);
            for (String file : entry.files()) {
                store.download(store.modelUri(entry.name(), entry.version(), file), CatalogNames.resolveWithin(dir, file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        return dir;
    }

    private void unload(String version) {
        versions.remove(version).ifPresent(loaded -> {
            inference.submit(loaded::close);
            log.info("{}:{} undeployed; serving versions {}", versions.model(), version, versions.loaded());
        });
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
