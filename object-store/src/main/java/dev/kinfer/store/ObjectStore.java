package dev.kinfer.store;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * The object store as kinfer uses it. Inputs live under {@code images/<sha256>} (stored once, whoever uploads
 * them), outputs under {@code outputs/<requestId>/...} (a replayed request overwrites its own output).
 */
public final class ObjectStore implements AutoCloseable {
    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject");
    private static final Set<String> CREATED_MEANWHILE = Set.of("BucketAlreadyOwnedByYou", "BucketAlreadyExists");

    /** Images and outputs are small: a call that takes longer than this is hung, and its caller retries it. */
    private static final Duration SMALL_OBJECT_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final StoreConfig config;
    private final OkHttpClient http;
    /** For images and outputs: every call bounded as a whole. */
    private final MinioClient client;
    /** For model files, which may take minutes: only stalls are bounded (read and write timeouts). */
    private final MinioClient bulk;

    public ObjectStore(StoreConfig config) {
        this.config = config;
        this.http = new OkHttpClient.Builder()
                .socketFactory(new NoDelaySocketFactory())
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60))
                .build();
        this.client = minio(config, http.newBuilder().callTimeout(SMALL_OBJECT_CALL_TIMEOUT).build());
        this.bulk = minio(config, http);
    }

    private static MinioClient minio(StoreConfig config, OkHttpClient http) {
        return MinioClient.builder()
                .endpoint(config.endpoint())
                .region(config.region())
                .credentials(config.accessKey(), config.secretKey())
                .httpClient(http, false)
                .build();
    }

    /** The key under which an input image with this content hash is stored. */
    public S3Uri imageUri(String sha256) {
        return new S3Uri(config.bucket(), "images/" + sha256);
    }

    /** The key of a request's output; derived from the request id so a retried request overwrites it. */
    public S3Uri outputUri(String requestId, String fileName) {
        return new S3Uri(config.bucket(), "outputs/" + requestId + "/" + fileName);
    }

    /** Where a client's presigned upload lands: under the tenant, by an id ingest made (never a client's name). */
    public S3Uri uploadUri(String tenant, String uploadId) {
        return new S3Uri(config.bucket(), "uploads/" + tenant + "/" + uploadId);
    }

    /** The key of one file of a deployed model version. */
    public S3Uri modelUri(String model, String version, String fileName) {
        return new S3Uri(config.bucket(), "models/" + model + "/" + version + "/" + fileName);
    }

    /** Creates the bucket if it is missing; several processes may race to do so at start. */
    public void ensureBucket() {
        call("create bucket " + config.bucket(), () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).build());
                } catch (ErrorResponseException e) {
                    if (!CREATED_MEANWHILE.contains(e.errorResponse().code())) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    public boolean exists(S3Uri uri) {
        return call("stat " + uri, () -> {
            try {
                client.statObject(StatObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).build());
                return true;
            } catch (ErrorResponseException e) {
                if (MISSING.contains(e.errorResponse().code())) {
                    return false;
                }
                throw e;
            }
        });
    }

    public void delete(S3Uri uri) {
        call("delete " + uri, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).build());
            return null;
        });
    }

    public void put(S3Uri uri, byte[] bytes, String contentType) {
        call("put " + uri, () -> client.putObject(PutObjectArgs.builder().bucket(uri.bucket()).object(uri.key())
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType(contentType).build()));
    }

    /** Streams a file up (model artifacts may be larger than is wise to hold in memory). */
    public void upload(S3Uri uri, Path file) {
        call("upload " + file + " to " + uri, () -> bulk.uploadObject(UploadObjectArgs.builder().bucket(uri.bucket())
                .object(uri.key()).filename(file.toString()).build()));
    }

    /** Streams an object down into {@code file}, replacing it. */
    public void download(S3Uri uri, Path file) {
        call("download " + uri, () -> {
            try (InputStream in = bulk.getObject(GetObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).build())) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return null;
        });
    }

    public byte[] get(S3Uri uri) {
        return call("get " + uri, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).build())) {
                return in.readAllBytes();
            }
        });
    }

    /**
     * At most the first {@code limit} bytes of an object: for objects a client wrote, which may be larger than
     * anything kinfer would accept (read {@code max + 1} to tell "too large" from "exactly the maximum").
     */
    public byte[] getAtMost(S3Uri uri, int limit) {
        return call("get " + uri, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).build())) {
                return in.readNBytes(limit);
            }
        });
    }

    /** A time-limited GET link that needs no credentials, for clients to download an output. */
    public String presignedGet(S3Uri uri, Duration validFor) {
        return call("presign " + uri, () -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET).bucket(uri.bucket()).object(uri.key()).expiry((int) validFor.toSeconds()).build()));
    }

    /** A time-limited PUT link that needs no credentials, for a client to upload a large image straight to the store. */
    public String presignedPut(S3Uri uri, Duration validFor) {
        return call("presign " + uri, () -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.PUT).bucket(uri.bucket()).object(uri.key()).expiry((int) validFor.toSeconds()).build()));
    }

    @Override
    public void close() {
        // OkHttp's pool threads are not daemons: without this a stopping service lingers for a minute.
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private interface StoreCall<T> {
        T run() throws Exception;
    }

    private static <T> T call(String what, StoreCall<T> call) {
        try {
            return call.run();
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (MISSING.contains(code)) {
                throw new ObjectNotFoundException(what.substring(what.indexOf(' ') + 1), e);
            }
            // A server error (503 SlowDown, 500 InternalError) may pass; a refusal (403, 400) will not.
            boolean serverError = e.response() != null && e.response().code() >= 500;
            throw new ObjectStoreException(what + " failed: " + code + " " + e.getMessage(), serverError, e);
        } catch (IOException e) {
            throw new ObjectStoreException(what + " failed: " + e, true, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ObjectStoreException(what + " failed: " + e, false, e);
        }
    }
}
