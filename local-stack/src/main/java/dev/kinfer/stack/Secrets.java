package dev.kinfer.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * The local stack's S3 credentials: random on first start, kept in the data
 * directory readable by its owner only, the same on every restart. None is ever in the repository.
 */
record Secrets(String s3AccessKey, String s3SecretKey) {
    static Secrets loadOrCreate(Path dataDir) throws IOException {
        Optional<Secrets> existing = find(dataDir);
        if (existing.isPresent()) {
            return existing.get();
        }
        Properties p = new Properties();
        p.setProperty("s3.accessKey", "kinfer-" + random(4));
        p.setProperty("s3.secretKey", random(20));
        Files.createDirectories(dataDir);
        Files.createFile(file(dataDir), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(file(dataDir))) {
            p.store(w, "kinfer local stack secrets: generated, never commit");
        }
        return new Secrets(p.getProperty("s3.accessKey"), p.getProperty("s3.secretKey"));
    }

    /** The stack's credentials, if it was ever started with this data directory. */
    static Optional<Secrets> find(Path dataDir) throws IOException {
        if (!Files.exists(file(dataDir))) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file(dataDir))) {
            p.load(r);
        }
        return Optional.of(new Secrets(p.getProperty("s3.accessKey"), p.getProperty("s3.secretKey")));
    }

    private static Path file(Path dataDir) {
        return dataDir.resolve("secrets.properties");
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
