package dev.kinfer.worker;

import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.RequestRecords;
import dev.kinfer.store.S3Uri;
import java.util.regex.Pattern;

/**
 * A request record is untrusted input: anyone who may produce to a request topic can write one. These are the
 * checks a record passes before it may join a batch; what fails them becomes a FAILED result. (What leaves no way to
 * publish a result at all is {@link dev.kinfer.schemas.RequestRecords#unanswerable}: result-sink applies it too.)
 */
final class RequestChecks {
    /** Longest side a declared input may have: a sanity bound, not the edge's pixel limit. */
    static final int MAX_SIDE = 1 << 16;
    private static final int MAX_PARAMS = 32;
    private static final int MAX_PARAM_LENGTH = 1024;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private RequestChecks() {
    }

    /** Why the request is unfit to run, or null when it is fit. */
    static String problem(InferenceRequest request) {
        if (RequestRecords.badIdentity(request) instanceof String bad) {
            return bad;
        }
        if (request.getParams().size() > MAX_PARAMS || request.getParams().entrySet().stream()
                .anyMatch(p -> p.getKey().length() > MAX_PARAM_LENGTH || p.getValue().length() > MAX_PARAM_LENGTH)) {
            return "more than " + MAX_PARAMS + " parameters, or one longer than " + MAX_PARAM_LENGTH + " characters";
        }
        if (request.getResultTopic() != null && !RequestRecords.isReplay(request)) {
            return "resultTopic " + request.getResultTopic() + " is not a replay's topic (kinfer.results.replay.<run>); "
                    + "leave it null for kinfer.results";
        }
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
