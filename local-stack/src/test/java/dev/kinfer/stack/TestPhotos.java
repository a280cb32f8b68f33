package dev.kinfer.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Real photos for the tests, from Debian packages: {@code opencv-doc} (installed by {@code .ci/run}) and, for a
 * portrait, the public-domain NASA photo of Eileen Collins that scikit-image ships, taken out of the
 * {@code python3-skimage} package with {@code apt-get download} (no install, no root) and cached.
 */
final class TestPhotos {
    static final Path OPENCV = Path.of("/usr/share/doc/opencv-doc/examples/data");
    private static final String SKIMAGE_PACKAGE = "python3-skimage=0.19.3-8";
    private static final String ASTRONAUT = "usr/lib/python3/dist-packages/skimage/data/astronaut.png";
    private static final String ASTRONAUT_SHA256 = "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5";

    private TestPhotos() {
    }

    /** A 512x512 portrait, the face about x 175-275, y 75-185. */
    static byte[] astronaut(Path cacheDir) throws IOException, InterruptedException {
        Path photo = cacheDir.resolve("photos").resolve("astronaut.png");
        if (!Files.isRegularFile(photo)) {
            Path work = Files.createDirectories(cacheDir.resolve("downloads").resolve("skimage"));
            run(work, "apt-get", "download", SKIMAGE_PACKAGE);
            Path deb;
            try (var files = Files.list(work)) {
                deb = files.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download " + SKIMAGE_PACKAGE + " left no .deb in " + work));
            }
            Path unpacked = Files.createDirectories(work.resolve("unpacked"));
            run(work, "dpkg-deb", "-x", deb.toString(), unpacked.toString());
            Files.createDirectories(photo.getParent());
            Files.copy(unpacked.resolve(ASTRONAUT), photo);
        }
        byte[] bytes = Files.readAllBytes(photo);
        String actual = sha256(bytes);
        if (!actual.equals(ASTRONAUT_SHA256)) {
            throw new IOException(photo + " has sha256 " + actual + ", expected " + ASTRONAUT_SHA256);
        }
        return bytes;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("command.log").toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed (a Debian system with apt is needed for this test photo); see "
                    + dir.resolve("command.log"));
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
