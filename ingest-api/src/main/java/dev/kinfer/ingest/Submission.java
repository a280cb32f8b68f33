package dev.kinfer.ingest;

import dev.kinfer.store.ContentHash;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A submission as ingest read it, from a multipart form or a JSON body naming uploads: its images (the first the
 * one to work on; a second the style or the reference), their hashes, and what else the client asked for.
 *
 * @param uploadIds the presigned uploads the images came from, removed once the job has its own copy
 */
record Submission(List<byte[]> images, List<String> hashes, Map<String, String> params, String callbackUrl, String pinnedVersion,
                  List<String> uploadIds) {
    Submission {
        images = List.copyOf(images);
        hashes = List.copyOf(hashes);
        params = Map.copyOf(params);
        uploadIds = List.copyOf(uploadIds);
    }

    static Submission of(List<byte[]> images, Map<String, String> params, String callbackUrl, String pinnedVersion, List<String> uploadIds) {
        return new Submission(images, images.stream().map(ContentHash::sha256).toList(), params, callbackUrl, pinnedVersion, uploadIds);
    }

    /** What makes two submissions the same request, for {@code Idempotency-Key}: everything a result depends on or goes to. */
    String fingerprint(String model, String cacheKey) {
        String canonical = "model=" + model + "\nversion=" + pinnedVersion + "\ncallback=" + callbackUrl + "\nrequest=" + cacheKey;
        return ContentHash.sha256(canonical.getBytes(StandardCharsets.UTF_8));
    }
}
