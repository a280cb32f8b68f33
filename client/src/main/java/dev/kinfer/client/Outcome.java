package dev.kinfer.client;

import dev.kinfer.schemas.InferenceResult;

/**
 * How one image of {@link KinferClient#submitAll} ended: its result, or why there is none.
 *
 * @param index     the image's place in the stream, from 0
 * @param requestId its job id (null if it failed before a request was made, e.g. not an image)
 * @param result    the result: SUCCEEDED, or FAILED / EXPIRED (then {@code failure} is the matching exception); null
 *                  if the request never got one
 * @param failure   null when SUCCEEDED
 */
public record Outcome(long index, String requestId, InferenceResult result, Throwable failure) {
    public boolean succeeded() {
        return failure == null;
    }
}
