package dev.kinfer.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The local stack's S3 credentials: random on first start, kept in the data
 * directory readable by its owner only, the same on every restart. None is ever in the repository.
 */
record Secrets(String s3AccessKey, String s3SecretKey) {
    static Secrets loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve("secrets.properties");
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        } else {
            p.setProperty("s3.accessKey", "kinfer-" + random(4));
            p.setProperty("s3.secretKey", random(20));
            Files.createDirectories(dataDir);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(file)) {
                p.store(w, "kinfer local stack secrets: generated, never commit");
            }
        }
        return new Secrets(p.getProperty("s3.accessKey"), p.getProperty("s3.secretKey"));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
