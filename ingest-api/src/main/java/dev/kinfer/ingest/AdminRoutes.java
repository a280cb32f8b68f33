package dev.kinfer.ingest;

import dev.kinfer.catalog.CatalogEntry;
import dev.kinfer.catalog.CatalogNames;
import dev.kinfer.catalog.InvalidManifestException;
import dev.kinfer.catalog.ModelDeployer;
import dev.kinfer.catalog.ModelManifest;
import dev.kinfer.ingest.auth.Authenticator;
import dev.kinfer.store.ObjectStoreException;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model deployment over HTTP, for admin credentials only: {@code POST /v1/admin/models} (a multipart form with the
 * {@code manifest} and the model's {@code file} parts) validates the version with the catalogue's own rules, uploads
 * its files and publishes it ({@link ModelDeployer}); {@code DELETE /v1/admin/models/{model}/versions/{version}}
 * undeploys one version. So an operator needs an admin key, not Kafka or S3 credentials.
 *
 * <p>The form's parts are streamed to a temporary directory (the multipart parser keeps large parts on disk, never
 * in memory) and the whole body is bounded by {@link #MAX_MODEL_BYTES} ({@link RequestSizeLimits}) instead of the
 * image routes' limit.
 */
final class AdminRoutes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    /** Every admin route is under it, and only admin routes get the larger body limit. */
    static final String PREFIX = "/v1/admin/";
    /** The largest deployment request: model files can be hundreds of megabytes. */
    static final long MAX_MODEL_BYTES = 2L << 30;
    static final String MANIFEST_PART = "manifest";
    static final String FILE_PART = "file";
    /** How long an answer waits for this instance's catalogue to show the change, so a read right after it sees it. */
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(10);

    private final ModelDeployer deployer;
    private final DeployedVersions catalog;

    AdminRoutes(ModelDeployer deployer, DeployedVersions catalog) {
        this.deployer = deployer;
        this.catalog = catalog;
    }

    /** {@code POST /v1/admin/models}: 201 with the catalogue entry. */
    void deploy(Context ctx) throws IOException {
        Authenticator.requireAdmin(ctx);
        if (!ctx.isMultipartFormData()) {
            throw new ApiProblem(415, "multipart-required", "Multipart form required",
                    "send the model as multipart/form-data: a '" + MANIFEST_PART + "' part (manifest.json) and one '" + FILE_PART
                            + "' part per file");
        }
        Path dir = Files.createTempDirectory("kinfer-deploy-");
        try {
            receive(ctx, dir);
            CatalogEntry entry;
            try {
                entry = deployer.deploy(dir);
            } catch (InvalidManifestException e) {
                throw new ApiProblem(400, "invalid-manifest", "Invalid manifest", e.getMessage()
                        .replace(dir.resolve(ModelManifest.FILE_NAME).toString(), ModelManifest.FILE_NAME)
                        .replace(dir.toString(), "the upload"));
            } catch (ObjectStoreException e) {
                throw new ApiProblem(503, "store-unavailable", "Object store unavailable", "the model's files could not be stored: "
                        + e.getMessage());
            }
            log.info("deployed {} ({} files) for {}", entry.key(), entry.files().size(), Authenticator.principal(ctx).tenant());
            awaitSeen(() -> catalog.versions(entry.name()).stream()
                    .anyMatch(e -> e.version().equals(entry.version()) && e.deployedAtMs() == entry.deployedAtMs()));
            ctx.status(201).header("Location", "/v1/models/" + entry.name()).contentType("application/json").result(entry.toJson());
        } finally {
            deleteRecursively(dir);
        }
    }

    /** {@code DELETE /v1/admin/models/{model}/versions/{version}}: 204, or 404 if that version is not deployed. */
    void undeploy(Context ctx) {
        Authenticator.requireAdmin(ctx);
        String model = RouteParams.model(ctx);
        String version = ctx.pathParam("version");
        if (!ModelManifest.VERSION.matcher(version).matches()) {
            throw new ApiProblem(400, "invalid-model-version", "Invalid model version", "a model version matches " + ModelManifest.VERSION);
        }
        if (!deployed(model, version)) {
            List<String> versions = catalog.versions(model).stream().map(CatalogEntry::version).toList();
            throw new ApiProblem(404, "unknown-model-version", "Unknown model version",
                    model + ":" + version + " is not deployed; deployed versions of " + model + ": " + versions);
        }
        deployer.undeploy(model, version);
        log.info("undeployed {} for {}", CatalogEntry.key(model, version), Authenticator.principal(ctx).tenant());
        awaitSeen(() -> !deployed(model, version));
        ctx.status(204);
    }

    private boolean deployed(String model, String version) {
        return catalog.versions(model).stream().anyMatch(e -> e.version().equals(version));
    }

    /**
     * The form's parts into {@code dir}: the manifest as {@code manifest.json}, each file under its own name, which
     * must be a plain file name ({@link CatalogNames#FILE_NAME}) given once.
     */
    private static void receive(Context ctx, Path dir) throws IOException {
        Map<String, List<UploadedFile>> parts;
        try {
            parts = ctx.uploadedFileMap();
        } catch (Exception e) {
            if (UploadForm.httpCode(e) == 413) {
                throw tooLarge();
            }
            throw new ApiProblem(400, "invalid-multipart", "Invalid multipart body",
                    "the body is not a complete multipart/form-data body with the boundary its Content-Type names");
        }
        for (String name : parts.keySet()) {
            if (!name.equals(MANIFEST_PART) && !name.equals(FILE_PART)) {
                throw new ApiProblem(400, "unknown-part", "Unknown file part",
                        "file part '" + name + "' is neither '" + MANIFEST_PART + "' nor '" + FILE_PART + "'");
            }
        }
        List<UploadedFile> manifests = parts.getOrDefault(MANIFEST_PART, List.of());
        String manifestField = ctx.formParam(MANIFEST_PART);
        if (manifests.size() + (manifestField == null ? 0 : 1) != 1) {
            throw new ApiProblem(400, "invalid-manifest", "Invalid manifest",
                    "the form needs exactly one '" + MANIFEST_PART + "' part (the model's manifest.json)");
        }
        if (manifests.isEmpty()) {
            Files.writeString(dir.resolve(ModelManifest.FILE_NAME), manifestField);
        } else {
            copy(manifests.getFirst(), dir.resolve(ModelManifest.FILE_NAME));
        }
        for (UploadedFile file : parts.getOrDefault(FILE_PART, List.of())) {
            String name = file.filename();
            if (name == null || !CatalogNames.FILE_NAME.matcher(name).matches()) {
                throw new ApiProblem(400, "invalid-file-name", "Invalid file name",
                        "file '" + name + "' must be a plain file name matching " + CatalogNames.FILE_NAME);
            }
            Path target = CatalogNames.resolveWithin(dir, name);
            if (Files.exists(target)) {
                throw new ApiProblem(400, "invalid-file-name", "Invalid file name", "file '" + name + "' is sent more than once"
                        + (name.equals(ModelManifest.FILE_NAME) ? " (the '" + MANIFEST_PART + "' part is " + name + ")" : ""));
            }
            copy(file, target);
        }
    }

    private static void copy(UploadedFile part, Path target) throws IOException {
        try (InputStream in = part.content()) {
            Files.copy(in, target);
        } catch (IOException | RuntimeException e) {
            if (UploadForm.httpCode(e) == 413) {
                throw tooLarge();
            }
            throw e;
        }
    }

    /** A deployment over {@link #MAX_MODEL_BYTES}, found while reading it or announced by its Content-Length. */
    static ApiProblem tooLarge() {
        return new ApiProblem(413, "model-too-large", "Model too large",
                "a deployment request is at most " + MAX_MODEL_BYTES + " bytes");
    }

    /** Polls this instance's catalogue until it agrees, for at most {@link #SEEN_WITHIN}; the change is published either way. */
    private static void awaitSeen(BooleanSupplier seen) {
        Instant until = Instant.now().plus(SEEN_WITHIN);
        try {
            while (!seen.getAsBoolean() && Instant.now().isBefore(until)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot remove the deployment's temporary directory {}", dir, e);
        }
    }

    @Override
    public void close() {
        deployer.close();
    }
}
