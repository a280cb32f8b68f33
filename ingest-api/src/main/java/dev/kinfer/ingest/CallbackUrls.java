package dev.kinfer.ingest;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Checks a callback URL's form at submission. Whether its address may be called (not a private network unless
 * allowed) is decided by result-sink when it delivers, because DNS may answer differently by then.
 */
final class CallbackUrls {
    private static final int MAX_LENGTH = 2048;

    private CallbackUrls() {
    }

    static String validate(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(url);
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (url.length() > MAX_LENGTH || !web || uri.getHost() == null || uri.getUserInfo() != null) {
                throw invalid(url, "expected an absolute http(s) URL with a host and no credentials, at most " + MAX_LENGTH + " characters");
            }
            return uri.toString();
        } catch (URISyntaxException e) {
            throw invalid(url, e.getMessage());
        }
    }

    private static ApiProblem invalid(String url, String reason) {
        return new ApiProblem(400, "invalid-callback-url", "Invalid callback URL", "callbackUrl '" + url + "' is invalid: " + reason);
    }
}
