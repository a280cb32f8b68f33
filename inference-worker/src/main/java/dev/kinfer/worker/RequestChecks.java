package dev.kinfer.worker;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.store.S3Uri;
import java.util.regex.Pattern;

/**
 * A request record is untrusted input: anyone who may produce to a request topic can write one. These are the
 * checks a record passes before it may join a batch; what fails them becomes a FAILED result.
 */
final class RequestChecks {
    /** Longest side a declared input may have: a sanity bound, not the edge's pixel limit. */
    static final int MAX_SIDE = 1 << 16;
    private static final int MAX_ID_LENGTH = 128;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private RequestChecks() {
    }

    /** Whether the record carries an id that a result can be published under. */
    static boolean hasUsableId(InferenceRequest request) {
        String id = request.getRequestId();
        return !id.isBlank() && id.length() <= MAX_ID_LENGTH;
    }

    /** Why the request is unfit to run, or null when it is fit. */
    static String problem(InferenceRequest request) {
        if (request.getInputs().isEmpty()) {
            return "the request has no inputs";
        }
        for (ImageRef input : request.getInputs()) {
            if (input.getWidth() < 1 || input.getHeight() < 1 || input.getWidth() > MAX_SIDE || input.getHeight() > MAX_SIDE) {
                return "input " + input.getUri() + " declares an impossible size " + input.getWidth() + "x" + input.getHeight();
            }
            if (!SHA256.matcher(input.getSha256()).matches()) {
                return "input " + input.getUri() + " declares a sha256 that is not 64 hex digits";
            }
            try {
                S3Uri.parse(input.getUri());
            } catch (IllegalArgumentException e) {
                return "input uri " + input.getUri() + " is not an s3:// uri: " + e.getMessage();
            }
        }
        return null;
    }
}
