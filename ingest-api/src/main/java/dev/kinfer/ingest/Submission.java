package dev.kinfer.ingest;

import dev.kinfer.store.ContentHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A submission as ingest read it, from a multipart form or a JSON body naming uploads: its images (the first the
 * one to work on; a second the style or the reference), their hashes, and what else the client asked for.
 *
 * @param parts     the form part each image came in ({@code image}, {@code style}, {@code reference}); null for a JSON
 *                  submission's inputs, which are in the task's order
 * @param uploadIds the presigned uploads the images came from, removed once the job has its own copy
 */
record Submission(List<byte[]> images, List<String> hashes, List<String> parts, Map<String, String> params, String callbackUrl,
                  String pinnedVersion, List<String> uploadIds) {
    Submission {
        images = List.copyOf(images);
        parts = Collections.unmodifiableList(new ArrayList<>(parts));
        hashes = List.copyOf(hashes);
        params = Map.copyOf(params);
        uploadIds = List.copyOf(uploadIds);
    }

    static Submission of(List<byte[]> images, List<String> parts, Map<String, String> params, String callbackUrl, String pinnedVersion,
                         List<String> uploadIds) {
        return new Submission(images, images.stream().map(ContentHash::sha256).toList(), parts, params, callbackUrl, pinnedVersion,
                uploadIds);
    }

    /** What makes two submissions the same request, for {@code Idempotency-Key}: everything a result depends on or goes to. */
    String fingerprint(String model, String cacheKey) {
        String canonical = "model=" + model + "\nversion=" + pinnedVersion + "\ncallback=" + callbackUrl + "\nrequest=" + cacheKey;
        return ContentHash.sha256(canonical.getBytes(StandardCharsets.UTF_8));
    }
}
