package dev.kinfer.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.Context;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeBulkheadTest {
    private final Map<String, String> headers = new HashMap<>();
    /** A Context that only records the headers set on it: all the bulkhead touches. */
    private final Context ctx = (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
            (proxy, method, args) -> {
                if (method.getName().equals("header") && args != null && args.length == 2) {
                    headers.put((String) args[0], (String) args[1]);
                    return proxy;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void shouldAnswerBusyWithRetryAfterWhileEveryPermitDecodesAndServeAgainOnceOneIsFree() throws Exception {
        DecodeBulkhead bulkhead = new DecodeBulkhead(1);
        CountDownLatch decoding = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> bulkhead.run(ctx, () -> {
            decoding.countDown();
            await(finish);
            return "first";
        }));
        assertThat(decoding.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> bulkhead.run(ctx, () -> "second"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(503);
                    assertThat(p.code()).isEqualTo("busy");
                });
        assertThat(headers).containsEntry("Retry-After", "1");

        finish.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(bulkhead.run(ctx, () -> "third")).isEqualTo("third");
    }

    @Test
    void shouldFreeThePermitWhenADecodeFails() {
        DecodeBulkhead bulkhead = new DecodeBulkhead(1);

        assertThatThrownBy(() -> bulkhead.run(ctx, () -> {
            throw new ApiProblem(400, "corrupt-image", "Corrupt image", "bad");
        })).isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("corrupt-image"));
        assertThat(bulkhead.run(ctx, () -> "next")).isEqualTo("next");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
