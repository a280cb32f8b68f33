package dev.kinfer.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real photos for the tests, from Debian packages: {@code opencv-doc} (installed by {@code .ci/run}), group photos
 * with hand-marked faces from the dlib source package, and, for a portrait, the public-domain NASA photo of Eileen Collins that scikit-image ships, taken out of the
 * {@code python3-skimage} package with {@code apt-get download} (no install, no root) and cached.
 */
final class TestPhotos {
    static final Path OPENCV = Path.of("/usr/share/doc/opencv-doc/examples/data");
    private static final String SKIMAGE_PACKAGE = "python3-skimage=0.19.3-8";
    private static final String ASTRONAUT = "usr/lib/python3/dist-packages/skimage/data/astronaut.png";
    private static final String ASTRONAUT_SHA256 = "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5";

    private static final String DLIB_SOURCE = "http://deb.debian.org/debian/pool/main/d/dlib/dlib_19.24+dfsg.orig.tar.bz2";
    private static final String DLIB_SOURCE_SHA256 = "66b4263822a2ff91a3e769e501c7d7927a13089e178c1427ec19cb0475823cf6";
    private static final String DLIB_FACES = "dlib-19.24+dfsg/examples/faces";

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

    /**
     * A photo of several people: each face's box as marked by hand (x, y, width, height in its pixels) and, in the
     * same order, its 68 landmarks as dlib's own predictor places them (x, y pairs, iBUG 300-W order).
     */
    record GroupPhoto(Path file, List<double[]> faces, List<double[]> landmarks) {
    }

    /**
     * The nine group photos (PASCAL VOC 2011) that dlib ships with its face detector's examples, their hand-marked
     * faces and dlib's landmarks for them (examples/faces/training_with_face_landmarks.xml and
     * testing_with_face_landmarks.xml, 43 faces), from Debian's dlib source package (its .dsc pins this sha256),
     * fetched once and cached.
     */
    static List<GroupPhoto> groupPhotos(Path cacheDir) throws IOException, InterruptedException {
        Path faces = cacheDir.resolve("photos").resolve("dlib-faces");
        if (!Files.isRegularFile(faces.resolve("testing_with_face_landmarks.xml"))) {
            Path work = Files.createDirectories(cacheDir.resolve("downloads").resolve("dlib"));
            Path tarball = work.resolve("dlib.orig.tar.bz2");
            if (!Files.isRegularFile(tarball) || !sha256(Files.readAllBytes(tarball)).equals(DLIB_SOURCE_SHA256)) {
                HttpResponse<Path> got = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                        .send(HttpRequest.newBuilder(URI.create(DLIB_SOURCE)).build(), HttpResponse.BodyHandlers.ofFile(tarball));
                if (got.statusCode() != 200) {
                    throw new IOException("GET " + DLIB_SOURCE + " answered " + got.statusCode());
                }
            }
            String actual = sha256(Files.readAllBytes(tarball));
            if (!actual.equals(DLIB_SOURCE_SHA256)) {
                throw new IOException(tarball + " has sha256 " + actual + ", expected " + DLIB_SOURCE_SHA256);
            }
            run(work, "tar", "xjf", tarball.toString(), DLIB_FACES);
            Files.createDirectories(faces.getParent());
            Files.move(work.resolve(DLIB_FACES), faces, StandardCopyOption.REPLACE_EXISTING);
        }
        List<GroupPhoto> photos = new ArrayList<>();
        for (String list : List.of("training_with_face_landmarks.xml", "testing_with_face_landmarks.xml")) {
            Matcher image = Pattern.compile("<image file='([^']+)'[^>]*>(.*?)</image>", Pattern.DOTALL)
                    .matcher(Files.readString(faces.resolve(list), StandardCharsets.ISO_8859_1));
            while (image.find()) {
                List<double[]> boxes = new ArrayList<>();
                List<double[]> landmarks = new ArrayList<>();
                Matcher box = Pattern.compile("<box top='(\\d+)' left='(\\d+)' width='(\\d+)' height='(\\d+)'>(.*?)</box>", Pattern.DOTALL)
                        .matcher(image.group(2));
                while (box.find()) {
                    boxes.add(new double[] {Double.parseDouble(box.group(2)), Double.parseDouble(box.group(1)),
                            Double.parseDouble(box.group(3)), Double.parseDouble(box.group(4))});
                    double[] points = new double[136];
                    Matcher part = Pattern.compile("<part name='(\\d+)' x='(-?\\d+)' y='(-?\\d+)'/>").matcher(box.group(5));
                    while (part.find()) {
                        int k = Integer.parseInt(part.group(1));
                        points[2 * k] = Double.parseDouble(part.group(2));
                        points[2 * k + 1] = Double.parseDouble(part.group(3));
                    }
                    landmarks.add(points);
                }
                photos.add(new GroupPhoto(faces.resolve(image.group(1)), boxes, landmarks));
            }
        }
        return photos;
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
