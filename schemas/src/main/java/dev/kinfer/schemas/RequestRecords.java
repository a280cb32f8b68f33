package dev.kinfer.schemas;

import java.util.regex.Pattern;

/**
 * Rules about a request record that more than one service applies: anyone who may produce to a request topic can
 * write one, so the worker that answers it and result-sink, which tracks it as a job, must agree on what it means.
 */
public final class RequestRecords {
    /** Ids, tenants and model names are copied into results: bounded, so a result always fits in a record. */
    public static final int MAX_NAME_LENGTH = 128;
    /**
     * What a request id (a job id) may be: it names the job in URLs and its outputs in the object store. Dots allowed,
     * but not dots alone: "." and ".." would resolve to another path.
     */
    public static final Pattern REQUEST_ID = Pattern.compile("(?!\\.+$)[A-Za-z0-9._:-]{1,128}");
    /** Tenant names: safe in keys such as the face gallery's {@code <tenant>/<subject>} (no slash) and in metrics labels. */
    public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private RequestRecords() {
    }

    /** Why no result can be published for this request (the worker dead-letters it), or null when one can. */
    public static String unanswerable(InferenceRequest request) {
        if (request.getRequestId().isBlank()) {
            return "the request has no requestId to publish a result under";
        }
        for (String field : new String[] {request.getRequestId(), request.getTenant(), request.getModel()}) {
            if (field.length() > MAX_NAME_LENGTH) {
                return "the request's id, tenant or model is longer than " + MAX_NAME_LENGTH + " characters";
            }
        }
        return null;
    }

    /** Why the request's id or tenant is unfit to act on (it fails, on the results topic), or null when both are fit. */
    public static String badIdentity(InferenceRequest request) {
        if (!REQUEST_ID.matcher(request.getRequestId()).matches()) {
            return "requestId '" + request.getRequestId() + "' is not " + REQUEST_ID + " (it names the job's outputs and URL)";
        }
        if (!TENANT.matcher(request.getTenant()).matches()) {
            return "tenant '" + request.getTenant() + "' is not a tenant name (" + TENANT + ")";
        }
        return null;
    }

    /** Whether the request is a replay's: its result goes to the replay's own topic, and it is no client's job. */
    public static boolean isReplay(InferenceRequest request) {
        return request.getResultTopic() != null && Topics.REPLAY_RESULTS.matcher(request.getResultTopic()).matches();
    }

    /**
     * The topic the request's result is published to: a replay's own, or {@link Topics#RESULTS}; a request that names
     * any other topic is answered (with a failure) on {@link Topics#RESULTS}, where its producer looks.
     */
    public static String resultTopic(InferenceRequest request) {
        return isReplay(request) ? request.getResultTopic() : Topics.RESULTS;
    }
}
