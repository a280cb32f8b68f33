package dev.kinfer.ingest;

import dev.kinfer.store.ContentHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A submission as ingest read it, from a multipart form or a JSON body naming uploads: its images (the first the
 * one to work on; a second the style or the reference), their hashes, and what else the client asked for. A JSON
 * submission's images are read from the store only once it is known to be wanted ({@link #withImages}): an
 * idempotent retry is answered before, while the uploads it names are long gone.
 *
 * @param parts     the form part each image came in ({@code image}, {@code style}, {@code reference}); null for a JSON
 *                  submission's inputs, which are in the task's order
 * @param callbackSecretId the tenant's webhook secret that signs the callback; null without a {@code callbackUrl}
 * @param uploadIds the presigned uploads the images come from, removed once the job has its own copy
 * @param sent      the hash of what the client sent (images or upload ids, parameters, callback and its secret, version)
 */
record Submission(List<byte[]> images, List<String> hashes, List<String> parts, Map<String, String> params, String callbackUrl,
                  String callbackSecretId, String pinnedVersion, List<String> uploadIds, String sent) {
    Submission {
        images = List.copyOf(images);
        hashes = List.copyOf(hashes);
        parts = Collections.unmodifiableList(new ArrayList<>(parts));
        params = Map.copyOf(params);
        uploadIds = List.copyOf(uploadIds);
    }

    /** A form's submission: its images in hand. */
    static Submission of(List<byte[]> images, List<String> parts, Map<String, String> params, String callbackUrl, String callbackSecretId,
                         String pinnedVersion) {
        List<String> hashes = images.stream().map(ContentHash::sha256).toList();
        String sent = hash("form", "parts=" + parts, "images=" + hashes, "params=" + new TreeMap<>(params), "callback=" + callbackUrl,
                "callbackSecret=" + callbackSecretId, "version=" + pinnedVersion);
        return new Submission(images, hashes, parts, params, callbackUrl, callbackSecretId, pinnedVersion, List.of(), sent);
    }

    /** A JSON body's submission: the uploads it names, not yet read. */
    static Submission naming(List<String> uploadIds, Map<String, String> params, String callbackUrl, String callbackSecretId,
                             String pinnedVersion) {
        String sent = hash("json", "uploads=" + uploadIds, "params=" + new TreeMap<>(params), "callback=" + callbackUrl,
                "callbackSecret=" + callbackSecretId, "version=" + pinnedVersion);
        return new Submission(List.of(), List.of(), Collections.nCopies(uploadIds.size(), null), params, callbackUrl, callbackSecretId,
                pinnedVersion, uploadIds, sent);
    }

    Submission withImages(List<byte[]> read) {
        return new Submission(read, read.stream().map(ContentHash::sha256).toList(), parts, params, callbackUrl, callbackSecretId,
                pinnedVersion, uploadIds, sent);
    }

    /** The bytes of its images, as the byte rate limit counts them. */
    long imageBytes() {
        return images.stream().mapToLong(image -> image.length).sum();
    }

    /** What makes two submissions the same request, for {@code Idempotency-Key}: the model and all the client sent. */
    String fingerprint(String model) {
        return hash("model=" + model, sent);
    }

    private static String hash(String... fields) {
        return ContentHash.sha256(String.join("\n", fields).getBytes(StandardCharsets.UTF_8));
    }
}
