package dev.kinfer.ingest;

import dev.kinfer.store.ObjectNotFoundException;
import dev.kinfer.store.ObjectStore;
import dev.kinfer.store.ObjectStoreException;
import dev.kinfer.store.S3Uri;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Large images without multipart (the SageMaker Async shape): {@code POST /v1/uploads} hands out a presigned PUT
 * URL into the object store under the caller's tenant, and a job then names the upload. The bytes are checked
 * when a job takes them, exactly as an upload's are (never more than the limit read; then type and pixels), and
 * the upload object is removed once the job has its content-addressed copy. A presigned PUT cannot bound the
 * size: give the bucket a lifecycle rule that expires {@code uploads/} after a day.
 */
final class Uploads {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Duration VALID_FOR = Duration.ofMinutes(15);

    private final ObjectStore store;
    private final long maxBytes;
    private final Clock clock;

    Uploads(ObjectStore store, long maxBytes, Clock clock) {
        this.store = store;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** A new upload slot of {@code tenant}: its id, and where and until when to PUT the image. */
    Map<String, Object> create(String tenant) {
        String id = UUID.randomUUID().toString();
        String url;
        try {
            url = store.presignedPut(store.uploadUri(tenant, id), VALID_FOR);
        } catch (ObjectStoreException e) {
            throw new ApiProblem(503, "store-unavailable", "Object store unavailable", "no upload URL could be made: " + e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uploadId", id);
        body.put("method", "PUT");
        body.put("url", url);
        body.put("expiresAt", Instant.now(clock).plus(VALID_FOR).toString());
        body.put("maxBytes", maxBytes);
        return body;
    }

    /**
     * The bytes of an upload of {@code tenant}, refused (4xx) if there is none or it is too large. Read in one call,
     * at most one byte past the limit: a client may still be writing a larger object to the same URL.
     */
    byte[] read(String tenant, String uploadId) {
        S3Uri uri = uri(tenant, uploadId);
        byte[] bytes;
        try {
            bytes = store.getAtMost(uri, Math.toIntExact(Math.min(Integer.MAX_VALUE - 8, maxBytes + 1)));
        } catch (ObjectNotFoundException e) {
            throw new ApiProblem(400, "unknown-upload", "Unknown upload", "no image was uploaded as " + uploadId
                    + " (uploads are per tenant, and taken by one job)");
        } catch (ObjectStoreException e) {
            throw new ApiProblem(503, "store-unavailable", "Object store unavailable", "the upload could not be read: " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw ImageValidator.tooLarge(maxBytes, "upload " + uploadId + " is larger");
        }
        return bytes;
    }

    /** Removes an upload a job has taken (its content-addressed copy is stored); a failure leaves it to the lifecycle rule. */
    void remove(String tenant, String uploadId) {
        try {
            store.delete(uri(tenant, uploadId));
        } catch (ObjectStoreException e) {
            // harmless: the bucket's lifecycle rule expires it
        }
    }

    private S3Uri uri(String tenant, String uploadId) {
        if (uploadId == null || !ID.matcher(uploadId).matches()) {
            throw new ApiProblem(400, "unknown-upload", "Unknown upload", "an upload id is the uploadId POST /v1/uploads answered");
        }
        return store.uploadUri(tenant, uploadId);
    }
}
