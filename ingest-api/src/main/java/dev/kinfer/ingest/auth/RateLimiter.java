package dev.kinfer.ingest.auth;

import dev.kinfer.credentials.Limits;
import dev.kinfer.ingest.ApiProblem;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-credential token buckets (Bucket4j) on submissions and on uploaded bytes, as the credential's {@link Limits}
 * say. Answers carry {@code RateLimit-Limit}, {@code -Remaining} and {@code -Reset} (seconds; the IETF httpapi
 * draft's fields); a refusal is {@code 429 rate-limited} with {@code Retry-After}.
 */
public final class RateLimiter {
    private record Buckets(Limits limits, Bucket requests, Bucket bytes) {
    }

    private final Map<String, Buckets> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;
    private final long largestRequestBytes;
    private final MeterRegistry metrics;

    /** @param largestRequestBytes the largest body accepted: a byte bucket always holds at least that much */
    public RateLimiter(TimeMeter time, long largestRequestBytes, MeterRegistry metrics) {
        this.time = time;
        this.largestRequestBytes = largestRequestBytes;
        this.metrics = metrics;
    }

    /** Takes one submission from the caller's request bucket, or refuses with 429; answers carry the RateLimit-* fields. */
    public void admitRequest(Context ctx, Principal caller) {
        Buckets mine = bucketsOf(caller);
        if (mine == null || mine.requests() == null) {
            return;
        }
        ConsumptionProbe probe = mine.requests().tryConsumeAndReturnRemaining(1);
        ctx.header("RateLimit-Limit", Integer.toString(caller.limits().burst()));
        ctx.header("RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
        ctx.header("RateLimit-Reset", Long.toString(secondsUntilFull(caller.limits(), probe)));
        if (!probe.isConsumed()) {
            throw refused(caller, "requests", probe.getNanosToWaitForRefill(), caller.limits().requestsPerSecond() + " requests a second");
        }
    }

    /**
     * Takes the image bytes a submission brought (counted once read, whatever the body's shape or framing) from the
     * caller's byte bucket, or refuses with 429 and gives the submission's request token back.
     */
    public void admitBytes(Principal caller, long bytes) {
        Buckets mine = bucketsOf(caller);
        if (mine == null || mine.bytes() == null || bytes <= 0) {
            return;
        }
        ConsumptionProbe probe = mine.bytes().tryConsumeAndReturnRemaining(bytes);
        if (!probe.isConsumed()) {
            if (mine.requests() != null) {
                mine.requests().addTokens(1); // refused for its bytes: the submission itself is not spent
            }
            throw refused(caller, "bytes", probe.getNanosToWaitForRefill(), caller.limits().bytesPerSecond() + " bytes a second");
        }
    }

    private ApiProblem refused(Principal caller, String what, long nanosToWait, String limit) {
        metrics.counter("kinfer_rate_limited_total", "tenant", caller.tenant(), "limit", what).increment();
        long seconds = Math.max(1, (long) Math.ceil(nanosToWait / 1e9));
        return new ApiProblem(429, "rate-limited", "Too many requests", "this credential may submit " + limit + "; try again in "
                + seconds + " s").header("Retry-After", Long.toString(seconds));
    }

    private static long secondsUntilFull(Limits limits, ConsumptionProbe probe) {
        return (long) Math.ceil((limits.burst() - probe.getRemainingTokens()) / limits.requestsPerSecond());
    }

    private Buckets bucketsOf(Principal caller) {
        Limits limits = caller.limits();
        if (!limits.limitsRequests() && !limits.limitsBytes()) {
            return null;
        }
        // A key re-issued with other limits under the same credential starts fresh buckets.
        return buckets.compute(caller.credential(), (id, existing) -> existing != null && existing.limits().equals(limits)
                ? existing : new Buckets(limits, limits.limitsRequests() ? requestBucket(limits) : null,
                        limits.limitsBytes() ? byteBucket(limits) : null));
    }

    private Bucket requestBucket(Limits limits) {
        // burst tokens refilled over burst / rate seconds: the rate, held exactly even below one a second.
        Duration period = Duration.ofNanos((long) (limits.burst() / limits.requestsPerSecond() * 1e9));
        return Bucket.builder().withCustomTimePrecision(time)
                .addLimit(Bandwidth.builder().capacity(limits.burst()).refillGreedy(limits.burst(), period).build()).build();
    }

    private Bucket byteBucket(Limits limits) {
        long capacity = Math.max(limits.bytesPerSecond(), largestRequestBytes); // else a large image could never pass
        return Bucket.builder().withCustomTimePrecision(time)
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(limits.bytesPerSecond(), Duration.ofSeconds(1))
                        .initialTokens(capacity).build()).build();
    }
}
