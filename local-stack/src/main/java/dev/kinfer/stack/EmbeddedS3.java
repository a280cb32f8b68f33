package dev.kinfer.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;

/**
 * A real S3 API (S3Proxy) in this process, storing objects as files under {@code dir}; MinIO's role in production.
 * It can be stopped and started again on the same files and port (fault tests take it away mid-run).
 */
final class EmbeddedS3 implements AutoCloseable {
    private final Properties config;
    private final String endpoint;
    private S3Proxy proxy;

    private EmbeddedS3(Properties config, String endpoint) {
        this.config = config;
        this.endpoint = endpoint;
    }

    static EmbeddedS3 start(Path dir, int port, String accessKey, String secretKey) throws Exception {
        Files.createDirectories(dir);
        String endpoint = "http://127.0.0.1:" + port;
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", endpoint);
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", accessKey);
        p.setProperty("s3proxy.credential", secretKey);
        p.setProperty("jclouds.provider", "filesystem");
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        EmbeddedS3 s3 = new EmbeddedS3(p, endpoint);
        s3.startAgain();
        return s3;
    }

    /** Starts serving (again) from the same directory. */
    synchronized void startAgain() throws Exception {
        if (proxy != null) {
            return;
        }
        S3Proxy started = S3Proxy.Builder.fromProperties(config).blobStore(BlobStores.create("filesystem", config)).build();
        started.start();
        while (!"STARTED".equals(started.getState())) {
            if ("FAILED".equals(started.getState())) {
                throw new IllegalStateException("S3Proxy failed to start at " + endpoint);
            }
            Thread.sleep(10);
        }
        proxy = started;
    }

    /** Stops serving; connections are refused until {@link #startAgain()}. */
    synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    String endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
