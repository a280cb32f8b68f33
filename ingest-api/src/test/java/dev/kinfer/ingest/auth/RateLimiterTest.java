package dev.kinfer.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kinfer.credentials.Limits;
import dev.kinfer.ingest.ApiProblem;
import io.github.bucket4j.TimeMeter;
import io.javalin.http.Context;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** Time the test moves by hand. */
    private static final class ManualTime implements TimeMeter {
        long nanos;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    private final ManualTime time = new ManualTime();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final RateLimiter limiter = new RateLimiter(time, 1000, metrics);
    private final Map<String, String> headers = new HashMap<>();
    /** Only {@code header(name, value)} is used by the limiter; the rest of a Context is not needed here. */
    private final Context ctx = (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
            (proxy, method, args) -> {
                if (method.getName().equals("header") && args != null && args.length == 2) {
                    headers.put((String) args[0], (String) args[1]);
                    return proxy;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void aBurstPassesThenTheRateHolds() {
        Principal caller = new Principal("acme", "k1", false, new Limits(2, 4, 0));
        for (int i = 0; i < 4; i++) {
            limiter.admitRequest(ctx, caller);
        }
        assertThat(headers).containsEntry("RateLimit-Limit", "4").containsEntry("RateLimit-Remaining", "0");
        ApiProblem refused = refused(caller, 0);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate-limited");
        assertThat(refused.headers()).containsEntry("Retry-After", "1");
        time.nanos += 500_000_000L; // half a second at 2/s: one more
        limiter.admitRequest(ctx, caller);
        refused(caller, 0);
        // Over ten seconds, exactly the rate passes.
        int admitted = 0;
        for (int step = 0; step < 1000; step++) {
            time.nanos += 10_000_000L;
            try {
                limiter.admitRequest(ctx, caller);
                admitted++;
            } catch (ApiProblem e) {
                assertThat(e.status()).isEqualTo(429);
            }
        }
        assertThat(admitted).isEqualTo(20);
        assertThat(metrics.counter("kinfer_rate_limited_total", "tenant", "acme", "limit", "requests").count()).isGreaterThan(900);
    }

    @Test
    void ratesBelowOneASecondHold() {
        Principal caller = new Principal("acme", "slow", false, new Limits(0.5, 1, 0));
        limiter.admitRequest(ctx, caller);
        assertThat(refused(caller, 0).headers()).containsEntry("Retry-After", "2");
        time.nanos += 2_000_000_000L;
        limiter.admitRequest(ctx, caller);
    }

    @Test
    void bytesAreLimitedAndARefusalForBytesSpendsNoRequest() {
        Principal caller = new Principal("acme", "k2", false, new Limits(10, 2, 100));
        limiter.admitRequest(ctx, caller);
        limiter.admitBytes(caller, 900); // the bucket holds the largest request (1000 bytes)
        assertThat(refused(caller, 900).detail()).contains("100 bytes a second");
        limiter.admitRequest(ctx, caller); // the refused one gave its request back: the burst of 2 still has this one
        assertThat(headers).containsEntry("RateLimit-Remaining", "0");
        time.nanos += 8_000_000_000L; // 800 bytes back
        limiter.admitRequest(ctx, caller);
        limiter.admitBytes(caller, 800);
    }

    @Test
    void eachCredentialHasItsOwnBucketsAndUnlimitedOnesNone() {
        Limits limits = new Limits(1, 1, 0);
        limiter.admitRequest(ctx, new Principal("a", "k-a", false, limits));
        limiter.admitRequest(ctx, new Principal("b", "k-b", false, limits));
        refused(new Principal("a", "k-a", false, limits), 0);
        for (int i = 0; i < 100; i++) {
            limiter.admitRequest(ctx, Principal.ANONYMOUS);
            limiter.admitBytes(Principal.ANONYMOUS, 10_000);
        }
    }

    private ApiProblem refused(Principal caller, long bytes) {
        try {
            limiter.admitRequest(ctx, caller);
            limiter.admitBytes(caller, bytes);
        } catch (ApiProblem e) {
            return e;
        }
        return fail("admitted past its limits");
    }
}
