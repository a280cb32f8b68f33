package dev.kinfer.credentials;

/**
 * What a credential may submit: a token bucket of requests ({@code requestsPerSecond} refilled, up to {@code burst}
 * at once) and one of uploaded bytes per second. Zero means unlimited.
 */
public record Limits(double requestsPerSecond, int burst, long bytesPerSecond) {
    public static final Limits UNLIMITED = new Limits(0, 0, 0);

    public Limits {
        if (requestsPerSecond < 0 || burst < 0 || bytesPerSecond < 0) {
            throw new IllegalArgumentException("limits cannot be negative");
        }
        if (requestsPerSecond > 0 && burst == 0) {
            burst = (int) Math.max(1, Math.ceil(requestsPerSecond));
        }
    }

    public boolean limitsRequests() {
        return requestsPerSecond > 0;
    }

    public boolean limitsBytes() {
        return bytesPerSecond > 0;
    }

    @Override
    public String toString() {
        return (limitsRequests() ? requestsPerSecond + " req/s (burst " + burst + ")" : "unlimited requests")
                + ", " + (limitsBytes() ? bytesPerSecond + " B/s" : "unlimited bytes");
    }
}
