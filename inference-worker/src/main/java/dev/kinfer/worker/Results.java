package dev.kinfer.worker;

import dev.kinfer.schemas.CacheKeys;
import dev.kinfer.schemas.ErrorInfo;
import dev.kinfer.schemas.ImageRef;
import dev.kinfer.schemas.InferenceRequest;
import dev.kinfer.schemas.InferenceResult;
import dev.kinfer.schemas.ResultStatus;
import dev.kinfer.schemas.Timings;
import java.time.Instant;

/** Builds the one result each request ends as. */
final class Results {
    private Results() {
    }

    static InferenceResult.Builder base(InferenceRequest request, String modelVersion, Timings timings) {
        return InferenceResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setTenant(request.getTenant())
                .setModel(request.getModel())
                .setModelVersion(modelVersion)
                .setTimings(timings)
                .setCompletedAt(Instant.now())
                .setCacheKey(filedUnder(request))
                .setCallback(request.getCallback());
    }

    /**
     * The key the result cache files the result under: the request's, if it is the key the rule gives (the record is
     * untrusted, and a wrong key would answer other requests with this result); none otherwise.
     */
    private static String filedUnder(InferenceRequest request) {
        String rule = CacheKeys.of(request.getTenant(), request.getModel(), request.getParams(),
                request.getInputs().stream().map(ImageRef::getSha256).toList());
        return rule.equals(request.getCacheKey()) ? request.getCacheKey() : null;
    }

    static InferenceResult succeeded(InferenceRequest request, String modelVersion, Timings timings, Object output) {
        return base(request, modelVersion, timings).setStatus(ResultStatus.SUCCEEDED).setOutput(output).build();
    }

    static InferenceResult failed(InferenceRequest request, String modelVersion, Timings timings, String code, String message,
                                  boolean retriable) {
        return base(request, modelVersion, timings).setStatus(ResultStatus.FAILED)
                .setError(new ErrorInfo(code, message, retriable)).build();
    }

    static InferenceResult failed(InferenceRequest request, String modelVersion, Timings timings, RequestFailure failure) {
        return failed(request, modelVersion, timings, failure.code(), failure.getMessage(), failure.retriable());
    }

    static InferenceResult expired(InferenceRequest request, String modelVersion, Timings timings) {
        return base(request, modelVersion, timings).setStatus(ResultStatus.EXPIRED)
                .setError(new ErrorInfo(ErrorCodes.DEADLINE_EXCEEDED, "the request's deadline " + request.getDeadline()
                        + " passed before it could run", false)).build();
    }
}
