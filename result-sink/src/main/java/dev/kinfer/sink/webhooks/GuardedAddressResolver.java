package dev.kinfer.sink.webhooks;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The Jetty client's name resolution, done by the guard: the addresses a connection is opened to are exactly the
 * ones the guard resolved and checked, in one lookup, so no second lookup can answer differently.
 */
final class GuardedAddressResolver implements SocketAddressResolver {
    private final CallbackGuard guard;
    private final Executor executor;

    /** @param executor where lookups run: they block, and Jetty calls this on threads that must not */
    GuardedAddressResolver(CallbackGuard guard, Executor executor) {
        this.guard = guard;
        this.executor = executor;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        try {
            executor.execute(() -> resolveNow(host, port, promise));
        } catch (RejectedExecutionException e) {
            promise.failed(e);
        }
    }

    private void resolveNow(String host, int port, Promise<List<InetSocketAddress>> promise) {
        List<InetSocketAddress> addresses;
        try {
            addresses = guard.checkedAddresses(host).stream().map(address -> new InetSocketAddress(address, port)).toList();
        } catch (Exception e) { // refused, unresolvable, or a resolver's bug: the request must fail, not hang
            promise.failed(e);
            return;
        }
        promise.succeeded(addresses);
    }
}
